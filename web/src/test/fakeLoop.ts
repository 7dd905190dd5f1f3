import type {
  Adapter, AdapterVersion, Dataset, DatasetFilter, Experiment, Feedback, Job, Run, RunLogLine, TrashedDataset, TrashedExperiment,
} from '../api';
import type { Answer, Routes } from './fakeServer';

// The section 8 routes of fakeStudio (fakeServer.ts), over the same state:
// datasets chosen from `feedback` by a filter (ratings and tags; the fake
// ignores adapter_id and the dates), their stats, export, delete to the trash
// and restore; experiments and their runs (a test moves a run along by
// changing `state.runs` and `state.logs`); adapter versions and timeline; the
// overview metrics. Shapes as in the server's contract.
export interface LoopState {
  jobs: Job[];
  adapters: Adapter[];
  feedback: Feedback[];
  datasets: Dataset[];
  trashedDatasets: TrashedDataset[];
  experiments: Experiment[];
  trashedExperiments: TrashedExperiment[];
  runs: Run[];
  logs: Record<string, RunLogLine[]>;
  versions: AdapterVersion[];
  members: Record<string, string[]>; // dataset id → feedback ids
}

const now = () => new Date().toISOString();
const notFound: Answer = [404, { detail: 'Not found' }];
let counter = 0;
const newId = (prefix: string) => `${prefix}${String(++counter).padStart(7, '0')}-0000-4000-8000-000000000000`;

export function matching(feedback: Feedback[], type: Dataset['type'], f: DatasetFilter = {}): Feedback[] {
  return feedback.filter((r) =>
    (type === 'supervised' ? r.rating !== null : r.preferred_over !== null)
    && (f.min_rating === undefined || (r.rating ?? 0) >= f.min_rating)
    && (f.max_rating === undefined || (r.rating ?? 6) <= f.max_rating)
    && (f.required_tags ?? []).every((t) => r.tags.includes(t))
    && !(f.excluded_tags ?? []).some((t) => r.tags.includes(t)));
}

type Trashed<T> = T & { deleted_at: string; purge_after: string | null };

// Moves row `id` from `live` to the front of `trash` (toTrash), or back (fromTrash), in place.
function toTrash<T extends { id: string }>(live: T[], trash: Trashed<T>[], id: string): T | undefined {
  const i = live.findIndex((r) => r.id === id);
  if (i < 0) return undefined;
  const [row] = live.splice(i, 1);
  trash.unshift({ ...row, deleted_at: now(), purge_after: null });
  return row;
}
function fromTrash<T extends { id: string }>(trash: Trashed<T>[], live: T[], id: string): T | undefined {
  const i = trash.findIndex((r) => r.id === id);
  if (i < 0) return undefined;
  const [{ deleted_at, purge_after, ...row }] = trash.splice(i, 1);
  live.unshift(row as unknown as T);
  return row as unknown as T;
}

export function loopRoutes(state: LoopState): Routes {
  const find = <T extends { id: string }>(items: T[], id: string) => items.find((i) => i.id === id);
  const paged = <T>(items: T[], q?: Record<string, string>) => {
    const limit = Number(q?.limit ?? 20), offset = Number(q?.offset ?? 0);
    return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
  };
  const experimentsOf = (datasetId: string) => state.experiments.filter((e) => e.dataset_id === datasetId);
  const setDatasetDeleted = (datasetId: string, deleted: boolean) => {
    for (const e of state.experiments) if (e.dataset_id === datasetId) e.dataset_deleted = deleted;
  };
  const withVersions = (a: Adapter) => ({ ...a, versions: state.versions.filter((v) => v.adapter_id === a.id) });
  const distribution = (records: Feedback[]) => Object.fromEntries(['1', '2', '3', '4', '5'].map((r) =>
    [r, records.filter((f) => String(f.rating) === r).length]));
  const average = (records: Feedback[]) => {
    const rated = records.filter((f) => f.rating !== null);
    return rated.length ? rated.reduce((n, f) => n + f.rating!, 0) / rated.length : null;
  };

  return {
    'GET /api/metrics/overview': () => [200, {
      pipeline: {
        generation: { total: state.jobs.length, completed: state.jobs.filter((j) => j.status === 'completed').length,
          active: state.jobs.filter((j) => j.status === 'queued' || j.status === 'processing').length },
        feedback: { total: state.feedback.length, rated_samples: new Set(state.feedback.filter((f) => f.rating !== null).map((f) => f.audio_id)).size,
          pending: 0 },
        dataset: { total: state.datasets.length, exported: state.datasets.filter((d) => d.export_path).length },
        training: { total: state.runs.length, running: state.runs.filter((r) => r.status === 'running').length },
      },
      quick_stats: {
        total_generations: state.jobs.length, total_samples: state.jobs.reduce((n, j) => n + j.audio_ids.length, 0),
        avg_rating: average(state.feedback), active_adapters: state.adapters.filter((a) => a.is_active).length,
        total_adapters: state.adapters.length, pending_feedback: 0,
      },
    }],
    'GET /api/metrics/feedback': () => [200, {
      rating_distribution: distribution(state.feedback),
      by_adapter: [{ adapter_id: null, adapter_name: null, count: state.feedback.length, avg_rating: average(state.feedback) }],
      preference_comparisons: state.feedback.filter((f) => f.preferred_over).length,
      tagged_feedback: state.feedback.filter((f) => f.tags.length).length,
    }],

    'POST /api/datasets/preview': ({ body }) => [200, { count: matching(state.feedback, body.type, body.filter_query).length }],
    'POST /api/datasets': ({ body }) => {
      const members = matching(state.feedback, body.type, body.filter_query);
      if (members.length === 0) return [400, { detail: 'The filter matches no feedback' }];
      const d: Dataset = { id: newId('d'), name: body.name, description: body.description ?? null, type: body.type,
        filter_query: body.filter_query ?? {}, sample_count: members.length, export_path: null, created_at: now() };
      state.datasets.unshift(d);
      state.members[d.id] = members.map((f) => f.id);
      return [201, d];
    },
    'GET /api/datasets': ({ query }) => {
      const limit = Number(query?.limit ?? 20), page = Number(query?.page ?? 1);
      return [200, { items: state.datasets.slice((page - 1) * limit, page * limit), total: state.datasets.length, page, limit }];
    },
    'GET /api/datasets/:id': ({ params }) => { const d = find(state.datasets, params.id); return d ? [200, d] : notFound; },
    'GET /api/datasets/:id/stats': ({ params }) => {
      const d = find(state.datasets, params.id);
      if (!d) return notFound;
      const records = state.feedback.filter((f) => (state.members[d.id] ?? []).includes(f.id));
      const tags: Record<string, number> = {};
      for (const f of records) for (const t of f.tags) tags[t] = (tags[t] ?? 0) + 1;
      return [200, { dataset_id: d.id, sample_count: d.sample_count, rating_distribution: distribution(records),
        unique_prompts: new Set(records.map((f) => f.audio_id)).size, unique_adapters: 1, tag_frequency: tags,
        inter_rater_agreement: d.type === 'supervised' ? 0.8 : null, preference_consistency: d.type === 'preference' ? 0.9 : null }];
    },
    'GET /api/datasets/:id/delete-preview': ({ params }) => {
      const d = find(state.datasets, params.id);
      if (!d) return notFound;
      const exps = experimentsOf(d.id);
      return [200, { dataset_id: d.id, sample_count: d.sample_count, experiments: exps.length,
        runs: state.runs.filter((r) => exps.some((e) => e.id === r.experiment_id)).length }];
    },
    'DELETE /api/datasets/:id': ({ params }) => {
      if (!toTrash(state.datasets, state.trashedDatasets, params.id)) return notFound;
      setDatasetDeleted(params.id, true);
      return [200, { status: 'deleted', dataset_id: params.id }];
    },
    'POST /api/datasets/:id/restore': ({ params }) => {
      const d = fromTrash(state.trashedDatasets, state.datasets, params.id);
      if (!d) return notFound;
      setDatasetDeleted(d.id, false);
      return [200, d];
    },
    'POST /api/datasets/:id/export': ({ params, body }) => {
      const d = find(state.datasets, params.id);
      if (!d) return notFound;
      d.export_path = `/api/datasets/${d.id}/download?format=${body.format}`;
      return [200, { dataset_id: d.id, export_path: d.export_path, sample_count: d.sample_count, format: body.format }];
    },

    'GET /api/experiments': ({ query }) => [200, paged(state.experiments, query)],
    'POST /api/experiments': ({ body }) => {
      const d = find(state.datasets, body.dataset_id);
      if (!d) return [400, { detail: 'No such dataset' }];
      const e: Experiment = { id: newId('e'), name: body.name, description: body.description ?? null, dataset_id: d.id,
        dataset_name: d.name, dataset_deleted: false, status: 'draft', config: body.config ?? {}, best_run_id: null,
        best_loss: null, run_count: 0, created_at: now(), updated_at: now() };
      state.experiments.unshift(e);
      return [201, e];
    },
    'GET /api/experiments/:id': ({ params }) => { const e = find(state.experiments, params.id); return e ? [200, e] : notFound; },
    'DELETE /api/experiments/:id': ({ params }) => (toTrash(state.experiments, state.trashedExperiments, params.id)
      ? [200, { status: 'deleted', experiment_id: params.id }] : notFound),
    'POST /api/experiments/:id/restore': ({ params }) => {
      const e = fromTrash(state.trashedExperiments, state.experiments, params.id);
      return e ? [200, e] : notFound;
    },
    'GET /api/experiments/:id/runs': ({ params }) => {
      const items = state.runs.filter((r) => r.experiment_id === params.id);
      return [200, { items, total: items.length }];
    },
    'POST /api/experiments/:id/runs': ({ params, body }) => {
      const e = find(state.experiments, params.id);
      if (!e) return notFound;
      if (e.dataset_deleted) return [400, { detail: 'Cannot train on a deleted dataset' }];
      const r: Run = { id: newId('r'), experiment_id: e.id, adapter_id: null, adapter_name: null, name: body.name ?? `run ${e.run_count + 1}`,
        status: 'queued', progress: 0, config: { ...e.config, ...body.config }, metrics: {}, final_loss: null, error: null,
        explanation: null, lineage: null, started_at: null, completed_at: null, created_at: now() };
      state.runs.push(r);
      e.run_count += 1;
      return [201, r];
    },
    'DELETE /api/experiments/:id/runs/:run_id': ({ params }) => {
      const r = find(state.runs, params.run_id);
      if (!r || r.experiment_id !== params.id) return notFound;
      state.runs = state.runs.filter((x) => x !== r);
      const e = find(state.experiments, params.id);
      if (e) e.run_count -= 1;
      return [200, { status: 'deleted', run_id: r.id }];
    },
    'GET /api/runs/:id': ({ params }) => { const r = find(state.runs, params.id); return r ? [200, r] : notFound; },
    'GET /api/runs/:id/logs': ({ params }) => {
      const r = find(state.runs, params.id);
      return r ? [200, { run_id: r.id, status: r.status, logs: state.logs[r.id] ?? [] }] : notFound;
    },

    'GET /api/adapters/:id': ({ params }) => { const a = find(state.adapters, params.id); return a ? [200, withVersions(a)] : notFound; },
    'POST /api/adapters/:id/versions': ({ params, body }) => {
      const a = find(state.adapters, params.id);
      if (!a) return notFound;
      const mine = state.versions.filter((v) => v.adapter_id === a.id);
      for (const v of mine) v.is_current = false;
      const v: AdapterVersion = { id: newId('v'), adapter_id: a.id, version: body.version ?? String(mine.length + 1),
        description: body.description ?? null, config: body.config ?? a.config, source: 'manual', run_id: null, is_current: true, created_at: now() };
      state.versions.push(v);
      a.current_version = v.version;
      return [201, v];
    },
    'PATCH /api/adapters/:id/versions/:version_id/activate': ({ params }) => {
      const a = find(state.adapters, params.id);
      const v = state.versions.find((x) => x.id === params.version_id && x.adapter_id === params.id);
      if (!a || !v) return notFound;
      for (const x of state.versions) if (x.adapter_id === a.id) x.is_current = x === v;
      Object.assign(a, { current_version: v.version, config: v.config });
      return [200, a];
    },
    'GET /api/adapters/:id/timeline': ({ params }) => {
      const a = find(state.adapters, params.id);
      if (!a) return notFound;
      const mine = state.versions.filter((v) => v.adapter_id === a.id);
      return [200, {
        events: [{ type: 'created', timestamp: a.created_at, title: `Created ${a.name}`, metadata: {} },
          ...mine.map((v) => ({ type: 'version', timestamp: v.created_at, title: `Version ${v.version}`, metadata: { version_id: v.id } }))],
        total_versions: mine.length,
        total_training_runs: mine.filter((v) => v.source === 'training').length,
      }];
    },
  };
}
