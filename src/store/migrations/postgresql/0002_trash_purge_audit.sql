-- SPEC section 7: trash, restore, purge, bulk and audit.

-- What a job's delete removed, for its trash entry ("3 feedback records went").
ALTER TABLE generation_jobs ADD COLUMN feedback_deleted integer NOT NULL DEFAULT 0;

-- The trash lists, newest-deleted first, and purge's "trashed before T":
-- the partial indexes hold only trashed rows, so they stay small however
-- many live rows there are.
CREATE INDEX jobs_trashed_by_deleted ON generation_jobs (deleted_at, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX adapters_trashed_by_deleted ON adapters (deleted_at, id) WHERE deleted_at IS NOT NULL;
-- The foreign-key checks of a purge (deleting a sample checks feedback,
-- deleting an adapter checks samples).
CREATE INDEX audio_by_adapter ON audio_samples (adapter_id) WHERE adapter_id IS NOT NULL;

-- One row per delete, cancel, restore, purge or bulk call, written in the
-- transaction of the change. Ids and counts only, never content.
CREATE TABLE audit_events (
  id          uuid PRIMARY KEY,
  at          timestamptz NOT NULL,
  action      text NOT NULL
              CHECK (action IN ('delete', 'cancel', 'restore', 'purge', 'bulk_delete', 'bulk_restore')),
  entity      text NOT NULL
              CHECK (entity IN ('job', 'adapter', 'feedback', 'dataset', 'ab_test', 'experiment')),
  entity_id   uuid,
  counts      jsonb NOT NULL DEFAULT '{}',
  actor       text NOT NULL CHECK (actor IN ('admin', 'local')),
  request_id  text NOT NULL
);
CREATE INDEX audit_by_at ON audit_events (at, id);
CREATE INDEX audit_by_entity ON audit_events (entity, at, id);
CREATE INDEX audit_by_action ON audit_events (action, at, id);

-- When the automatic (retention) purge last started, so that several
-- processes sharing a database run it at most once per interval.
CREATE TABLE maintenance_runs (
  name        text PRIMARY KEY,
  started_at  timestamptz NOT NULL
);
