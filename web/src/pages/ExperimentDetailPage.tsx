import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, errorText, isRunActive, type Experiment, type Run } from '../api';
import { DatasetName, ProgressBar, StatusBadge } from '../components/Bits';
import { AccuracyChart, accuracyText, LossChart } from '../components/Charts';
import { DeleteExperimentButton, DeleteRunButton } from '../components/DeleteButtons';
import { LogViewer } from '../components/LogViewer';
import { TrainingConfigFields, useTrainingConfig } from '../components/TrainingConfigFields';
import { useAction, usePolling } from '../hooks';
import { age, dateTime, shortId } from '../format';

export const RUN_POLL_MS = 1000;

// One experiment: its dataset and config, a form to start a run, the runs
// (reloaded every second while one is queued or running), and the selected
// run: its loss chart, held-out accuracy against chance, live log, the
// explanation of what it learned and the adapter it made.
export function ExperimentDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [experiment, setExperiment] = useState<Experiment | null>(null);
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    api.getExperiment(id).then((e) => { setExperiment(e); setError(null); }, (e) => setError(errorText(e)));
    api.listRuns(id).then((r) => setRuns(r.items), (e) => setError(errorText(e)));
  }, [id]);
  useEffect(reload, [reload]);
  usePolling(reload, RUN_POLL_MS, !!runs?.some((r) => isRunActive(r.status)));

  if (error && !experiment) return <><h1>Experiment</h1><p className="error" role="alert">{error}</p><Link to="/experiments">Back to experiments</Link></>;
  if (!experiment) return <p className="muted">Loading experiment…</p>;
  // The run shown below the table: the one picked, else the newest.
  const newest = runs && [...runs].sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
  const run = runs?.find((r) => r.id === selected) ?? newest ?? null;

  return (
    <>
      <p className="crumbs"><Link to="/experiments">Experiments</Link> / {experiment.name}</p>
      <div className="title-row">
        <h1>{experiment.name}</h1>
        <StatusBadge status={experiment.status} />
        <span className="spacer" />
        <DeleteExperimentButton experiment={experiment} onDeleted={() => navigate('/experiments')} />
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      <section className="card">
        <dl className="facts">
          <dt>Description</dt><dd>{experiment.description || '—'}</dd>
          <dt>Dataset</dt><dd><DatasetName id={experiment.dataset_id} name={experiment.dataset_name} deleted={experiment.dataset_deleted} /></dd>
          <dt>Config</dt><dd><pre className="mono">{JSON.stringify(experiment.config, null, 2)}</pre></dd>
          <dt>Best loss</dt><dd>{experiment.best_loss === null ? '—' : experiment.best_loss.toFixed(4)}</dd>
          <dt>Created</dt><dd>{dateTime(experiment.created_at)}</dd>
        </dl>
      </section>
      <StartRun experiment={experiment} onStarted={(r) => { setSelected(r.id); reload(); }} />
      <h2>Runs</h2>
      {runs === null ? <p className="muted">Loading runs…</p>
        : runs.length === 0 ? <p className="empty">No runs yet. Start one above.</p>
        : (
          <table className="table">
            <thead><tr><th>Run</th><th>Status</th><th>Progress</th><th>Final loss</th><th>Held-out accuracy</th><th>Adapter</th><th>Started</th><th /></tr></thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-run-id={r.id} className={r.id === run?.id ? 'selected' : undefined}>
                  <td className="nowrap">
                    <button type="button" className="link" aria-pressed={r.id === run?.id} onClick={() => setSelected(r.id)}>{r.name}</button>
                  </td>
                  <td><StatusBadge status={r.status} /></td>
                  <td><ProgressBar value={r.progress} label={`Progress of ${r.name}`} /></td>
                  <td>{r.final_loss === null ? '—' : r.final_loss.toFixed(4)}</td>
                  <td>{r.metrics.heldout_accuracy != null && r.metrics.chance_accuracy != null
                    ? accuracyText(r.metrics.heldout_accuracy, r.metrics.chance_accuracy) : '—'}</td>
                  <td>{r.adapter_id ? <Link to={`/adapters/${r.adapter_id}`}>{r.adapter_name ?? shortId(r.adapter_id)}</Link> : '—'}</td>
                  <td title={r.started_at ?? undefined}>{r.started_at ? age(r.started_at) : '—'}</td>
                  <td><div className="row-actions"><DeleteRunButton run={r} onDeleted={() => { setSelected(null); reload(); }} /></div></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      {run && <RunDetail key={run.id} run={run} onDone={reload} />}
    </>
  );
}

function StartRun({ experiment, onStarted }: { experiment: Experiment; onStarted: (r: Run) => void }) {
  const [name, setName] = useState('');
  const [adapterName, setAdapterName] = useState('');
  const config = useTrainingConfig();
  const { busy, problem, run } = useAction();
  return (
    <form className="card" aria-label="Start a run" onSubmit={(e) => {
      e.preventDefault();
      run(async () => {
        const override = { ...config.toConfig(), ...(adapterName.trim() && { adapter_name: adapterName.trim() }) };
        const started = await api.startRun(experiment.id, {
          ...(name.trim() && { name: name.trim() }), ...(Object.keys(override).length && { config: override }),
        });
        setName('');
        setAdapterName('');
        config.reset();
        onStarted(started);
      });
    }}>
      <h2>Start a run</h2>
      {experiment.dataset_deleted && <p className="muted">Its dataset was deleted: restore it from the Trash to train on it again.</p>}
      <p className="muted">Leave a field empty to use the experiment's value.</p>
      <div className="form-grid">
        <label className="span2">Run name<input value={name} onChange={(e) => setName(e.target.value)} placeholder="named by the server" /></label>
        <label className="span2">Adapter name<input value={adapterName} onChange={(e) => setAdapterName(e.target.value)} placeholder="named by the server" /></label>
        <TrainingConfigFields config={config} placeholders={experiment.config} />
      </div>
      <div className="actions"><button type="submit" className="primary" disabled={busy}>Start run</button></div>
      {problem && <p className="error" role="alert">{problem}</p>}
    </form>
  );
}

function RunDetail({ run, onDone }: { run: Run; onDone: () => void }) {
  const m = run.metrics;
  return (
    <section className="card" aria-label={`Run ${run.name}`}>
      <div className="result-head">
        <h2>{run.name}</h2>
        <StatusBadge status={run.status} />
        {isRunActive(run.status) && <ProgressBar value={run.progress} label={`Progress of ${run.name}`} />}
      </div>
      {run.error && <p className="error">{run.error}</p>}
      {run.explanation && <p className="explanation">{run.explanation}</p>}
      {run.adapter_id && (
        <p>New adapter: <Link to={`/adapters/${run.adapter_id}`}>{run.adapter_name ?? shortId(run.adapter_id)}</Link></p>
      )}
      <div className="charts">
        <LossChart loss={m.loss ?? []} />
        {m.heldout_accuracy != null && m.chance_accuracy != null
          ? <AccuracyChart accuracy={m.heldout_accuracy} chance={m.chance_accuracy} />
          : <figure className="chart"><figcaption>Held-out accuracy vs chance</figcaption><p className="muted">Not trained yet.</p></figure>}
      </div>
      <dl className="facts">
        {m.train_size !== undefined && <><dt>Data</dt><dd>{m.train_size} to train, {m.heldout_size ?? 0} held out</dd></>}
        {!!m.skipped_without_style && <><dt>Skipped</dt><dd>{m.skipped_without_style} samples rendered before style features were recorded</dd></>}
        {m.direction_found === false && <><dt>Direction</dt><dd>none found: the listeners' taste is not one these controls reach</dd></>}
        {run.lineage && (
          <>
            <dt>Trained on</dt>
            <dd>
              <DatasetName id={run.lineage.dataset_id} name={run.lineage.dataset_name} deleted={run.lineage.dataset_deleted} />
              {' '}· {run.lineage.member_count} members · <span className="mono" title="hash of the training data">{run.lineage.data_hash.slice(0, 12)}</span>
            </dd>
          </>
        )}
        <dt>Config</dt><dd><pre className="mono">{JSON.stringify(run.config)}</pre></dd>
      </dl>
      <LogViewer runId={run.id} status={run.status} onDone={onDone} />
    </section>
  );
}
