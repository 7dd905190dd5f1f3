-- SPEC section 8: style features and datasets (docs/FEEDBACK_LOOP.md).

-- The style features the engine rendered a sample with (a JSON object);
-- NULL for samples rendered before they were recorded.
ALTER TABLE audio_samples ADD COLUMN style TEXT;

-- A named, typed selection of feedback, frozen at creation. Soft-deleted
-- like jobs and adapters: default reads go through live_datasets.
-- sample_count is exact: set once after the members are inserted, then
-- lowered by dataset_members_count_delete for every member that goes.
CREATE TABLE datasets (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  description    TEXT,
  type           TEXT NOT NULL CHECK (type IN ('supervised', 'preference')),
  filter_query   TEXT NOT NULL DEFAULT '{}',  -- JSON object, as validated
  sample_count   INTEGER NOT NULL DEFAULT 0,
  export_format  TEXT,                         -- the last export's format
  exported_at    TEXT,
  created_at     TEXT NOT NULL,
  deleted_at     TEXT
);
CREATE INDEX datasets_live_by_created ON datasets (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX datasets_trashed_by_deleted ON datasets (deleted_at, id) WHERE deleted_at IS NOT NULL;
CREATE VIEW live_datasets AS SELECT * FROM datasets WHERE deleted_at IS NULL;

-- Members are references to feedback. Every hard delete of feedback (one,
-- bulk, a job's cascade) is a DELETE on feedback, so ON DELETE CASCADE
-- removes the membership in the same statement; purging a dataset removes
-- its members the same way. (PRAGMA foreign_keys=ON on every connection.)
CREATE TABLE dataset_members (
  dataset_id   TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  feedback_id  TEXT NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
  PRIMARY KEY (dataset_id, feedback_id)
) WITHOUT ROWID;
-- The cascade's lookup, and "which datasets does deleting this feedback change".
CREATE INDEX dataset_members_by_feedback ON dataset_members (feedback_id);

CREATE TRIGGER dataset_members_count_delete AFTER DELETE ON dataset_members
BEGIN
  UPDATE datasets SET sample_count = sample_count - 1 WHERE id = OLD.dataset_id;
END;
