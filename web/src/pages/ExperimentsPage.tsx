import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, type Dataset } from '../api';
import { DatasetName, Pager, StatusBadge } from '../components/Bits';
import { TrainingConfigFields, useTrainingConfig } from '../components/TrainingConfigFields';
import { useUndo } from '../components/UndoNotice';
import { useAction, usePagedList, usePolling } from '../hooks';
import { age } from '../format';

const PAGE_SIZE = 20;

// Experiments: each trains adapters from one dataset; the list shows their
// status, how many runs they have and the best loss, and reloads every 2 s
// while one is running. The form creates one and opens it.
export function ExperimentsPage() {
  const { restoredCount } = useUndo();
  const load = useCallback((q: { limit: number; offset: number }) => api.listExperiments(q), [restoredCount]);
  const { list, error, offset, setOffset, reload } = usePagedList(load, PAGE_SIZE);
  usePolling(reload, 2000, !!list?.items.some((e) => e.status === 'running'));

  return (
    <>
      <h1>Experiments</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {list === null ? (!error && <p className="muted">Loading experiments…</p>)
        : list.items.length === 0 ? <p className="empty">No experiments yet. Create one below from a dataset.</p>
        : (
          <>
            <table className="table">
              <thead><tr><th>Name</th><th>Dataset</th><th>Status</th><th>Runs</th><th>Best loss</th><th>Updated</th></tr></thead>
              <tbody>
                {list.items.map((e) => (
                  <tr key={e.id} data-experiment-id={e.id}>
                    <td><Link to={`/experiments/${e.id}`}>{e.name}</Link></td>
                    <td><DatasetName id={e.dataset_id} name={e.dataset_name} deleted={e.dataset_deleted} /></td>
                    <td><StatusBadge status={e.status} /></td>
                    <td>{e.run_count}</td>
                    <td>{e.best_loss === null ? '—' : e.best_loss.toFixed(4)}</td>
                    <td title={e.updated_at}>{age(e.updated_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager offset={offset} shown={list.items.length} total={list.total} pageSize={PAGE_SIZE} onOffset={setOffset} />
          </>
        )}
      <CreateExperiment />
    </>
  );
}

function CreateExperiment() {
  const navigate = useNavigate();
  const [datasets, setDatasets] = useState<Dataset[] | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [datasetId, setDatasetId] = useState('');
  const config = useTrainingConfig();
  const { busy, problem, run } = useAction();
  useEffect(() => {
    api.listDatasets({ limit: 100 }).then((r) => { setDatasets(r.items); setDatasetId((d) => d || (r.items[0]?.id ?? '')); }, () => setDatasets([]));
  }, []);

  return (
    <form className="card" aria-label="New experiment" onSubmit={(e) => {
      e.preventDefault();
      run(async () => {
        const created = await api.createExperiment({
          name: name.trim(), ...(description.trim() && { description: description.trim() }), dataset_id: datasetId, config: config.toConfig(),
        });
        navigate(`/experiments/${created.id}`);
      });
    }}>
      <h2>New experiment</h2>
      {datasets?.length === 0 && <p className="muted">There is no dataset to train on yet: <Link to="/datasets">create one</Link> first.</p>}
      <div className="form-grid">
        <label className="span2">Name<input value={name} onChange={(e) => setName(e.target.value)} required /></label>
        <label className="span2">
          Dataset
          <select value={datasetId} onChange={(e) => setDatasetId(e.target.value)} required>
            {datasets?.map((d) => <option key={d.id} value={d.id}>{d.name} ({d.type}, {d.sample_count})</option>)}
          </select>
        </label>
        <label className="span2">Description<input value={description} onChange={(e) => setDescription(e.target.value)} /></label>
        <span className="span2" />
        <TrainingConfigFields config={config} />
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !name.trim() || !datasetId}>Create experiment</button>
      </div>
      {problem && <p className="error" role="alert">{problem}</p>}
    </form>
  );
}
