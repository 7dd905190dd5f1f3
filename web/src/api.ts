// Typed client for the Song Studio HTTP API (README "API"; every route is
// under /api). Each function is one request. A non-2xx answer throws an
// ApiError whose message is the server's `detail`, so pages can show it as is.

export type JobStatus = 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled';
export const JOB_STATUSES: JobStatus[] = ['queued', 'processing', 'completed', 'failed', 'cancelled'];
export const isActive = (s: JobStatus) => s === 'queued' || s === 'processing';

export interface Health { status: string; version: string; database: string }

export interface PromptAttributes {
  style?: string | null;
  tempo?: number | null;
  primary_instruments?: string[];
  secondary_instruments?: string[];
  mood?: string | null;
  duration?: number | null;
}
export interface Prompt { id: string; text: string; attributes: PromptAttributes; created_at: string }

export interface GenerationParams { seed: number; temperature: number; top_k: number; top_p: number; duration: number }
export interface Job {
  id: string;
  prompt_id: string;
  prompt_preview: string;
  adapter_id: string | null;
  adapter_name: string | null;
  adapter_deleted: boolean;
  status: JobStatus;
  progress: number;
  num_samples: number;
  audio_ids: string[];
  error: string | null;
  generation_params: GenerationParams;
  duration_seconds: number;
  created_at: string;
  completed_at: string | null;
}
export interface JobProgress { id: string; status: JobStatus; progress: number; audio_ids: string[]; error: string | null; created_at: string }
export type JobList = Page<Job>;
// The datasets a hard delete of feedback takes members from (section 8). Absent
// on a server without datasets, so every reader treats it as optional.
export interface DatasetAffected { id: string; name: string; members_removed: number }
export interface JobDeletePreview {
  job_id: string; status: JobStatus; feedback_count: number; will_cancel: boolean; datasets_affected?: DatasetAffected[];
}
export interface FeedbackDeletePreview { feedback_id?: string; datasets_affected?: DatasetAffected[] }

export interface AudioSample {
  id: string; job_id: string; prompt_id: string; adapter_id: string | null; label: string;
  duration_seconds: number; sample_rate: number; created_at: string;
}

export interface Adapter {
  id: string;
  name: string;
  description: string | null;
  base_model: string;
  storage_path: string | null;
  config: Record<string, unknown>;
  is_active: boolean;
  status: 'active' | 'archived';
  current_version: string | null;
  created_at: string;
  updated_at: string;
  versions?: AdapterVersion[]; // GET /adapters/{id} only, oldest first
}
export interface AdapterVersion {
  id: string; adapter_id: string; version: string; description: string | null; config: Record<string, unknown>;
  source: 'manual' | 'training'; run_id: string | null; is_current: boolean; created_at: string;
}
export interface TimelineEvent {
  type: 'created' | 'version' | 'activated' | 'training_run' | 'deleted' | 'restored';
  timestamp: string; title: string; metadata: Record<string, unknown>;
}
export interface AdapterTimeline { events: TimelineEvent[]; total_versions: number; total_training_runs: number }
export interface AdapterInput { name: string; description?: string | null; config?: Record<string, unknown>; is_active?: boolean; status?: 'active' | 'archived' }
export interface AdapterDeletePreview { adapter_id: string; jobs_count: number }

export interface Feedback {
  id: string; audio_id: string; rating: number | null; rating_criterion: string;
  preferred_over: string | null; tags: string[]; notes: string | null; created_at: string;
}
export interface FeedbackInput { audio_id: string; rating?: number; preferred_over?: string; tags?: string[]; notes?: string }
export interface JobFeedback {
  job_id: string; total_samples: number; total_feedback: number; average_rating: number | null;
  samples: { audio_id: string; label: string; feedback: Feedback[]; average_rating: number | null; feedback_count: number }[];
}

// GET /vocabulary: the server's one list of instruments, modes, mood words,
// styles, adapter config keys and value ranges (src/domain/vocabulary.h and
// limits.h). The UI reads it instead of keeping copies.
export type InstrumentMapping =
  | { kind: 'gm_program'; program: number }
  | { kind: 'drum_kit'; program: number }
  | { kind: 'drum_piece'; note: number }
  | { kind: 'effect'; effect: string };
export interface VocabularyInstrument { name: string; family: string; maps_to: InstrumentMapping }
export interface Limit { kind: 'integer' | 'number' | 'length' | 'count'; min: number; max: number; default: number | null; applies_to: string }
export interface AdapterConfigKey {
  key: string;
  type: 'number' | 'integer' | 'mode' | 'instrument_overrides';
  min: number | null;
  max: number | null;
  default: number | null;
  description: string;
  choices?: string[];
  roles?: string[];
}
export interface Vocabulary {
  instrument_families: { id: string; label: string }[];
  instruments: VocabularyInstrument[];
  modes: string[];
  moods: { word: string; mode: 'minor' | 'major' | null; tempo: 'slower' | 'faster' | null }[];
  styles: { name: string; keywords: string[] }[];
  adapter_config: AdapterConfigKey[];
  limits: Record<string, Limit>;
}

// Section 8: datasets of feedback, experiments and their training runs, the overview.
export type DatasetType = 'supervised' | 'preference';
export interface DatasetFilter {
  min_rating?: number; max_rating?: number; required_tags?: string[]; excluded_tags?: string[];
  adapter_id?: string; start_date?: string; end_date?: string;
}
export interface Dataset {
  id: string; name: string; description: string | null; type: DatasetType; filter_query: DatasetFilter;
  sample_count: number; export_path: string | null; created_at: string; deleted_at?: string | null;
}
export interface DatasetInput { name: string; description?: string; type: DatasetType; filter_query?: DatasetFilter }
export interface DatasetStats {
  dataset_id: string; sample_count: number; rating_distribution: Record<string, number>; unique_prompts: number;
  unique_adapters: number; tag_frequency: Record<string, number>; inter_rater_agreement: number | null;
  preference_consistency: number | null;
}
export interface DatasetDeletePreview { dataset_id: string; sample_count: number; experiments: number; runs: number }
export const EXPORT_FORMATS = ['jsonl', 'json', 'csv', 'huggingface', 'tar'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export interface DatasetExport { dataset_id: string; export_path: string; sample_count: number; format: ExportFormat }

// A run's config overrides its experiment's; every key is optional (the server has the defaults).
export interface TrainingConfig {
  regularization?: number; heldout_fraction?: number; steps?: number; learning_rate?: number; l2?: number;
  base_adapter_id?: string; adapter_name?: string; version_of?: string;
}
export type ExperimentStatus = 'draft' | 'running' | 'completed' | 'failed';
export interface Experiment {
  id: string; name: string; description: string | null; dataset_id: string; dataset_name: string | null; dataset_deleted: boolean;
  status: ExperimentStatus; config: TrainingConfig; best_run_id: string | null; best_loss: number | null; run_count: number;
  created_at: string; updated_at: string; deleted_at?: string | null;
}
export interface ExperimentInput { name: string; description?: string; dataset_id: string; config?: TrainingConfig }
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export const isRunActive = (s: RunStatus) => s === 'queued' || s === 'running';
export interface LossPoint { step: number; value: number }
// {} until the run has trained.
export interface RunMetrics {
  loss?: LossPoint[]; heldout_accuracy?: number | null; chance_accuracy?: number | null; train_size?: number;
  heldout_size?: number; skipped_without_style?: number; direction_found?: boolean; weights?: Record<string, number>;
}
export interface Lineage { dataset_id: string; dataset_name: string | null; dataset_deleted: boolean; member_count: number; data_hash: string }
export interface Run {
  id: string; experiment_id: string; adapter_id: string | null; adapter_name: string | null; name: string;
  status: RunStatus; progress: number; config: TrainingConfig; metrics: RunMetrics; final_loss: number | null;
  error: string | null; explanation: string | null; lineage: Lineage | null;
  started_at: string | null; completed_at: string | null; created_at: string;
}
export interface RunLogLine { seq: number; timestamp: string; message: string }
export interface RunLogs { run_id: string; status: RunStatus; logs: RunLogLine[] }

export interface Overview {
  pipeline: {
    generation: { total: number; completed: number; active: number };
    feedback: { total: number; rated_samples: number; pending: number };
    dataset: { total: number; exported: number };
    training: { total: number; running: number };
  };
  quick_stats: {
    total_generations: number; total_samples: number; avg_rating: number | null; active_adapters: number;
    total_adapters: number; pending_feedback: number;
  };
}
export interface FeedbackMetrics {
  rating_distribution: Record<string, number>;
  by_adapter: { adapter_id: string | null; adapter_name: string | null; count: number; avg_rating: number | null }[];
  preference_comparisons: number;
  tagged_feedback: number;
}

// Section 7 of the spec: the trash, restore, purge, bulk delete and audit.
export type TrashType = 'jobs' | 'adapters' | 'datasets' | 'experiments' | 'ab_tests';
export const TRASH_TYPES: TrashType[] = ['jobs', 'adapters', 'datasets', 'experiments', 'ab_tests'];
interface Trashed { deleted_at: string; purge_after: string | null }
export interface TrashedJob extends Job, Trashed { sample_count: number; feedback_deleted: number }
export interface TrashedAdapter extends Adapter, Trashed { held_by_jobs: number }
export interface TrashedDataset extends Dataset, Trashed { deleted_at: string }
export interface TrashedExperiment extends Experiment, Trashed { deleted_at: string }
// A/B tests are not typed yet: an id and the trash fields.
export interface TrashedOther extends Trashed { id: string; name?: string }
export interface TrashItems {
  jobs: TrashedJob; adapters: TrashedAdapter; datasets: TrashedDataset; experiments: TrashedExperiment; ab_tests: TrashedOther;
}
export interface Page<T> { items: T[]; total: number; limit: number; offset: number }

export interface PurgeRequest { type?: TrashType; ids?: string[]; older_than_days?: number; dry_run?: boolean }
export interface PurgeResult {
  jobs: number; samples: number; adapters: number; datasets: number; experiments?: number; ab_tests: number;
  files: number; bytes_reclaimed: number; dry_run: boolean;
}
export interface Storage {
  live_bytes: number; trashed_bytes: number; orphaned_bytes: number; files: number;
  retention_days: number; purge_interval_seconds: number;
}

export interface JobFilter { status?: string; adapter_id?: string; prompt_id?: string; start_date?: string; end_date?: string }
export interface JobBulkDelete { ids?: string[]; filter?: JobFilter; dry_run?: boolean }
export interface JobBulkDeleteResult {
  jobs_deleted: number; feedback_deleted: number; cancelled: number; dry_run: boolean; datasets_affected?: DatasetAffected[];
}
export interface FeedbackBulkDeleteResult { feedback_deleted: number; dry_run: boolean; datasets_affected?: DatasetAffected[] }
export interface FeedbackFilter {
  job_id?: string; audio_id?: string; min_rating?: number; max_rating?: number; tags?: string[]; start_date?: string; end_date?: string;
}
export interface FeedbackBulkDelete { ids?: string[]; filter?: FeedbackFilter; dry_run?: boolean }

export interface AuditEvent {
  id: string; at: string; action: string; entity: string; entity_id: string | null;
  counts: Record<string, number>; actor: string; request_id: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, detail: string) {
    super(detail);
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `/api${path}${qs ? `?${qs}` : ''}`;
}

async function request<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url(path, opts.query), {
      method,
      headers: opts.body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, 'The server cannot be reached.');
  }
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data?.detail ?? `${method} ${path} failed (HTTP ${res.status})`);
  return data as T;
}

export const audioStreamUrl = (audioId: string) => `/api/audio/${audioId}/stream`;
// Server-sent events: one `log` event per line ({seq, timestamp, message}), then `done` ({status}).
export const runLogStreamUrl = (runId: string) => `/api/runs/${runId}/logs/stream`;

export const api = {
  health: () => request<Health>('GET', '/health'),
  vocabulary: () => request<Vocabulary>('GET', '/vocabulary'),

  createPrompt: (text: string, attributes: PromptAttributes) => request<Prompt>('POST', '/prompts', { body: { text, attributes } }),
  getPrompt: (id: string) => request<Prompt>('GET', `/prompts/${id}`),

  generate: (body: { prompt_id: string; num_samples: number; adapter_id?: string; seed?: number; temperature: number; duration?: number }) =>
    request<Job>('POST', '/generate', { body }),
  jobProgress: (id: string) => request<JobProgress>('GET', `/generate/${id}`),
  cancelJob: (id: string) => request<void>('DELETE', `/generate/${id}`),
  jobFeedback: (id: string) => request<JobFeedback>('GET', `/generate/${id}/feedback`),

  listJobs: (q: { status?: string; adapter_id?: string; limit?: number; offset?: number }) => request<JobList>('GET', '/jobs', { query: q }),
  getJob: (id: string) => request<Job>('GET', `/jobs/${id}`),
  jobDeletePreview: (id: string) => request<JobDeletePreview>('GET', `/jobs/${id}/delete-preview`),
  deleteJob: (id: string) => request<{ status: string; job_id: string; feedback_deleted: number }>('DELETE', `/jobs/${id}`),

  compareAudio: (audioIds: string[]) => request<{ samples: AudioSample[] }>('POST', '/audio/compare', { body: { audio_ids: audioIds } }),

  listAdapters: (q: { active_only?: boolean } = {}) => request<{ items: Adapter[]; total: number }>('GET', '/adapters', { query: { ...q, limit: 1000 } }),
  getAdapter: (id: string) => request<Adapter>('GET', `/adapters/${id}`),
  createAdapter: (body: AdapterInput) => request<Adapter>('POST', '/adapters', { body }),
  updateAdapter: (id: string, body: Partial<AdapterInput>) => request<Adapter>('PATCH', `/adapters/${id}`, { body }),
  adapterDeletePreview: (id: string) => request<AdapterDeletePreview>('GET', `/adapters/${id}/delete-preview`),
  deleteAdapter: (id: string) => request<{ status: string; adapter_id: string }>('DELETE', `/adapters/${id}`),
  createAdapterVersion: (id: string, body: { version?: string; description?: string; config?: Record<string, unknown> }) =>
    request<AdapterVersion>('POST', `/adapters/${id}/versions`, { body }),
  activateAdapterVersion: (id: string, versionId: string) => request<Adapter>('PATCH', `/adapters/${id}/versions/${versionId}/activate`),
  adapterTimeline: (id: string) => request<AdapterTimeline>('GET', `/adapters/${id}/timeline`),

  listFeedback: (q: { job_id?: string; min_rating?: number; max_rating?: number; page?: number; limit?: number }) =>
    request<{ items: Feedback[]; total: number }>('GET', '/feedback', { query: q }),
  createFeedback: (body: FeedbackInput) => request<Feedback>('POST', '/feedback', { body }),
  deleteFeedback: (id: string) => request<{ status: string; feedback_id: string }>('DELETE', `/feedback/${id}`),
  feedbackDeletePreview: (id: string) => request<FeedbackDeletePreview>('GET', `/feedback/${id}/delete-preview`),
  bulkDeleteFeedback: (body: FeedbackBulkDelete) => request<FeedbackBulkDeleteResult>('POST', '/feedback/bulk-delete', { body }),

  bulkDeleteJobs: (body: JobBulkDelete) => request<JobBulkDeleteResult>('POST', '/jobs/bulk-delete', { body }),
  bulkRestoreJobs: (ids: string[]) => request<{ jobs_restored: number }>('POST', '/jobs/bulk-restore', { body: { ids } }),
  restoreJob: (id: string) => request<Job>('POST', `/jobs/${id}/restore`, { body: {} }),
  restoreAdapter: (id: string, name?: string) => request<Adapter>('POST', `/adapters/${id}/restore`, { body: name === undefined ? {} : { name } }),

  overview: () => request<Overview>('GET', '/metrics/overview'),
  feedbackMetrics: () => request<FeedbackMetrics>('GET', '/metrics/feedback'),

  previewDataset: (body: { type: DatasetType; filter_query?: DatasetFilter }) => request<{ count: number }>('POST', '/datasets/preview', { body }),
  createDataset: (body: DatasetInput) => request<Dataset>('POST', '/datasets', { body }),
  listDatasets: (q: { page?: number; limit?: number } = {}) =>
    request<{ items: Dataset[]; total: number; page: number; limit: number }>('GET', '/datasets', { query: q }),
  getDataset: (id: string) => request<Dataset>('GET', `/datasets/${id}`),
  datasetStats: (id: string) => request<DatasetStats>('GET', `/datasets/${id}/stats`),
  datasetDeletePreview: (id: string) => request<DatasetDeletePreview>('GET', `/datasets/${id}/delete-preview`),
  deleteDataset: (id: string) => request<{ status: string; dataset_id: string }>('DELETE', `/datasets/${id}`),
  restoreDataset: (id: string) => request<Dataset>('POST', `/datasets/${id}/restore`, { body: {} }),
  exportDataset: (id: string, format: ExportFormat) => request<DatasetExport>('POST', `/datasets/${id}/export`, { body: { format } }),

  listExperiments: (q: { limit: number; offset: number }) => request<Page<Experiment>>('GET', '/experiments', { query: q }),
  createExperiment: (body: ExperimentInput) => request<Experiment>('POST', '/experiments', { body }),
  getExperiment: (id: string) => request<Experiment>('GET', `/experiments/${id}`),
  updateExperiment: (id: string, body: { name?: string; description?: string; config?: TrainingConfig }) =>
    request<Experiment>('PUT', `/experiments/${id}`, { body }),
  deleteExperiment: (id: string) => request<{ status: string; experiment_id: string }>('DELETE', `/experiments/${id}`),
  restoreExperiment: (id: string) => request<Experiment>('POST', `/experiments/${id}/restore`, { body: {} }),
  listRuns: (experimentId: string) => request<{ items: Run[]; total: number }>('GET', `/experiments/${experimentId}/runs`),
  startRun: (experimentId: string, body: { name?: string; config?: TrainingConfig }) =>
    request<Run>('POST', `/experiments/${experimentId}/runs`, { body }),
  getRun: (id: string) => request<Run>('GET', `/runs/${id}`),
  deleteRun: (experimentId: string, runId: string) =>
    request<{ status: string; run_id: string }>('DELETE', `/experiments/${experimentId}/runs/${runId}`),
  runLogs: (id: string) => request<RunLogs>('GET', `/runs/${id}/logs`),

  listTrash: <T extends TrashType>(type: T, q: { limit: number; offset: number }) =>
    request<Page<TrashItems[T]>>('GET', '/trash', { query: { type, ...q } }),
  purge: (body: PurgeRequest) => request<PurgeResult>('POST', '/admin/purge', { body }),
  storage: () => request<Storage>('GET', '/admin/storage'),
  listAudit: (q: { entity?: string; action?: string; limit?: number; offset?: number } = {}) =>
    request<Page<AuditEvent>>('GET', '/audit', { query: q }),
};

export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
