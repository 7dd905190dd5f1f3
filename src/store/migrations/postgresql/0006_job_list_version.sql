-- The job list's change counter (issue 14), as in
-- migrations/sqlite/0006_job_list_version.sql. GET /api/jobs keeps its
-- answers in each process's memory and serves one again only while this
-- number is unchanged; every process reads it from here on every list
-- request, so a change committed by any process (a worker's progress, an
-- API process's delete) is seen by all of them at once. It must change, in
-- the same transaction, with every change that can alter a job list answer:
-- a job inserted, updated or purged; a sample added or removed; an adapter
-- renamed, deleted, restored or purged; a prompt changed or removed. A new
-- table or column that a list item shows needs its trigger here too.
--
-- The triggers are per statement and skip statements that changed no row.
-- Lock order: they fire after the statement's own rows are locked and after
-- the job_counters triggers (same event, name order: jobs_count_* < jobs_list_*),
-- the same order as job_counters, so the row adds no new lock cycle.
CREATE TABLE job_list_version (
  id       integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  version  bigint NOT NULL DEFAULT 0
);
INSERT INTO job_list_version (id) VALUES (1);

-- Once per transaction is enough (readers only ever see committed
-- versions), and more would cost: every update of the row inside one
-- transaction leaves a version that cannot be pruned before the commit, and
-- each further update walks them all (a seed transaction of 500 jobs with
-- their samples made ~1,400). The row's xmin is the transaction that last
-- bumped it. (A bump made inside a savepoint has the subtransaction's xid, so
-- the next statement bumps again: more bumps, never fewer.)
CREATE FUNCTION job_list_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed_rows) THEN
    UPDATE job_list_version SET version = version + 1
     WHERE id = 1 AND xmin <> pg_current_xact_id()::xid;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER jobs_list_insert AFTER INSERT ON generation_jobs
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION job_list_changed();
CREATE TRIGGER jobs_list_update AFTER UPDATE ON generation_jobs
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION job_list_changed();
CREATE TRIGGER jobs_list_delete AFTER DELETE ON generation_jobs
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION job_list_changed();
CREATE TRIGGER samples_list_insert AFTER INSERT ON audio_samples
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION job_list_changed();
CREATE TRIGGER samples_list_update AFTER UPDATE ON audio_samples
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION job_list_changed();
CREATE TRIGGER samples_list_delete AFTER DELETE ON audio_samples
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION job_list_changed();
-- Adapters: a list item shows an adapter's name and whether it is deleted;
-- any update counts, because a trigger with a transition table cannot name
-- columns (an adapter update is rare).
CREATE TRIGGER adapters_list_update AFTER UPDATE ON adapters
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION job_list_changed();
CREATE TRIGGER adapters_list_delete AFTER DELETE ON adapters
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION job_list_changed();
CREATE TRIGGER prompts_list_update AFTER UPDATE ON prompts
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION job_list_changed();
CREATE TRIGGER prompts_list_delete AFTER DELETE ON prompts
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION job_list_changed();
