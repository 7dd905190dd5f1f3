-- SPEC section 7: trash, restore, purge, bulk and audit.

-- What a job's delete removed, for its trash entry ("3 feedback records went").
ALTER TABLE generation_jobs ADD COLUMN feedback_deleted INTEGER NOT NULL DEFAULT 0;

-- The trash lists, newest-deleted first, and purge's "trashed before T":
-- the partial indexes hold only trashed rows, so they stay small however
-- many live rows there are.
CREATE INDEX jobs_trashed_by_deleted ON generation_jobs (deleted_at, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX adapters_trashed_by_deleted ON adapters (deleted_at, id) WHERE deleted_at IS NOT NULL;
-- Bulk delete by prompt, and the foreign-key checks of a purge.
CREATE INDEX jobs_by_prompt ON generation_jobs (prompt_id);
CREATE INDEX audio_by_adapter ON audio_samples (adapter_id) WHERE adapter_id IS NOT NULL;

-- A restore brings a job back into "jobs today" (jobs_count_update already
-- counts both directions of deleted_at).
CREATE TRIGGER jobs_day_count_restore AFTER UPDATE OF deleted_at ON generation_jobs
WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
  INSERT INTO job_day_counters (day, live_count) VALUES (substr(NEW.created_at, 1, 10), 1)
    ON CONFLICT (day) DO UPDATE SET live_count = live_count + 1;
END;

-- One row per delete, cancel, restore, purge or bulk call, written in the
-- transaction of the change. Ids and counts only, never content.
CREATE TABLE audit_events (
  id          TEXT PRIMARY KEY,
  at          TEXT NOT NULL,
  action      TEXT NOT NULL
              CHECK (action IN ('delete', 'cancel', 'restore', 'purge', 'bulk_delete', 'bulk_restore')),
  entity      TEXT NOT NULL
              CHECK (entity IN ('job', 'adapter', 'feedback', 'dataset', 'ab_test', 'experiment')),
  entity_id   TEXT,
  counts      TEXT NOT NULL DEFAULT '{}',  -- JSON object of integers
  actor       TEXT NOT NULL CHECK (actor IN ('admin', 'local')),
  request_id  TEXT NOT NULL
);
CREATE INDEX audit_by_at ON audit_events (at, id);
CREATE INDEX audit_by_entity ON audit_events (entity, at, id);
CREATE INDEX audit_by_action ON audit_events (action, at, id);

-- When the automatic (retention) purge last started, so that several
-- processes sharing a database run it at most once per interval.
CREATE TABLE maintenance_runs (
  name        TEXT PRIMARY KEY,
  started_at  TEXT NOT NULL
);
