import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, errorText, type Adapter, type Dataset, type DatasetFilter, type DatasetType } from '../api';
import { Pager } from '../components/Bits';
import { useUndo } from '../components/UndoNotice';
import { useAction, useDebounced, usePagedList } from '../hooks';
import { age, plural, shortId } from '../format';

const PAGE_SIZE = 20;
export const PREVIEW_DEBOUNCE_MS = 300;

// Datasets: a form that creates one from the feedback a filter matches (with
// the count it would hold, asked of POST /api/datasets/preview 300 ms after
// the last change), and the live datasets, newest first, 20 a page.
export function DatasetsPage() {
  const [adapters, setAdapters] = useState<Adapter[]>([]);
  const { restoredCount } = useUndo();
  useEffect(() => { api.listAdapters().then((r) => setAdapters(r.items), () => {}); }, []);
  const adapterName = (id: string) => adapters.find((a) => a.id === id)?.name ?? shortId(id);

  // restoredCount: an Undo brought a dataset back, so the page loads again.
  // The server pages datasets by number: offset / limit + 1.
  const load = useCallback(async ({ limit, offset }: { limit: number; offset: number }) => {
    const r = await api.listDatasets({ page: offset / limit + 1, limit });
    return { items: r.items, total: r.total, limit, offset };
  }, [restoredCount]);
  const { list, error, offset, setOffset, reload } = usePagedList(load, PAGE_SIZE);

  return (
    <>
      <h1>Datasets</h1>
      <p className="muted">
        A dataset is the feedback a filter matched when it was created. Deleting feedback later removes it from the
        dataset too.
      </p>
      {error && <p className="error" role="alert">{error}</p>}
      {list === null ? (!error && <p className="muted">Loading datasets…</p>)
        : list.items.length === 0 ? <p className="empty">No datasets yet. Create one below from the feedback given so far.</p>
        : (
          <>
            <table className="table">
              <thead><tr><th>Name</th><th>Type</th><th>Members</th><th>Filter</th><th>Export</th><th>Created</th></tr></thead>
              <tbody>
                {list.items.map((d) => (
                  <tr key={d.id} data-dataset-id={d.id}>
                    <td><Link to={`/datasets/${d.id}`}>{d.name}</Link></td>
                    <td>{d.type}</td>
                    <td>{d.sample_count}</td>
                    <td className="muted">{filterText(d.filter_query, adapterName)}</td>
                    <td>{d.export_path ? <a href={d.export_path}>download</a> : <span className="muted">—</span>}</td>
                    <td title={d.created_at}>{age(d.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager offset={offset} shown={list.items.length} total={list.total} pageSize={PAGE_SIZE} onOffset={setOffset} />
          </>
        )}
      <CreateDataset adapters={adapters} onCreated={() => { setOffset(0); reload(); }} />
    </>
  );
}

// A filter in words: "rating 4–5 · with calm · without noisy · since 2026-12-01".
export function filterText(f: DatasetFilter, adapterName: (id: string) => string): string {
  const parts: string[] = [];
  if (f.min_rating != null || f.max_rating != null) parts.push(`rating ${f.min_rating ?? 1}–${f.max_rating ?? 5}`);
  if (f.required_tags?.length) parts.push(`with ${f.required_tags.join(', ')}`);
  if (f.excluded_tags?.length) parts.push(`without ${f.excluded_tags.join(', ')}`);
  if (f.adapter_id) parts.push(`adapter ${adapterName(f.adapter_id)}`);
  if (f.start_date) parts.push(`from ${f.start_date}`);
  if (f.end_date) parts.push(`to ${f.end_date}`);
  return parts.join(' · ') || 'all feedback';
}

const tags = (text: string) => text.split(',').map((t) => t.trim()).filter(Boolean);

interface FilterForm { minRating: string; maxRating: string; required: string; excluded: string; adapterId: string; start: string; end: string }
const EMPTY: FilterForm = { minRating: '', maxRating: '', required: '', excluded: '', adapterId: '', start: '', end: '' };

// The form's fields as a filter_query, without the keys left empty.
function toFilter(f: FilterForm): DatasetFilter {
  return {
    ...(f.minRating && { min_rating: Number(f.minRating) }),
    ...(f.maxRating && { max_rating: Number(f.maxRating) }),
    ...(tags(f.required).length && { required_tags: tags(f.required) }),
    ...(tags(f.excluded).length && { excluded_tags: tags(f.excluded) }),
    ...(f.adapterId && { adapter_id: f.adapterId }),
    ...(f.start && { start_date: f.start }),
    ...(f.end && { end_date: f.end }),
  };
}

function CreateDataset({ adapters, onCreated }: { adapters: Adapter[]; onCreated: (d: Dataset) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [type, setType] = useState<DatasetType>('supervised');
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const [preview, setPreview] = useState<{ count: number } | { error: string } | null>(null);
  const { busy, problem, run } = useAction();

  // The preview is asked for once the type and filter have settled.
  const body = JSON.stringify({ type, filter_query: toFilter(form) });
  const settled = useDebounced(body, PREVIEW_DEBOUNCE_MS);
  useEffect(() => {
    let live = true;
    setPreview(null);
    api.previewDataset(JSON.parse(settled)).then((p) => { if (live) setPreview(p); }, (e) => { if (live) setPreview({ error: errorText(e) }); });
    return () => { live = false; };
  }, [settled]);

  const set = (key: keyof FilterForm) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const ratingSelect = (label: string, key: 'minRating' | 'maxRating') => (
    <label>
      {label}
      <select value={form[key]} onChange={set(key)}>
        <option value="">Any</option>
        {[1, 2, 3, 4, 5].map((n) => <option key={n} value={n}>{n}</option>)}
      </select>
    </label>
  );
  const count = preview && 'count' in preview ? preview.count : null;

  return (
    <form className="card" aria-label="New dataset" onSubmit={(e) => {
      e.preventDefault();
      run(async () => {
        const d = await api.createDataset({ name: name.trim(), ...(description.trim() && { description: description.trim() }), type, filter_query: toFilter(form) });
        setName('');
        setDescription('');
        setForm(EMPTY);
        onCreated(d);
      });
    }}>
      <h2>New dataset</h2>
      <div className="form-grid">
        <label className="span2">Name<input value={name} onChange={(e) => setName(e.target.value)} required /></label>
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value as DatasetType)}>
            <option value="supervised">supervised (ratings)</option>
            <option value="preference">preference (A better than B)</option>
          </select>
        </label>
        <label>
          Adapter
          <select value={form.adapterId} onChange={set('adapterId')}>
            <option value="">Any</option>
            {adapters.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
        <label className="span2">Description<input value={description} onChange={(e) => setDescription(e.target.value)} /></label>
        {ratingSelect('Min rating', 'minRating')}
        {ratingSelect('Max rating', 'maxRating')}
        <label className="span2">Required tags<input value={form.required} onChange={set('required')} placeholder="calm, warm" /></label>
        <label className="span2">Excluded tags<input value={form.excluded} onChange={set('excluded')} placeholder="noisy" /></label>
        <label>From<input type="date" value={form.start} onChange={set('start')} /></label>
        <label>To<input type="date" value={form.end} onChange={set('end')} /></label>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !name.trim() || count === 0}>Create dataset</button>
        <span aria-live="polite" className={count === 0 ? 'error' : 'preview-count'}>
          {preview === null ? 'Counting…'
            : 'error' in preview ? `The count is not available: ${preview.error}`
            : preview.count === 0 ? `No ${type === 'preference' ? 'preference' : 'rated'} feedback matches this filter.`
            : `${plural(preview.count, 'feedback record')} ${preview.count === 1 ? 'matches' : 'match'}`}
        </span>
      </div>
      {problem && <p className="error" role="alert">{problem}</p>}
    </form>
  );
}
