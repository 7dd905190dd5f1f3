import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, errorText, type Adapter, type JobList } from '../api';
import { AdapterFields, useAdapterForm } from '../components/AdapterFields';
import { StatusBadge } from '../components/Bits';
import { DeleteAdapterButton } from '../components/DeleteButtons';
import { age, dateTime } from '../format';

// One adapter: its fields, an edit form, delete (back to the Adapters list),
// and the most recent jobs that used it.
export function AdapterDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [adapter, setAdapter] = useState<Adapter | null>(null);
  const [jobs, setJobs] = useState<JobList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);

  const reload = useCallback(() => {
    api.getAdapter(id).then(setAdapter, (e) => setError(errorText(e)));
    api.listJobs({ adapter_id: id, limit: 20 }).then(setJobs, () => {});
  }, [id]);
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
