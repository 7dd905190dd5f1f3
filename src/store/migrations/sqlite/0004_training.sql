-- SPEC section 8: experiments, training runs (a second durable queue beside
-- the jobs), their logs, and adapter versions.

-- An experiment names a dataset and a training config. dataset_id is a
-- reference without a foreign key: an experiment (and its runs' lineage)
-- outlives a purged dataset and shows "Deleted Dataset".
CREATE TABLE experiments (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  description  TEXT,
  dataset_id   TEXT NOT NULL,
  config       TEXT NOT NULL DEFAULT '{}',  -- JSON object: training options
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  deleted_at   TEXT
);
CREATE INDEX experiments_live_by_created ON experiments (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX experiments_trashed_by_deleted ON experiments (deleted_at, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX experiments_by_dataset ON experiments (dataset_id);

-- A run trains one adapter (or adapter version) from its experiment's
-- dataset. The queue: workers claim queued runs (or running ones whose
-- lease expired) exactly like generation jobs. Runs are hard-deleted with
-- their logs; the adapter a run made keeps its lineage in adapter_versions.
CREATE TABLE training_runs (
  id                TEXT PRIMARY KEY,
  experiment_id     TEXT NOT NULL REFERENCES experiments (id),
  name              TEXT NOT NULL,
  status            TEXT NOT NULL
                    CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  progress          REAL NOT NULL DEFAULT 0,
  config            TEXT NOT NULL DEFAULT '{}',  -- the experiment's config with the run's overrides
  metrics           TEXT NOT NULL DEFAULT '{}',  -- JSON object (docs/FEEDBACK_LOOP.md)
  final_loss        REAL,
  error             TEXT,
  explanation       TEXT,
  adapter_id        TEXT,  -- the adapter it created or added a version to
  dataset_id        TEXT NOT NULL,  -- lineage, frozen when the run trains
  member_count      INTEGER,
  data_hash         TEXT,
  created_at        TEXT NOT NULL,
  started_at        TEXT,
  completed_at      TEXT,
  claimed_by        TEXT,
  lease_expires_at  TEXT
);
CREATE INDEX runs_by_experiment ON training_runs (experiment_id, created_at, id);
CREATE INDEX runs_by_status ON training_runs (status, created_at, id);
CREATE INDEX runs_by_adapter ON training_runs (adapter_id) WHERE adapter_id IS NOT NULL;
CREATE INDEX runs_by_dataset ON training_runs (dataset_id);

CREATE TABLE run_logs (
  run_id   TEXT NOT NULL REFERENCES training_runs (id) ON DELETE CASCADE,
  seq      INTEGER NOT NULL,
  at       TEXT NOT NULL,
  message  TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- Every config an adapter has had. adapters.current_version names the
-- current one; number orders them and names the style file
-- (adapters/<id>/v<number>.json). Lineage columns are set for trained versions.
CREATE TABLE adapter_versions (
  id            TEXT PRIMARY KEY,
  adapter_id    TEXT NOT NULL REFERENCES adapters (id) ON DELETE CASCADE,
  number        INTEGER NOT NULL,
  version       TEXT NOT NULL,
  description   TEXT,
  config        TEXT NOT NULL DEFAULT '{}',
  storage_path  TEXT,
  source        TEXT NOT NULL CHECK (source IN ('manual', 'training')),
  run_id        TEXT,
  dataset_id    TEXT,
  member_count  INTEGER,
  data_hash     TEXT,
  explanation   TEXT,
  created_at    TEXT NOT NULL,
  UNIQUE (adapter_id, number),
  UNIQUE (adapter_id, version)
);

-- Versions before this migration: the current one of each adapter, named
-- without the "v" prefix the studio used to store.
UPDATE adapters SET current_version = substr(current_version, 2)
 WHERE current_version GLOB 'v[0-9]*';
INSERT INTO adapter_versions (id, adapter_id, number, version, config, storage_path, source, created_at)
  SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
               substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
         id, CAST(current_version AS INTEGER), current_version, config, storage_path, 'manual', updated_at
    FROM adapters WHERE current_version GLOB '[0-9]*';

-- The audit log gains the feedback loop's changes: the table is rebuilt
-- because SQLite cannot alter a CHECK constraint.
CREATE TABLE audit_events_v2 (
  id          TEXT PRIMARY KEY,
  at          TEXT NOT NULL,
  action      TEXT NOT NULL
              CHECK (action IN ('create', 'update', 'activate', 'delete', 'cancel', 'restore', 'purge',
                                'bulk_delete', 'bulk_restore')),
  entity      TEXT NOT NULL
              CHECK (entity IN ('job', 'adapter', 'adapter_version', 'feedback', 'dataset', 'ab_test',
                                'experiment', 'training_run')),
  entity_id   TEXT,
  counts      TEXT NOT NULL DEFAULT '{}',
  actor       TEXT NOT NULL CHECK (actor IN ('admin', 'local')),
  request_id  TEXT NOT NULL
);
INSERT INTO audit_events_v2 SELECT id, at, action, entity, entity_id, counts, actor, request_id FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_v2 RENAME TO audit_events;
CREATE INDEX audit_by_at ON audit_events (at, id);
CREATE INDEX audit_by_entity ON audit_events (entity, at, id);
CREATE INDEX audit_by_action ON audit_events (action, at, id);
-- An adapter's timeline reads its own events.
CREATE INDEX audit_by_entity_id ON audit_events (entity_id, at) WHERE entity_id IS NOT NULL;
