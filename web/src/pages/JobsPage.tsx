import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, errorText, isActive, JOB_STATUSES, type Adapter, type Job, type JobList } from '../api';
import { Flash, ProgressBar, StatusBadge } from '../components/Bits';
import { DeleteJobButton } from '../components/DeleteButtons';
import { usePolling } from '../hooks';
import { age } from '../format';

const PAGE_SIZE = 20;

// Jobs, newest first, filtered by status and adapter, 20 a page. Refreshes
// itself every 2 s while a job on the page is queued or processing.
export function JobsPage() {
  const [status, setStatus] = useState('');
  const [adapterId, setAdapterId] = useState('');
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<JobList | null>(null);
  const [adapters, setAdapters] = useState<Adapter[]>([]);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    api.listJobs({ status, adapter_id: adapterId, limit: PAGE_SIZE, offset }).then(
      (l) => {
        // A delete can empty the last page: step back to one that has rows.
        if (l.items.length === 0 && offset > 0) return setOffset(Math.max(0, offset - PAGE_SIZE));
        setList(l);
        setError(null);
      },
      (e) => setError(errorText(e)));
  }, [status, adapterId, offset]);
  useEffect(reload, [reload]);
  useEffect(() => { api.listAdapters().then((r) => setAdapters(r.items), () => {}); }, []);
  usePolling(reload, 2000, !!list?.items.some((j) => isActive(j.status)));

  function filter(set: (v: string) => void) {
    return (e: React.ChangeEvent<HTMLSelectElement>) => { set(e.target.value); setOffset(0); };
  }

  async function cancel(job: Job) {
    try {
      await api.cancelJob(job.id);
    } catch (e) {
      setError(errorText(e));
    }
    reload();
  }

  return (
    <>
      <h1>Jobs</h1>
      <Flash />
      <div className="toolbar">
        <label>
          Status
          <select value={status} onChange={filter(setStatus)}>
            <option value="">All</option>
            {JOB_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Adapter
          <select value={adapterId} onChange={filter(setAdapterId)}>
            <option value="">All</option>
            {adapters.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {list === null ? <p className="muted">Loading jobs…</p>
        : list.items.length === 0 ? <p className="empty">{status || adapterId ? 'No jobs match these filters.' : 'No jobs yet. Generate something first.'}</p>
        : (
          <>
            <table className="table">
              <thead>
                <tr><th>Prompt</th><th>Status</th><th>Progress</th><th>Adapter</th><th>Duration</th><th>Created</th><th /></tr>
              </thead>
              <tbody>
                {list.items.map((job) => (
                  <tr key={job.id} data-job-id={job.id}>
                    <td className="prompt"><Link to={`/jobs/${job.id}`}>{job.prompt_preview}</Link></td>
                    <td><StatusBadge status={job.status} /></td>
                    <td><ProgressBar value={job.progress} label={`Progress of ${job.prompt_preview}`} /></td>
                    <td className={job.adapter_deleted ? 'muted deleted' : undefined}>{job.adapter_name ?? '—'}</td>
                    <td>{job.duration_seconds} s</td>
                    <td title={job.created_at}>{age(job.created_at)}</td>
                    <td><div className="row-actions">
                      <Link to={`/jobs/${job.id}`}>Open</Link>
                      {isActive(job.status) && <button type="button" onClick={() => cancel(job)}>Cancel</button>}
                      <DeleteJobButton job={job} onDeleted={reload} />
                    </div></td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="pager">
              <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>Previous</button>
              <span>{offset + 1}–{offset + list.items.length} of {list.total}</span>
              <button type="button" disabled={offset + PAGE_SIZE >= list.total} onClick={() => setOffset(offset + PAGE_SIZE)}>Next</button>
            </div>
          </>
        )}
    </>
  );
}
