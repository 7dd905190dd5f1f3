import { vi } from 'vitest';
import type { Adapter, Job, PurgeResult, TrashedAdapter, TrashedJob } from '../api';
import { loopRoutes, type LoopState } from './fakeLoop';
import { VOCABULARY } from './vocabulary';

// A stand-in for the server in component tests: `fetch` is replaced by a
// function that answers from `routes` ("METHOD /api/path" → [status, body])
// and records every request, so a test can assert what was (not) sent.
// A path segment ":name" matches any one segment (exact keys win); a route
// given as a function gets the request (body, query, params).
// GET /api/vocabulary answers the VOCABULARY fixture unless `routes` says otherwise.
export interface FakeRequest { method: string; path: string; body?: any; query?: Record<string, string>; params: Record<string, string> }
export type Answer = [number, unknown];
export type Routes = Record<string, Answer | ((req: FakeRequest) => Answer)>;

function match(routes: Routes, method: string, path: string): [Routes[string], Record<string, string>] | undefined {
  const exact = routes[`${method} ${path}`];
  if (exact) return [exact, {}];
  const segments = path.split('/');
  for (const [key, route] of Object.entries(routes)) {
    const [m, pattern] = key.split(' ');
    const parts = pattern.split('/');
    if (m !== method || parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    if (parts.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = segments[i]), true) : p === segments[i]))) return [route, params];
  }
  if (method === 'GET' && path === '/api/vocabulary') return [[200, VOCABULARY], {}];
}

export function fakeServer(routes: Routes) {
  const requests: Omit<FakeRequest, 'params'>[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const [path, qs] = String(input).split('?');
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const query = qs ? Object.fromEntries(new URLSearchParams(qs)) : undefined;
    requests.push({ method, path, body, ...(query && { query }) });
    const found = match(routes, method, path);
    if (!found) return new Response(JSON.stringify({ detail: `no fake route for ${method} ${path}` }), { status: 404 });
    const [route, params] = found;
    const [status, answer] = typeof route === 'function' ? route({ method, path, body, query, params }) : route;
    return new Response(status === 204 ? null : JSON.stringify(answer), { status, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    requests,
    deletes: () => requests.filter((r) => r.method === 'DELETE'),
    count: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path).length,
    // The bodies sent to one route, in order.
    bodies: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path).map((r) => r.body),
  };
}

// A small stateful studio for the section 7 pages: live and trashed jobs and
// adapters, with the routes of the Jobs, Adapters and Trash pages (lists,
// delete, restore, bulk delete and restore, trash, purge, storage, audit)
// behaving like the server's: a job's samples are files of `SAMPLE_BYTES`,
// an adapter restore answers 409 while a live adapter has its name, a held
// adapter is not purged, the storage counts follow. `extra` adds or
// overrides routes. It also serves section 8 (datasets, experiments, runs,
// adapter versions, the overview: fakeLoop.ts) over the same state, which
// it returns so a test can move a run along.
export const SAMPLE_BYTES = 1000;
const NOW = '2026-12-01T12:00:00Z';
const PURGE_AFTER = '2026-12-31T12:00:00Z';

type StudioState = LoopState & { trashedJobs: TrashedJob[]; trashedAdapters: TrashedAdapter[] };

export function fakeStudio(initial: Partial<Omit<StudioState, 'members'>>, extra: Routes = {}) {
  const state: StudioState = {
    jobs: [...(initial.jobs ?? [])],
    trashedJobs: [...(initial.trashedJobs ?? [])],
    adapters: [...(initial.adapters ?? [])],
    trashedAdapters: [...(initial.trashedAdapters ?? [])],
    feedback: [...(initial.feedback ?? [])],
    datasets: [...(initial.datasets ?? [])],
    trashedDatasets: [...(initial.trashedDatasets ?? [])],
    experiments: [...(initial.experiments ?? [])],
    trashedExperiments: [...(initial.trashedExperiments ?? [])],
    runs: [...(initial.runs ?? [])],
    logs: { ...initial.logs },
    versions: [...(initial.versions ?? [])],
    members: {},
  };
  const notFound: Answer = [404, { detail: 'Not found' }];
  const page = <T>(items: T[], q?: Record<string, string>): Answer => {
    const limit = Number(q?.limit ?? 20), offset = Number(q?.offset ?? 0);
    return [200, { items: items.slice(offset, offset + limit), total: items.length, limit, offset }];
  };
  const trashJob = (j: Job): TrashedJob => ({ ...j, deleted_at: NOW, purge_after: PURGE_AFTER, sample_count: j.audio_ids.length, feedback_deleted: 0 });
  const liveJob = ({ deleted_at, purge_after, sample_count, feedback_deleted, ...j }: TrashedJob): Job => j;
  const bytesOf = (jobs: Job[]) => jobs.reduce((n, j) => n + j.audio_ids.length * SAMPLE_BYTES, 0);
  const held = (a: Adapter) => [...state.jobs, ...state.trashedJobs].filter((j) => j.adapter_id === a.id).length;

  function deleteJobs(ids: string[], dryRun: boolean): Answer {
    const hit = state.jobs.filter((j) => ids.includes(j.id));
    if (!dryRun) {
      state.jobs = state.jobs.filter((j) => !ids.includes(j.id));
      state.trashedJobs.unshift(...hit.map(trashJob));
    }
    return [200, { jobs_deleted: hit.length, feedback_deleted: hit.length * 2, cancelled: hit.filter((j) => j.status === 'processing').length, dry_run: dryRun }];
  }
  function restoreJobs(ids: string[]) {
    const hit = state.trashedJobs.filter((j) => ids.includes(j.id));
    state.trashedJobs = state.trashedJobs.filter((j) => !ids.includes(j.id));
    state.jobs.unshift(...hit.map(liveJob));
    return hit;
  }

  const server = fakeServer({
    ...loopRoutes(state),
    'GET /api/jobs': ({ query }) => page(state.jobs, query),
    'GET /api/adapters': () => [200, { items: state.adapters, total: state.adapters.length }],
    'GET /api/jobs/:id/delete-preview': ({ params }) =>
      [200, { job_id: params.id, status: 'completed', feedback_count: 2, will_cancel: false }],
    'DELETE /api/jobs/:id': ({ params }) => {
      const [status, r] = deleteJobs([params.id], false);
      return (r as { jobs_deleted: number }).jobs_deleted ? [status, { status: 'deleted', job_id: params.id, feedback_deleted: 2 }] : notFound;
    },
    'POST /api/jobs/:id/restore': ({ params }) => {
      const [job] = restoreJobs([params.id]);
      return job ? [200, liveJob(job)] : notFound;
    },
    'POST /api/jobs/bulk-delete': ({ body }) => deleteJobs(body.ids ?? state.jobs.map((j) => j.id), !!body.dry_run),
    'POST /api/jobs/bulk-restore': ({ body }) => [200, { jobs_restored: restoreJobs(body.ids).length }],
    'GET /api/adapters/:id/delete-preview': ({ params }) => [200, { adapter_id: params.id, jobs_count: 0 }],
    'DELETE /api/adapters/:id': ({ params }) => {
      const a = state.adapters.find((x) => x.id === params.id);
      if (!a) return notFound;
      state.adapters = state.adapters.filter((x) => x !== a);
      state.trashedAdapters.unshift({ ...a, is_active: false, deleted_at: NOW, purge_after: PURGE_AFTER, held_by_jobs: 0 });
      return [200, { status: 'deleted', adapter_id: a.id }];
    },
    'POST /api/adapters/:id/restore': ({ params, body }) => {
      const t = state.trashedAdapters.find((x) => x.id === params.id);
      if (!t) return notFound;
      const { deleted_at, purge_after, held_by_jobs, ...a } = t;
      const name = body?.name ?? a.name;
      if (state.adapters.some((x) => x.name === name)) {
        return [409, { detail: `A live adapter is named “${name}”: restore this one under another name.` }];
      }
      state.trashedAdapters = state.trashedAdapters.filter((x) => x !== t);
      const restored = { ...a, name, is_active: false };
      state.adapters.push(restored);
      return [200, restored];
    },
    'GET /api/trash': ({ query }) => {
      if (query?.type === 'jobs') return page(state.trashedJobs, query);
      if (query?.type === 'adapters') return page(state.trashedAdapters.map((a) => ({ ...a, held_by_jobs: held(a) })), query);
      if (query?.type === 'datasets') return page(state.trashedDatasets, query);
      if (query?.type === 'experiments') return page(state.trashedExperiments, query);
      return page([], query);
    },
    'POST /api/admin/purge': ({ body }) => {
      const r: PurgeResult = { jobs: 0, samples: 0, adapters: 0, datasets: 0, ab_tests: 0, files: 0, bytes_reclaimed: 0, dry_run: !!body.dry_run };
      const chosen = <T extends { id: string }>(items: T[]) => (body.ids ? items.filter((i) => body.ids.includes(i.id)) : items);
      if ((body.type ?? 'jobs') === 'jobs') {
        const hit = chosen(state.trashedJobs);
        Object.assign(r, { jobs: hit.length, samples: hit.reduce((n, j) => n + j.sample_count, 0) });
        Object.assign(r, { files: r.samples, bytes_reclaimed: bytesOf(hit) });
        if (!r.dry_run) state.trashedJobs = state.trashedJobs.filter((j) => !hit.includes(j));
      } else if (body.type === 'adapters') {
        const hit = chosen(state.trashedAdapters).filter((a) => held(a) === 0);
        r.adapters = hit.length;
        if (!r.dry_run) state.trashedAdapters = state.trashedAdapters.filter((a) => !hit.includes(a));
      } else if (body.type === 'datasets') {
        const hit = chosen(state.trashedDatasets);
        r.datasets = hit.length;
        if (!r.dry_run) state.trashedDatasets = state.trashedDatasets.filter((d) => !hit.includes(d));
      } else if (body.type === 'experiments') {
        const hit = chosen(state.trashedExperiments);
        r.experiments = hit.length;
        if (!r.dry_run) state.trashedExperiments = state.trashedExperiments.filter((x) => !hit.includes(x));
      }
      return [200, r];
    },
    'GET /api/admin/storage': () => [200, {
      live_bytes: bytesOf(state.jobs), trashed_bytes: bytesOf(state.trashedJobs), orphaned_bytes: 0,
      files: [...state.jobs, ...state.trashedJobs].reduce((n, j) => n + j.audio_ids.length, 0),
      retention_days: 30, purge_interval_seconds: 3600,
    }],
    'GET /api/audit': [200, { items: [], total: 0, limit: 10, offset: 0 }],
    ...extra,
  });
  return { ...server, state };
}
