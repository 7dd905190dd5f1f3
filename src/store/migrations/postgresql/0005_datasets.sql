-- SPEC section 8: style features and datasets, as
-- migrations/sqlite/0005_datasets.sql (docs/FEEDBACK_LOOP.md).

-- The style features the engine rendered a sample with: JSON text (stored
-- and returned as written); NULL for samples rendered before they were recorded.
ALTER TABLE audio_samples ADD COLUMN style text;
-- A PostgreSQL view keeps the columns "a.*" had when it was made: made
-- again, it shows the new one (at the end, as CREATE OR REPLACE requires).
CREATE OR REPLACE VIEW live_audio_samples AS
  SELECT a.* FROM audio_samples a JOIN generation_jobs j ON j.id = a.job_id
  WHERE j.deleted_at IS NULL;

CREATE TABLE datasets (
  id             uuid PRIMARY KEY,
  name           text NOT NULL,
  description    text,
  type           text NOT NULL CHECK (type IN ('supervised', 'preference')),
  filter_query   text NOT NULL DEFAULT '{}',  -- JSON object, as validated
  sample_count   bigint NOT NULL DEFAULT 0,
  export_format  text,
  exported_at    timestamptz,
  created_at     timestamptz NOT NULL,
  deleted_at     timestamptz
);
CREATE INDEX datasets_live_by_created ON datasets (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX datasets_trashed_by_deleted ON datasets (deleted_at, id) WHERE deleted_at IS NOT NULL;
CREATE VIEW live_datasets AS SELECT * FROM datasets WHERE deleted_at IS NULL;

-- Members reference feedback; every hard delete of feedback cascades here
-- in the same statement, and so does a dataset's purge.
CREATE TABLE dataset_members (
  dataset_id   uuid NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  feedback_id  uuid NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
  PRIMARY KEY (dataset_id, feedback_id)
);
CREATE INDEX dataset_members_by_feedback ON dataset_members (feedback_id);

-- sample_count drops with each member that goes. Per statement (transition
-- table): one update per dataset a statement touches, in id order, however
-- many members it removed. (A dataset being purged is already gone when
-- its cascade runs; its update then changes nothing.)
CREATE FUNCTION dataset_members_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE datasets d SET sample_count = d.sample_count - gone.n
    FROM (SELECT dataset_id, count(*) AS n FROM old_rows GROUP BY dataset_id ORDER BY dataset_id) gone
   WHERE d.id = gone.dataset_id;
  RETURN NULL;
END $$;
CREATE TRIGGER dataset_members_count_delete AFTER DELETE ON dataset_members
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dataset_members_count_delete();
