-- SPEC section 8: experiments, training runs (a second durable queue beside
-- the jobs), their logs, and adapter versions. See the SQLite migration of
-- the same number for the reasoning; the shapes are the same.

CREATE TABLE experiments (
  id           uuid PRIMARY KEY,
  name         text NOT NULL,
  description  text,
  dataset_id   uuid NOT NULL,  -- no foreign key: lineage outlives a purged dataset
  config       text NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  deleted_at   timestamptz
);
CREATE INDEX experiments_live_by_created ON experiments (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX experiments_trashed_by_deleted ON experiments (deleted_at, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX experiments_by_dataset ON experiments (dataset_id);

CREATE TABLE training_runs (
  id                uuid PRIMARY KEY,
  experiment_id     uuid NOT NULL REFERENCES experiments (id),
  name              text NOT NULL,
  status            text NOT NULL
                    CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  progress          double precision NOT NULL DEFAULT 0,
  config            text NOT NULL DEFAULT '{}',
  metrics           text NOT NULL DEFAULT '{}',
  final_loss        double precision,
  error             text,
  explanation       text,
  adapter_id        uuid,
  dataset_id        uuid NOT NULL,
  member_count      bigint,
  data_hash         text,
  created_at        timestamptz NOT NULL,
  started_at        timestamptz,
  completed_at      timestamptz,
  claimed_by        text,
  lease_expires_at  timestamptz
);
CREATE INDEX runs_by_experiment ON training_runs (experiment_id, created_at, id);
CREATE INDEX runs_by_status ON training_runs (status, created_at, id);
CREATE INDEX runs_by_adapter ON training_runs (adapter_id) WHERE adapter_id IS NOT NULL;
CREATE INDEX runs_by_dataset ON training_runs (dataset_id);

CREATE TABLE run_logs (
  run_id   uuid NOT NULL REFERENCES training_runs (id) ON DELETE CASCADE,
  seq      integer NOT NULL,
  at       timestamptz NOT NULL,
  message  text NOT NULL,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE adapter_versions (
  id            uuid PRIMARY KEY,
  adapter_id    uuid NOT NULL REFERENCES adapters (id) ON DELETE CASCADE,
  number        integer NOT NULL,
  version       text NOT NULL,
  description   text,
  config        text NOT NULL DEFAULT '{}',
  storage_path  text,
  source        text NOT NULL CHECK (source IN ('manual', 'training')),
  run_id        uuid,
  dataset_id    uuid,
  member_count  bigint,
  data_hash     text,
  explanation   text,
  created_at    timestamptz NOT NULL,
  UNIQUE (adapter_id, number),
  UNIQUE (adapter_id, version)
);

UPDATE adapters SET current_version = substr(current_version, 2) WHERE current_version ~ '^v[0-9]+$';
INSERT INTO adapter_versions (id, adapter_id, number, version, config, storage_path, source, created_at)
  SELECT md5(random()::text || id::text)::uuid, id, current_version::integer, current_version, config,
         storage_path, 'manual', updated_at
    FROM adapters WHERE current_version ~ '^[0-9]+$';

ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check
  CHECK (action IN ('create', 'update', 'activate', 'delete', 'cancel', 'restore', 'purge',
                    'bulk_delete', 'bulk_restore'));
ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_check
  CHECK (entity IN ('job', 'adapter', 'adapter_version', 'feedback', 'dataset', 'ab_test',
                    'experiment', 'training_run'));
CREATE INDEX audit_by_entity_id ON audit_events (entity_id, at) WHERE entity_id IS NOT NULL;
