-- Song Studio schema, SQLite. Times are ISO-8601 UTC text with microseconds
-- ("2026-11-27T07:36:01.123456Z"), which sorts in time order.
--
-- Live rows: jobs and adapters are soft-deleted (deleted_at). Every default
-- read goes through the live_* views below, so the "not deleted" filter is
-- written once, here. Partial indexes WHERE deleted_at IS NULL serve them.

CREATE TABLE prompts (
  id          TEXT PRIMARY KEY,
  text        TEXT NOT NULL,
  attributes  TEXT NOT NULL DEFAULT '{}',   -- JSON object
  created_at  TEXT NOT NULL
);
CREATE INDEX prompts_by_created ON prompts (created_at);

CREATE TABLE adapters (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  description      TEXT,
  base_model       TEXT NOT NULL,
  storage_path     TEXT,
  config           TEXT NOT NULL DEFAULT '{}',  -- JSON object, engine style
  is_active        INTEGER NOT NULL DEFAULT 1,
  status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  current_version  TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  deleted_at       TEXT
);
-- A name is unique among live adapters only: "lofi" may be reused once deleted.
CREATE UNIQUE INDEX adapters_live_name ON adapters (name) WHERE deleted_at IS NULL;
CREATE INDEX adapters_live_by_created ON adapters (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX adapters_by_created ON adapters (created_at, id);

CREATE TABLE generation_jobs (
  id                TEXT PRIMARY KEY,
  prompt_id         TEXT NOT NULL REFERENCES prompts (id),
  adapter_id        TEXT REFERENCES adapters (id),
  status            TEXT NOT NULL
                    CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
  progress          REAL NOT NULL DEFAULT 0,
  num_samples       INTEGER NOT NULL CHECK (num_samples BETWEEN 1 AND 4),
  error             TEXT,
  seed              INTEGER NOT NULL,
  temperature       REAL NOT NULL,
  top_k             INTEGER NOT NULL,
  top_p             REAL NOT NULL,
  duration          INTEGER NOT NULL,
  created_at        TEXT NOT NULL,
  completed_at      TEXT,
  deleted_at        TEXT,
  claimed_by        TEXT,     -- worker id holding the job while processing
  lease_expires_at  TEXT      -- the claim is void after this time
);
CREATE INDEX jobs_live_by_created ON generation_jobs (created_at, id) WHERE deleted_at IS NULL;
-- Also the queue's index: claiming looks only at queued/processing entries.
CREATE INDEX jobs_live_by_status ON generation_jobs (status, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX jobs_live_by_adapter ON generation_jobs (adapter_id, created_at, id)
  WHERE deleted_at IS NULL;
CREATE INDEX jobs_by_created ON generation_jobs (created_at, id);
CREATE INDEX jobs_by_adapter ON generation_jobs (adapter_id);

-- Clustered by job: a job's samples, in label order, are one B-tree range
-- that already holds their ids, so listing a job's audio_ids costs no
-- lookup per sample. Lookups by id go through the unique index on id.
CREATE TABLE audio_samples (
  job_id            TEXT NOT NULL REFERENCES generation_jobs (id),
  sample_index      INTEGER NOT NULL,
  id                TEXT NOT NULL UNIQUE,
  prompt_id         TEXT NOT NULL REFERENCES prompts (id),
  adapter_id        TEXT REFERENCES adapters (id),
  storage_path      TEXT NOT NULL,
  duration_seconds  REAL NOT NULL,
  sample_rate       INTEGER NOT NULL,
  created_at        TEXT NOT NULL,
  PRIMARY KEY (job_id, sample_index)
) WITHOUT ROWID;

CREATE TABLE feedback (
  id                TEXT PRIMARY KEY,
  audio_id          TEXT NOT NULL REFERENCES audio_samples (id),
  rating            INTEGER CHECK (rating BETWEEN 1 AND 5),
  rating_criterion  TEXT NOT NULL DEFAULT 'overall',
  preferred_over    TEXT REFERENCES audio_samples (id),
  tags              TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
  notes             TEXT,
  created_at        TEXT NOT NULL,
  CHECK (preferred_over IS NULL OR preferred_over <> audio_id),
  CHECK (rating IS NOT NULL OR preferred_over IS NOT NULL OR tags <> '[]')
);
CREATE INDEX feedback_by_audio ON feedback (audio_id, created_at);
CREATE INDEX feedback_by_preferred ON feedback (preferred_over) WHERE preferred_over IS NOT NULL;
CREATE INDEX feedback_by_created ON feedback (created_at);

CREATE VIEW live_jobs AS SELECT * FROM generation_jobs WHERE deleted_at IS NULL;
CREATE VIEW live_adapters AS SELECT * FROM adapters WHERE deleted_at IS NULL;
-- A sample is live while its job is.
CREATE VIEW live_audio_samples AS
  SELECT a.* FROM audio_samples a JOIN generation_jobs j ON j.id = a.job_id
  WHERE j.deleted_at IS NULL;

-- Live job counts per status, kept exact by triggers in the same transaction
-- as every insert and update, so list totals and stats never count the table.
-- processing_ms sums completed_at - created_at over live completed jobs.
CREATE TABLE job_counters (
  status         TEXT PRIMARY KEY,
  live_count     INTEGER NOT NULL DEFAULT 0,
  processing_ms  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO job_counters (status) VALUES
  ('queued'), ('processing'), ('completed'), ('failed'), ('cancelled');

-- Live jobs per UTC day of created_at, for "jobs today" without counting rows.
CREATE TABLE job_day_counters (
  day         TEXT PRIMARY KEY,  -- "YYYY-MM-DD"
  live_count  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER jobs_day_count_insert AFTER INSERT ON generation_jobs
WHEN NEW.deleted_at IS NULL
BEGIN
  INSERT INTO job_day_counters (day, live_count) VALUES (substr(NEW.created_at, 1, 10), 1)
    ON CONFLICT (day) DO UPDATE SET live_count = live_count + 1;
END;

CREATE TRIGGER jobs_day_count_delete AFTER UPDATE OF deleted_at ON generation_jobs
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
  UPDATE job_day_counters SET live_count = live_count - 1 WHERE day = substr(OLD.created_at, 1, 10);
END;

CREATE TRIGGER jobs_count_insert AFTER INSERT ON generation_jobs
WHEN NEW.deleted_at IS NULL
BEGIN
  UPDATE job_counters
     SET live_count = live_count + 1,
         processing_ms = processing_ms + CASE WHEN NEW.status = 'completed'
           THEN CAST(ROUND((julianday(NEW.completed_at) - julianday(NEW.created_at)) * 86400000) AS INTEGER)
           ELSE 0 END
   WHERE status = NEW.status;
END;

CREATE TRIGGER jobs_count_update AFTER UPDATE OF status, deleted_at, completed_at ON generation_jobs
BEGIN
  UPDATE job_counters
     SET live_count = live_count - 1,
         processing_ms = processing_ms - CASE WHEN OLD.status = 'completed'
           THEN CAST(ROUND((julianday(OLD.completed_at) - julianday(OLD.created_at)) * 86400000) AS INTEGER)
           ELSE 0 END
   WHERE status = OLD.status AND OLD.deleted_at IS NULL;
  UPDATE job_counters
     SET live_count = live_count + 1,
         processing_ms = processing_ms + CASE WHEN NEW.status = 'completed'
           THEN CAST(ROUND((julianday(NEW.completed_at) - julianday(NEW.created_at)) * 86400000) AS INTEGER)
           ELSE 0 END
   WHERE status = NEW.status AND NEW.deleted_at IS NULL;
END;
