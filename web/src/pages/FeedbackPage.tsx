import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, errorText, type AudioSample, type Feedback } from '../api';
import { Checkbox, Pager } from '../components/Bits';
import { DatasetsAffected, DeleteFeedbackButton, DeleteSelectedButton } from '../components/DeleteButtons';
import { useSelection } from '../hooks';
import { age, plural, shortId } from '../format';

const PAGE_SIZE = 25;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// All feedback, newest first, filtered by rating range and job (the job
// filter is in the URL, so Job detail can link here), with delete per record
// and of the selected records (feedback is hard-deleted: no undo).
export function FeedbackPage() {
  const [params, setParams] = useSearchParams();
  const jobId = params.get('job_id') ?? '';
  const [jobInput, setJobInput] = useState(jobId);
  const [minRating, setMinRating] = useState('');
  const [maxRating, setMaxRating] = useState('');
  const [page, setPage] = useState(1);
  const [list, setList] = useState<{ items: Feedback[]; total: number } | null>(null);
  const [samples, setSamples] = useState<Map<string, AudioSample>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const selection = useSelection(list?.items.map((f) => f.id) ?? []);

  const reload = useCallback(() => {
    api.listFeedback({ job_id: jobId, min_rating: Number(minRating) || undefined, max_rating: Number(maxRating) || undefined, page, limit: PAGE_SIZE })
      .then((l) => {
        // A delete can empty the last page: step back to one that has rows.
        if (l.items.length === 0 && page > 1) return setPage(page - 1);
        setList(l);
        setError(null);
        // Which job and label each sample on the page belongs to.
        const ids = [...new Set(l.items.flatMap((f) => (f.preferred_over ? [f.audio_id, f.preferred_over] : [f.audio_id])))];
        if (ids.length) api.compareAudio(ids).then((r) => setSamples(new Map(r.samples.map((s) => [s.id, s]))), () => {});
      }, (e) => { setList({ items: [], total: 0 }); setError(errorText(e)); });
  }, [jobId, minRating, maxRating, page]);
  useEffect(reload, [reload]);

  const sampleName = (audioId: string) => {
    const s = samples.get(audioId);
    return s ? <Link to={`/jobs/${s.job_id}`}>Job {shortId(s.job_id)} · {s.label}</Link> : <span className="mono">{shortId(audioId)}</span>;
  };
  const ratingSelect = (label: string, value: string, set: (v: string) => void) => (
    <label>
      {label}
      <select value={value} onChange={(e) => { set(e.target.value); setPage(1); }}>
        <option value="">Any</option>
        {[1, 2, 3, 4, 5].map((n) => <option key={n} value={n}>{n}</option>)}
      </select>
    </label>
  );

  return (
    <>
      <h1>Feedback</h1>
      <div className="toolbar">
        {ratingSelect('Min rating', minRating, setMinRating)}
        {ratingSelect('Max rating', maxRating, setMaxRating)}
        <label>
          Job id
          <input className="mono" value={jobInput} placeholder="any job" size={38} onChange={(e) => {
            // The filter applies once the input is empty or a whole UUID.
            const v = e.target.value.trim();
            setJobInput(v);
            if (v === '' || UUID.test(v)) { setParams(v ? { job_id: v } : {}); setPage(1); }
          }} />
        </label>
        <span className="spacer" />
        <DeleteSelectedButton
          ids={selection.ids}
          one="feedback record"
          confirmLabel="Delete feedback"
          describe={async (ids) => {
            const r = await api.bulkDeleteFeedback({ ids, dry_run: true });
            return (
              <>
                <p>This permanently deletes {plural(r.feedback_deleted, 'feedback record')}. Feedback cannot be restored.</p>
                <DatasetsAffected datasets={r.datasets_affected} />
              </>
            );
          }}
          remove={async (ids) => { await api.bulkDeleteFeedback({ ids }); }}
          onDeleted={() => { selection.clear(); reload(); }} />
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {list === null ? <p className="muted">Loading feedback…</p>
        : list.items.length === 0 ? (!error && <p className="empty">{jobId || minRating || maxRating ? 'No feedback matches these filters.' : 'No feedback yet.'}</p>)
        : (
          <>
            <table className="table">
              <thead><tr>
                <th className="check"><Checkbox label="Select all feedback on this page" checked={selection.all} indeterminate={selection.some}
                  onChange={selection.toggleAll} /></th>
                <th>Sample</th><th>Rating</th><th>Better than</th><th>Tags</th><th>Notes</th><th>Given</th><th /></tr></thead>
              <tbody>
                {list.items.map((f) => (
                  <tr key={f.id} data-feedback-id={f.id} className={selection.has(f.id) ? 'selected' : undefined}>
                    <td className="check"><Checkbox label={`Select feedback ${shortId(f.id)}`} checked={selection.has(f.id)} onChange={() => selection.toggle(f.id)} /></td>
                    <td>{sampleName(f.audio_id)}</td>
                    <td>{f.rating !== null ? `${f.rating}/5 ${f.rating_criterion}` : '—'}</td>
                    <td>{f.preferred_over ? sampleName(f.preferred_over) : '—'}</td>
                    <td>{f.tags.length ? f.tags.join(', ') : '—'}</td>
                    <td>{f.notes ?? '—'}</td>
                    <td title={f.created_at}>{age(f.created_at)}</td>
                    <td><div className="row-actions"><DeleteFeedbackButton feedback={f} onDeleted={reload} /></div></td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager offset={(page - 1) * PAGE_SIZE} shown={list.items.length} total={list.total} pageSize={PAGE_SIZE}
              onOffset={(o) => setPage(o / PAGE_SIZE + 1)} />
          </>
        )}
    </>
  );
}
