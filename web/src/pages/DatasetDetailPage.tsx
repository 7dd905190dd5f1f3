import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, errorText, EXPORT_FORMATS, type Adapter, type Dataset, type DatasetExport, type DatasetStats, type ExportFormat } from '../api';
import { RatingChart } from '../components/Charts';
import { DeleteDatasetButton } from '../components/DeleteButtons';
import { dateTime, percent, plural, shortId } from '../format';
import { useAction } from '../hooks';
import { filterText } from './DatasetsPage';

// One dataset: what it holds and how it was chosen, its stats (GET
// /api/datasets/{id}/stats) with the rating chart and the tags, export to a
// download, and delete (to the trash, back to the list with Undo).
export function DatasetDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [dataset, setDataset] = useState<Dataset | null>(null);
  const [stats, setStats] = useState<DatasetStats | null>(null);
  const [adapters, setAdapters] = useState<Adapter[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.getDataset(id).then(setDataset, (e) => setError(errorText(e)));
    api.datasetStats(id).then(setStats, () => {});
    api.listAdapters().then((r) => setAdapters(r.items), () => {});
  }, [id]);

  if (error && !dataset) return <><h1>Dataset</h1><p className="error" role="alert">{error}</p><Link to="/datasets">Back to datasets</Link></>;
  if (!dataset) return <p className="muted">Loading dataset…</p>;
  const adapterName = (aid: string) => adapters.find((a) => a.id === aid)?.name ?? shortId(aid);

  return (
    <>
      <p className="crumbs"><Link to="/datasets">Datasets</Link> / {dataset.name}</p>
      <div className="title-row">
        <h1>{dataset.name}</h1>
        <span className="spacer" />
        <Link to="/experiments">Train on it</Link>
        <DeleteDatasetButton datasetId={dataset.id} onDeleted={() => navigate('/datasets')} />
      </div>
      <section className="card">
        <dl className="facts">
          <dt>Description</dt><dd>{dataset.description || '—'}</dd>
          <dt>Type</dt><dd>{dataset.type === 'supervised' ? 'supervised: rated feedback' : 'preference: A better than B'}</dd>
          <dt>Members</dt><dd>{dataset.sample_count}</dd>
          <dt>Filter</dt><dd>{filterText(dataset.filter_query, adapterName)}</dd>
          <dt>Created</dt><dd>{dateTime(dataset.created_at)}</dd>
        </dl>
      </section>
      <Export dataset={dataset} />
      <h2>Stats</h2>
      {stats === null ? <p className="muted">Loading stats…</p> : <Stats stats={stats} />}
    </>
  );
}

const figure = (x: number | null) => (x === null ? 'not enough overlap to tell' : percent(x));

function Stats({ stats }: { stats: DatasetStats }) {
  const tags = Object.entries(stats.tag_frequency).sort((a, b) => b[1] - a[1]);
  const stat = (label: string, value: string | number, title?: string) => <div title={title}><dt>{label}</dt><dd>{value}</dd></div>;
  return (
    <>
      <section aria-label="Dataset stats">
        <dl className="stats">
          {stat('Members', stats.sample_count)}
          {stat('Unique prompts', stats.unique_prompts)}
          {stat('Unique adapters', stats.unique_adapters)}
          {stat('Inter-rater agreement', figure(stats.inter_rater_agreement), 'How often two ratings of the same sample agree')}
          {stat('Preference consistency', figure(stats.preference_consistency), 'How often preferences between the same two samples agree')}
        </dl>
      </section>
      <div className="charts">
        <RatingChart title="Ratings in this dataset" distribution={stats.rating_distribution} />
        <section className="chart" aria-label="Tags">
          <h3>Tags</h3>
          {tags.length === 0 ? <p className="muted">No tags.</p> : (
            <ul className="tag-list">{tags.map(([t, n]) => <li key={t}>{t} · {n}</li>)}</ul>
          )}
        </section>
      </div>
    </>
  );
}

// Export: POST /api/datasets/{id}/export answers a download URL
// (export_path); the server builds the file from the members when it is
// downloaded, so feedback deleted since is never in it.
function Export({ dataset }: { dataset: Dataset }) {
  const [format, setFormat] = useState<ExportFormat>('jsonl');
  const [result, setResult] = useState<DatasetExport | null>(null);
  const { busy, problem, run } = useAction();
  const href = result?.export_path ?? dataset.export_path;
  return (
    <form className="card" aria-label="Export" onSubmit={(e) => {
      e.preventDefault();
      run(async () => setResult(await api.exportDataset(dataset.id, format)));
    }}>
      <h2>Export</h2>
      <div className="actions">
        <label className="inline-label">
          Format
          <select value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
            {EXPORT_FORMATS.map((f) => <option key={f} value={f}>{f}</option>)}
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Exporting…' : 'Export'}</button>
        {href && (
          <a href={href} download>
            Download{result ? ` ${result.format} (${plural(result.sample_count, 'record')})` : ' the last export'}
          </a>
        )}
      </div>
      {problem && <p className="error" role="alert">{problem}</p>}
    </form>
  );
}
