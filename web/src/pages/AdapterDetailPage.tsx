import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, errorText, type Adapter, type AdapterTimeline, type AdapterVersion, type JobList } from '../api';
import { AdapterFields, useAdapterForm } from '../components/AdapterFields';
import { StatusBadge } from '../components/Bits';
import { DeleteAdapterButton } from '../components/DeleteButtons';
import { age, dateTime } from '../format';

// One adapter: its fields, an edit form, delete (back to the Adapters list),
// its versions (make one current, add one), its timeline, and the most
// recent jobs that used it.
export function AdapterDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [adapter, setAdapter] = useState<Adapter | null>(null);
  const [jobs, setJobs] = useState<JobList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [timeline, setTimeline] = useState<AdapterTimeline | null>(null);

  const reloadTimeline = useCallback(() => { api.adapterTimeline(id).then(setTimeline, () => {}); }, [id]);
  const reload = useCallback(() => {
    api.getAdapter(id).then(setAdapter, (e) => setError(errorText(e)));
    api.listJobs({ adapter_id: id, limit: 20 }).then(setJobs, () => {});
    reloadTimeline();
  }, [id, reloadTimeline]);
  useEffect(reload, [reload]);

  if (error && !adapter) return <><h1>Adapter</h1><p className="error" role="alert">{error}</p><Link to="/adapters">Back to adapters</Link></>;
  if (!adapter) return <p className="muted">Loading adapter…</p>;

  async function patch(body: Parameters<typeof api.updateAdapter>[1]) {
    try {
      setAdapter(await api.updateAdapter(id, body));
      setError(null);
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    }
  }

  return (
    <>
      <p className="crumbs"><Link to="/adapters">Adapters</Link> / {adapter.name}</p>
      <div className="title-row">
        <h1>{adapter.name}</h1>
        <span className="spacer" />
        <button type="button" onClick={() => patch({ is_active: !adapter.is_active })}>
          {adapter.is_active ? 'Deactivate' : 'Activate'}
        </button>
        <button type="button" onClick={() => setEditing(!editing)}>{editing ? 'Close editor' : 'Edit'}</button>
        <DeleteAdapterButton adapterId={adapter.id} onDeleted={() => navigate('/adapters')} />
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {editing && <EditAdapter adapter={adapter} onSave={async (body) => { if (await patch(body)) setEditing(false); }} />}
      <section className="card">
        <dl className="facts">
          <dt>Description</dt><dd>{adapter.description || '—'}</dd>
          <dt>Active</dt><dd>{adapter.is_active ? 'yes — offered for new generations' : 'no'}</dd>
          <dt>Status</dt><dd>{adapter.status}</dd>
          <dt>Base model</dt><dd>{adapter.base_model}</dd>
          <dt>Version</dt><dd>{adapter.current_version ?? '—'}</dd>
          <dt>Created</dt><dd>{dateTime(adapter.created_at)}</dd>
          <dt>Updated</dt><dd>{dateTime(adapter.updated_at)}</dd>
          <dt>Style config</dt><dd><pre className="mono">{JSON.stringify(adapter.config, null, 2)}</pre></dd>
        </dl>
      </section>
      {adapter.versions && (
        <Versions adapter={adapter} onError={setError}
          onChanged={() => { api.getAdapter(id).then(setAdapter, (e) => setError(errorText(e))); reloadTimeline(); }} />
      )}
      {timeline && <Timeline timeline={timeline} />}
      <h2>Jobs that used it</h2>
      {jobs === null ? <p className="muted">Loading jobs…</p>
        : jobs.items.length === 0 ? <p className="empty">No job has used this adapter yet.</p>
        : (
          <>
            <ul className="job-links">
              {jobs.items.map((j) => (
                <li key={j.id}>
                  <Link to={`/jobs/${j.id}`}>{j.prompt_preview}</Link> <StatusBadge status={j.status} />{' '}
                  <span className="muted">{age(j.created_at)}</span>
                </li>
              ))}
            </ul>
            {jobs.total > jobs.items.length && <p className="muted">The {jobs.items.length} most recent of {jobs.total}.</p>}
          </>
        )}
    </>
  );
}

// The adapter's versions, oldest first: "Make current" (PATCH …/activate)
// gives the adapter that version's config; "New version" adds one from the
// current config, which becomes current.
function Versions({ adapter, onChanged, onError }: { adapter: Adapter; onChanged: () => void; onError: (e: string) => void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [version, setVersion] = useState('');
  const [description, setDescription] = useState('');
  const versions: AdapterVersion[] = adapter.versions ?? [];

  async function activate(v: AdapterVersion) {
    setBusy(v.id);
    try {
      await api.activateAdapterVersion(adapter.id, v.id);
      onChanged();
    } catch (e) {
      onError(errorText(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-label="Versions">
      <div className="title-row">
        <h2>Versions</h2>
        <span className="spacer" />
        <button type="button" onClick={() => setAdding(!adding)}>{adding ? 'Close' : 'New version'}</button>
      </div>
      {adding && (
        <form className="card" aria-label="New version" onSubmit={async (e) => {
          e.preventDefault();
          setBusy('new');
          try {
            await api.createAdapterVersion(adapter.id, { ...(version.trim() && { version: version.trim() }), ...(description.trim() && { description: description.trim() }) });
            setAdding(false);
            setVersion('');
            setDescription('');
            onChanged();
          } catch (err) {
            onError(errorText(err));
          } finally {
            setBusy(null);
          }
        }}>
          <p className="muted">The new version takes the adapter's current style config and becomes current.</p>
          <div className="actions">
            <label className="inline-label">Version<input value={version} onChange={(e) => setVersion(e.target.value)} placeholder="next number" size={10} /></label>
            <label className="inline-label">Description<input value={description} onChange={(e) => setDescription(e.target.value)} size={40} /></label>
            <button type="submit" className="primary" disabled={busy === 'new'}>Add version</button>
          </div>
        </form>
      )}
      {versions.length === 0 ? <p className="empty">No versions yet.</p> : (
        <table className="table">
          <thead><tr><th>Version</th><th>Source</th><th>Description</th><th>Created</th><th>Current</th><th /></tr></thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id} data-version-id={v.id} className={v.is_current ? 'current' : undefined}>
                <td>{v.version}</td>
                <td>{v.source === 'training' ? 'training run' : 'manual'}</td>
                <td>{v.description || <span className="muted">—</span>}</td>
                <td title={dateTime(v.created_at)}>{age(v.created_at)}</td>
                <td>{v.is_current ? <span className="badge completed">current</span> : ''}</td>
                <td><div className="row-actions">
                  {!v.is_current && (
                    <button type="button" onClick={() => activate(v)} disabled={busy !== null}
                      aria-label={`Make version ${v.version} current`}>
                      {busy === v.id ? 'Switching…' : 'Make current'}
                    </button>
                  )}
                </div></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Timeline({ timeline }: { timeline: AdapterTimeline }) {
  return (
    <section aria-label="Timeline">
      <h2>Timeline</h2>
      <p className="muted">{timeline.total_versions} versions · {timeline.total_training_runs} training runs</p>
      <ol className="timeline">
        {timeline.events.map((e, i) => (
          <li key={i}>
            <span className="type">{e.type.replace('_', ' ')}</span>
            {e.title} <span className="muted" title={dateTime(e.timestamp)}>{age(e.timestamp)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function EditAdapter({ adapter, onSave }: { adapter: Adapter; onSave: (body: Parameters<typeof api.updateAdapter>[1]) => Promise<void> }) {
  const form = useAdapterForm(adapter);
  const [status, setStatus] = useState(adapter.status);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form className="card" aria-label="Edit adapter" onSubmit={async (e) => {
      e.preventDefault();
      const input = form.toInput();
      if (typeof input === 'string') return setProblem(input);
      setProblem(null);
      await onSave({ ...input, status });
    }}>
      <AdapterFields form={form} />
      <label>
        Status
        <select value={status} onChange={(e) => setStatus(e.target.value as Adapter['status'])}>
          <option value="active">active</option>
          <option value="archived">archived</option>
        </select>
      </label>
      {problem && <p className="error">{problem}</p>}
      <div className="actions"><button type="submit" className="primary">Save changes</button></div>
    </form>
  );
}
