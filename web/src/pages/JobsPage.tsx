import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, errorText, isActive, JOB_STATUSES, type Adapter, type Job, type JobBulkDeleteResult, type JobFilter } from '../api';
import { Checkbox, Pager, ProgressBar, StatusBadge } from '../components/Bits';
import { DatasetsAffected, DeleteButton, DeleteJobButton, DeleteSelectedButton } from '../components/DeleteButtons';
import { useUndo } from '../components/UndoNotice';
import { usePagedList, usePolling, useSelection } from '../hooks';
import { age, plural } from '../format';

const PAGE_SIZE = 20;

// What a bulk delete of jobs will do, from its dry run.
function bulkCounts(r: JobBulkDeleteResult) {
  return (
    <>
      <ul className="counts">
        <li>{plural(r.jobs_deleted, 'job')} deleted (they can be restored from the Trash)</li>
        <li>{plural(r.feedback_deleted, 'feedback record')} removed permanently</li>
        <li>{plural(r.cancelled, 'running job')} cancelled</li>
      </ul>
      <DatasetsAffected datasets={r.datasets_affected} />
    </>
  );
}

// Jobs, newest first, filtered by status and adapter, 20 a page. Refreshes
// itself every 2 s while a job on the page is queued or processing. Rows can
// be selected for a bulk delete; with a filter set, everything it matches can be.
export function JobsPage() {
  const [status, setStatus] = useState('');
  const [adapterId, setAdapterId] = useState('');
  const [adapters, setAdapters] = useState<Adapter[]>([]);
  const { offer, restoredCount } = useUndo();
  // restoredCount: an Undo brought a job back, so the page loads again.
  const load = useCallback((q: { limit: number; offset: number }) => api.listJobs({ status, adapter_id: adapterId, ...q }),
    [status, adapterId, restoredCount]);
  const { list, error, setError, offset, setOffset, reload } = usePagedList(load, PAGE_SIZE);
  const selection = useSelection(list?.items.map((j) => j.id) ?? []);
  const filter: JobFilter = { ...(status && { status }), ...(adapterId && { adapter_id: adapterId }) };
  useEffect(() => { api.listAdapters().then((r) => setAdapters(r.items), () => {}); }, []);
  usePolling(reload, 2000, !!list?.items.some((j) => isActive(j.status)));

  function filterBy(set: (v: string) => void) {
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
      <div className="toolbar">
        <label>
          Status
          <select value={status} onChange={filterBy(setStatus)}>
            <option value="">All</option>
            {JOB_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Adapter
          <select value={adapterId} onChange={filterBy(setAdapterId)}>
            <option value="">All</option>
            {adapters.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
        <span className="spacer" />
        <DeleteSelectedButton
          ids={selection.ids}
          one="job"
          confirmLabel="Delete jobs"
          describe={async (ids) => bulkCounts(await api.bulkDeleteJobs({ ids, dry_run: true }))}
          remove={async (ids) => {
            const r = await api.bulkDeleteJobs({ ids });
            offer({
              message: `${plural(r.jobs_deleted, 'job')} deleted`,
              undo: async () => { await api.bulkRestoreJobs(ids); },
              restored: `${plural(ids.length, 'job')} restored.`,
            });
          }}
          onDeleted={() => { selection.clear(); reload(); }} />
        {(status || adapterId) && (
          <DeleteButton
            buttonLabel="Delete all matching the filter"
            title="Delete every job matching the filter?"
            confirmLabel="Delete jobs"
            describe={async () => bulkCounts(await api.bulkDeleteJobs({ filter, dry_run: true }))}
            remove={async () => { await api.bulkDeleteJobs({ filter }); }}
            onDeleted={() => { selection.clear(); reload(); }} />
        )}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {list === null ? <p className="muted">Loading jobs…</p>
        : list.items.length === 0 ? <p className="empty">{status || adapterId ? 'No jobs match these filters.' : 'No jobs yet. Generate something first.'}</p>
        : (
          <>
            <table className="table">
              <thead>
                <tr>
                  <th className="check"><Checkbox label="Select all jobs on this page" checked={selection.all} indeterminate={selection.some}
                    onChange={selection.toggleAll} /></th>
                  <th>Prompt</th><th>Status</th><th>Progress</th><th>Adapter</th><th>Duration</th><th>Created</th><th />
                </tr>
              </thead>
              <tbody>
                {list.items.map((job) => (
                  <tr key={job.id} data-job-id={job.id} className={selection.has(job.id) ? 'selected' : undefined}>
                    <td className="check"><Checkbox label={`Select job ${job.prompt_preview}`} checked={selection.has(job.id)}
                      onChange={() => selection.toggle(job.id)} /></td>
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
            <Pager offset={offset} shown={list.items.length} total={list.total} pageSize={PAGE_SIZE} onOffset={setOffset} />
          </>
        )}
    </>
  );
}
