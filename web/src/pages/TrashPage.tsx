import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import {
  api, ApiError, errorText, TRASH_TYPES,
  type AuditEvent, type PurgeResult, type Storage, type TrashedAdapter, type TrashedDataset, type TrashedExperiment,
  type TrashedJob, type TrashedOther, type TrashType,
} from '../api';
import { DatasetName, Pager, StatusBadge } from '../components/Bits';
import { DeleteButton } from '../components/DeleteButtons';
import { useUndo } from '../components/UndoNotice';
import { usePagedList } from '../hooks';
import { age, bytes, date, dateTime, interval, plural, shortId } from '../format';

const PAGE_SIZE = 20;

const KINDS: Record<TrashType, { tab: string; one: string; many: string }> = {
  jobs: { tab: 'Jobs', one: 'job', many: 'jobs' },
  adapters: { tab: 'Adapters', one: 'adapter', many: 'adapters' },
  datasets: { tab: 'Datasets', one: 'dataset', many: 'datasets' },
  experiments: { tab: 'Experiments', one: 'experiment', many: 'experiments' },
  ab_tests: { tab: 'A/B tests', one: 'A/B test', many: 'A/B tests' },
};

// Sizes are shown for people, with the exact number of bytes as the tooltip.
const Size = ({ n }: { n: number }) => <span title={`${n} bytes`}>{bytes(n)}</span>;

// The trash of section 7: one tab per kind (in the URL: /trash?type=adapters),
// its trashed items with Restore and Delete forever, Empty trash, the storage
// use, and the latest audit events. Every restore or purge reloads the
// storage panel and the activity, so the freed bytes show at once.
export function TrashPage() {
  const [params, setParams] = useSearchParams();
  const type = TRASH_TYPES.find((t) => t === params.get('type')) ?? 'jobs';
  const [changes, setChanges] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const { restoredCount } = useUndo();

  function show(t: TrashType) {
    setMessage(null);
    setParams(t === 'jobs' ? {} : { type: t });
  }
  function changed(text: string) {
    setMessage(text);
    setChanges((n) => n + 1);
  }

  return (
    <>
      <h1>Trash</h1>
      <p className="muted">
        Deleted jobs, adapters, datasets and experiments stay here until they are purged. Restore brings one back; Delete forever removes its
        rows and files for good.
      </p>
      <StoragePanel changes={changes + restoredCount} />
      <div className="tabs" role="tablist" aria-label="What to show" onKeyDown={(e) => {
        // Arrow keys move between the tabs (only the selected one is in the Tab order).
        const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
        if (!step) return;
        const next = TRASH_TYPES[(TRASH_TYPES.indexOf(type) + step + TRASH_TYPES.length) % TRASH_TYPES.length];
        show(next);
        e.currentTarget.querySelector<HTMLElement>(`[data-type="${next}"]`)?.focus();
      }}>
        {TRASH_TYPES.map((t) => (
          <button key={t} type="button" role="tab" data-type={t} aria-selected={t === type} tabIndex={t === type ? 0 : -1}
            className={t === type ? 'active' : undefined} onClick={() => show(t)}>
            {KINDS[t].tab}
          </button>
        ))}
      </div>
      {message && <p className="flash">{message}</p>}
      <div role="tabpanel" aria-label={`Trashed ${KINDS[type].many}`}>
        <TrashList key={`${type} ${restoredCount}`} type={type} onChange={changed} />
      </div>
      <Activity changes={changes + restoredCount} />
    </>
  );
}

function StoragePanel({ changes }: { changes: number }) {
  const [storage, setStorage] = useState<Storage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.storage().then((s) => { setStorage(s); setError(null); }, (e) => setError(errorText(e)));
  }, [changes]);
  const stat = (label: string, value: ReactNode) => <div><dt>{label}</dt><dd>{value}</dd></div>;
  return (
    <section className="card" aria-label="Storage">
      <h2>Storage</h2>
      {error ? <p className="muted">Storage use is not available: {error}</p>
        : !storage ? <p className="muted">Loading storage use…</p>
        : (
          <>
            <dl className="stats">
              {stat('Live', <Size n={storage.live_bytes} />)}
              {stat('Trashed', <Size n={storage.trashed_bytes} />)}
              {stat('Orphaned', <Size n={storage.orphaned_bytes} />)}
              {stat('Files', storage.files)}
              {stat('Retention', storage.retention_days === 0 ? 'off' : plural(storage.retention_days, 'day'))}
            </dl>
            <p className="muted">
              {storage.retention_days === 0
                ? 'Automatic purge is off: trashed items are kept until they are purged by hand.'
                : `Trashed items are purged automatically ${plural(storage.retention_days, 'day')} after their delete (checked every ${interval(storage.purge_interval_seconds)}).`}
            </p>
          </>
        )}
    </section>
  );
}

// What a purge will remove, from its dry run.
function purgeMessage(type: TrashType, r: PurgeResult) {
  const what = {
    jobs: `${plural(r.jobs, 'job')} with ${plural(r.samples, 'sample')}`,
    adapters: plural(r.adapters, 'adapter'),
    datasets: plural(r.datasets, 'dataset'),
    experiments: plural(r.experiments ?? 0, 'experiment'),
    ab_tests: plural(r.ab_tests, 'A/B test'),
  }[type];
  return (
    <>
      <p>
        This permanently deletes {what}: {plural(r.files, 'file')}, <Size n={r.bytes_reclaimed} />. It cannot be restored
        or undone.
      </p>
      {type === 'adapters' && <p>An adapter still held by jobs is not purged: it stays in the trash.</p>}
    </>
  );
}

// "Delete forever" (some ids) or "Empty trash" (everything of the type):
// the dialog's counts come from the purge's dry run.
function PurgeButton({ type, ids, onPurged, disabled }: {
  type: TrashType; ids?: string[]; onPurged: (r: PurgeResult) => void; disabled?: boolean;
}) {
  const result = useRef<PurgeResult | null>(null);
  const scope = ids ? { ids } : { older_than_days: 0 };
  const kind = KINDS[type];
  return (
    <DeleteButton
      buttonLabel={ids ? 'Delete forever' : 'Empty trash'}
      title={ids ? `Delete this ${kind.one} forever?` : `Empty the trash of ${kind.many}?`}
      confirmLabel={ids ? 'Delete forever' : 'Empty trash'}
      disabled={disabled}
      describe={async () => purgeMessage(type, await api.purge({ type, ...scope, dry_run: true }))}
      remove={async () => { result.current = await api.purge({ type, ...scope }); }}
      onDeleted={() => onPurged(result.current!)} />
  );
}

const purgeText = (purgeAfter: string | null) =>
  purgeAfter ? `purged automatically on ${date(purgeAfter)}` : 'kept until purged by hand';
const freed = (r: PurgeResult) => `Deleted forever: ${plural(r.files, 'file')}, ${bytes(r.bytes_reclaimed)} freed.`;

type Item = TrashedJob | TrashedAdapter | TrashedDataset | TrashedExperiment | TrashedOther;

// A server from before section 8 refuses the newer kinds of the trash: they are then empty.
const NEWER: TrashType[] = ['datasets', 'experiments'];
const refusedKind = (type: TrashType, e: unknown) => NEWER.includes(type) && e instanceof ApiError && (e.status === 400 || e.status === 422);

function TrashList({ type, onChange }: { type: TrashType; onChange: (message: string) => void }) {
  const load = useCallback((q: { limit: number; offset: number }) => api.listTrash(type, q).catch((e) => {
    if (refusedKind(type, e)) return { items: [], total: 0, ...q };
    throw e;
  }), [type]);
  const { list, error, offset, setOffset, reload } = usePagedList<Item>(load, PAGE_SIZE);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; detail: string; name: string } | null>(null);
  const kind = KINDS[type];

  function done(text: string) {
    setProblem(null);
    setRenaming(null);
    reload();
    onChange(text);
  }
  const onPurged = (r: PurgeResult) => done(freed(r));

  async function restore(id: string, name?: string) {
    setBusy(id);
    setProblem(null);
    try {
      if (type === 'jobs') {
        const job = await api.restoreJob(id);
        done(`Job “${job.prompt_preview}” restored (${job.status}); it is back in Jobs.`);
      } else if (type === 'datasets') {
        const dataset = await api.restoreDataset(id);
        done(`Dataset “${dataset.name}” restored; it is back in Datasets.`);
      } else if (type === 'experiments') {
        const experiment = await api.restoreExperiment(id);
        done(`Experiment “${experiment.name}” restored; it is back in Experiments.`);
      } else {
        const adapter = await api.restoreAdapter(id, name);
        done(`Adapter “${adapter.name}” restored, inactive: activate it on the Adapters page to use it for new generations.`);
      }
    } catch (e) {
      // A live adapter has its name now: ask for another one.
      if (type === 'adapters' && e instanceof ApiError && e.status === 409) {
        const current = (list?.items.find((i) => i.id === id) as TrashedAdapter | undefined)?.name ?? '';
        setRenaming({ id, detail: e.message, name: name ?? `${current} (restored)` });
      } else {
        setProblem(errorText(e));
      }
    } finally {
      setBusy(null);
    }
  }

  if (error && !list) return <p className="error" role="alert">{error}</p>;
  if (!list) return <p className="muted">Loading the trash…</p>;
  if (list.items.length === 0) return <p className="empty">Nothing in the trash: no deleted {kind.many}.</p>;

  const restoreButton = (id: string) => (
    <button type="button" onClick={() => restore(id)} disabled={busy === id}>{busy === id ? 'Restoring…' : 'Restore'}</button>
  );
  const trashCells = (item: Item) => (
    <>
      <td className="nowrap" title={dateTime(item.deleted_at)}>{age(item.deleted_at)}</td>
      <td className="muted purge" title={item.purge_after ? dateTime(item.purge_after) : undefined}>{purgeText(item.purge_after)}</td>
    </>
  );

  let head: ReactNode, rows: ReactNode;
  if (type === 'jobs') {
    head = <><th>Prompt</th><th>Status</th><th>Samples</th><th>Feedback removed</th></>;
    rows = (list.items as TrashedJob[]).map((j) => (
      <tr key={j.id} data-job-id={j.id}>
        <td className="prompt">{j.prompt_preview}</td>
        <td><StatusBadge status={j.status} /></td>
        <td>{j.sample_count}</td>
        <td>{j.feedback_deleted}</td>
        {trashCells(j)}
        <td><div className="row-actions">{restoreButton(j.id)}<PurgeButton type={type} ids={[j.id]} onPurged={onPurged} /></div></td>
      </tr>
    ));
  } else if (type === 'adapters') {
    head = <><th>Name</th><th>Description</th><th>Held by</th></>;
    rows = (list.items as TrashedAdapter[]).map((a) => [
      <tr key={a.id} data-adapter-id={a.id}>
        <td className="nowrap">{a.name}</td>
        <td>{a.description || <span className="muted">—</span>}</td>
        <td className="nowrap" title={a.held_by_jobs > 0 ? 'It cannot be purged while jobs reference it.' : undefined}>
          {a.held_by_jobs > 0 ? `held by ${plural(a.held_by_jobs, 'job')}` : <span className="muted">—</span>}
        </td>
        {trashCells(a)}
        <td><div className="row-actions">
          {restoreButton(a.id)}
          <PurgeButton type={type} ids={[a.id]} onPurged={onPurged} disabled={a.held_by_jobs > 0} />
        </div></td>
      </tr>,
      renaming?.id === a.id && (
        <tr key={`${a.id} rename`} className="rename-row">
          <td colSpan={6}>
            <form aria-label={`Restore ${a.name} under another name`}
              onSubmit={(e) => { e.preventDefault(); restore(a.id, renaming.name.trim()); }}>
              <p className="error" role="alert">{renaming.detail}</p>
              <div className="actions">
                <label className="inline-label">
                  New name
                  <input value={renaming.name} onChange={(e) => setRenaming({ ...renaming, name: e.target.value })} autoFocus />
                </label>
                <button type="submit" className="primary" disabled={busy === a.id || !renaming.name.trim()}>Restore as this name</button>
                <button type="button" onClick={() => setRenaming(null)}>Cancel</button>
              </div>
            </form>
          </td>
        </tr>
      ),
    ]);
  } else if (type === 'datasets' || type === 'experiments') {
    const actions = (id: string) => <td><div className="row-actions">{restoreButton(id)}<PurgeButton type={type} ids={[id]} onPurged={onPurged} /></div></td>;
    if (type === 'datasets') {
      head = <><th>Name</th><th>Type</th><th>Members</th></>;
      rows = (list.items as TrashedDataset[]).map((d) => (
        <tr key={d.id} data-dataset-id={d.id}>
          <td className="nowrap">{d.name}</td><td>{d.type}</td><td>{d.sample_count}</td>
          {trashCells(d)}{actions(d.id)}
        </tr>
      ));
    } else {
      head = <><th>Name</th><th>Dataset</th><th>Runs</th></>;
      rows = (list.items as TrashedExperiment[]).map((x) => (
        <tr key={x.id} data-experiment-id={x.id}>
          <td className="nowrap">{x.name}</td>
          <td><DatasetName id={x.dataset_id} name={x.dataset_name} deleted={x.dataset_deleted} /></td>
          <td>{x.run_count}</td>
          {trashCells(x)}{actions(x.id)}
        </tr>
      ));
    }
  } else {
    // A/B tests: listed and purged by id; their restore comes with them.
    head = <><th>Name</th></>;
    rows = (list.items as TrashedOther[]).map((o) => (
      <tr key={o.id}>
        <td>{o.name ?? <span className="mono">{shortId(o.id)}</span>}</td>
        {trashCells(o)}
        <td><div className="row-actions"><PurgeButton type={type} ids={[o.id]} onPurged={onPurged} /></div></td>
      </tr>
    ));
  }

  return (
    <>
      <div className="toolbar">
        <span className="muted">{plural(list.total, kind.one, kind.many)} in the trash</span>
        <span className="spacer" />
        <PurgeButton type={type} onPurged={onPurged} />
      </div>
      {(problem || error) && <p className="error" role="alert">{problem ?? error}</p>}
      <table className="table trash">
        <thead><tr>{head}<th>Deleted</th><th>Purge</th><th /></tr></thead>
        <tbody>{rows}</tbody>
      </table>
      <Pager offset={offset} shown={list.items.length} total={list.total} pageSize={PAGE_SIZE} onOffset={setOffset} />
    </>
  );
}

// The latest audit events (GET /api/audit): what was deleted, restored and purged.
function Activity({ changes }: { changes: number }) {
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.listAudit({ limit: 10 }).then((r) => { setEvents(r.items); setError(null); }, (e) => setError(errorText(e)));
  }, [changes]);
  // The non-zero counts, the bytes as a size: "jobs 5, samples 5, files 5, 882 kB freed".
  const counts = (c: Record<string, number>) => Object.entries(c).filter(([, v]) => v !== 0)
    .map(([k, v]) => (k === 'bytes_reclaimed' ? `${bytes(v)} freed` : `${k.replace(/_/g, ' ')} ${v}`)).join(', ') || 'nothing';
  return (
    <section aria-label="Activity">
      <h2>Activity</h2>
      {error ? <p className="muted">The activity log is not available: {error}</p>
        : !events ? <p className="muted">Loading activity…</p>
        : events.length === 0 ? <p className="empty">Nothing has been deleted, restored or purged yet.</p>
        : (
          <table className="table">
            <thead><tr><th>When</th><th>Action</th><th>What</th><th>Counts</th><th>By</th></tr></thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap" title={dateTime(e.at)}>{age(e.at)}</td>
                  <td className="nowrap">{e.action.replace('_', ' ')}</td>
                  <td>{e.entity}{e.entity_id && <> <span className="mono">{shortId(e.entity_id)}</span></>}</td>
                  <td>{counts(e.counts)}</td>
                  <td>{e.actor}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </section>
  );
}
