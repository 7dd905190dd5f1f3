import type { Adapter, AdapterVersion, Dataset, Experiment, Feedback, Job, Run, TrashedAdapter, TrashedJob } from '../api';

// Rows as the server sends them, for component tests.
export const job = (id: string, prompt: string, extra: Partial<Job> = {}): Job => ({
  id, prompt_id: id, prompt_preview: prompt, adapter_id: null, adapter_name: null, adapter_deleted: false,
  status: 'completed', progress: 1, num_samples: 1, audio_ids: [], error: null,
  generation_params: { seed: 1, temperature: 1, top_k: 250, top_p: 0, duration: 2 }, duration_seconds: 2,
  created_at: new Date().toISOString(), completed_at: new Date().toISOString(), ...extra,
});

export const adapter = (id: string, name: string, extra: Partial<Adapter> = {}): Adapter => ({
  id, name, description: 'chill', base_model: 'm', storage_path: null, config: {}, is_active: true,
  status: 'active', current_version: 'v1', created_at: new Date().toISOString(), updated_at: new Date().toISOString(), ...extra,
});

const trash = { deleted_at: new Date().toISOString(), purge_after: '2026-12-31T12:00:00Z' };
export const trashedJob = (id: string, prompt: string, samples: number, extra: Partial<TrashedJob> = {}): TrashedJob => ({
  ...job(id, prompt, { audio_ids: Array.from({ length: samples }, (_, i) => `${id.slice(0, 8)}-sample-${i}`) }),
  ...trash, sample_count: samples, feedback_deleted: 0, ...extra,
});
export const trashedAdapter = (id: string, name: string, extra: Partial<TrashedAdapter> = {}): TrashedAdapter => ({
  ...adapter(id, name, { is_active: false }), ...trash, held_by_jobs: 0, ...extra,
});

export const feedback = (id: string, audioId: string, rating: number): Feedback => ({
  id, audio_id: audioId, rating, rating_criterion: 'overall', preferred_over: null, tags: [], notes: null,
  created_at: new Date().toISOString(),
});

// Section 8: datasets, experiments, runs and adapter versions.
export const dataset = (id: string, name: string, extra: Partial<Dataset> = {}): Dataset => ({
  id, name, description: null, type: 'supervised', filter_query: {}, sample_count: 0, export_path: null,
  created_at: new Date().toISOString(), ...extra,
});

export const experiment = (id: string, name: string, ds: Pick<Dataset, 'id' | 'name'>, extra: Partial<Experiment> = {}): Experiment => ({
  id, name, description: null, dataset_id: ds.id, dataset_name: ds.name, dataset_deleted: false, status: 'draft', config: {},
  best_run_id: null, best_loss: null, run_count: 0, created_at: new Date().toISOString(), updated_at: new Date().toISOString(), ...extra,
});

export const run = (id: string, experimentId: string, name: string, extra: Partial<Run> = {}): Run => ({
  id, experiment_id: experimentId, adapter_id: null, adapter_name: null, name, status: 'queued', progress: 0, config: {},
  metrics: {}, final_loss: null, error: null, explanation: null, lineage: null, started_at: null, completed_at: null,
  created_at: new Date().toISOString(), ...extra,
});

export const version = (id: string, adapterId: string, name: string, extra: Partial<AdapterVersion> = {}): AdapterVersion => ({
  id, adapter_id: adapterId, version: name, description: null, config: {}, source: 'manual', run_id: null, is_current: false,
  created_at: new Date().toISOString(), ...extra,
});
