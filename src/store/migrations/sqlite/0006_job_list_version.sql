-- The job list's change counter (issue 14). GET /api/jobs keeps its answers
-- in memory and serves one again only while this number is unchanged, so
-- it must change, in the same transaction, with every change that can alter
-- a job list answer: a job inserted, updated (status, progress, error,
-- completion, deletion, restore) or purged; a sample added or removed; an
-- adapter renamed, deleted, restored or purged; a prompt changed or removed.
-- A new table or column that a list item shows needs its trigger here too.
CREATE TABLE job_list_version (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  version  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO job_list_version (id) VALUES (1);

CREATE TRIGGER job_list_job_insert AFTER INSERT ON generation_jobs
BEGIN UPDATE job_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER job_list_job_update AFTER UPDATE ON generation_jobs
BEGIN UPDATE job_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER job_list_job_delete AFTER DELETE ON generation_jobs
BEGIN UPDATE job_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER job_list_sample_insert AFTER INSERT ON audio_samples
BEGIN UPDATE job_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER job_list_sample_update AFTER UPDATE ON audio_samples
BEGIN UPDATE job_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER job_list_sample_delete AFTER DELETE ON audio_samples
BEGIN UPDATE job_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER job_list_adapter_update AFTER UPDATE OF name, deleted_at ON adapters
BEGIN UPDATE job_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER job_list_adapter_delete AFTER DELETE ON adapters
BEGIN UPDATE job_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER job_list_prompt_update AFTER UPDATE ON prompts
BEGIN UPDATE job_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER job_list_prompt_delete AFTER DELETE ON prompts
BEGIN UPDATE job_list_version SET version = version + 1 WHERE id = 1; END;
