-- SPEC section 8 "Overview": the counters behind /metrics/overview,
-- /metrics/feedback and /feedback/summary, kept exact by triggers in the
-- same transaction as every change, so those reads never count a table.
-- Definitions: docs/FEEDBACK_LOOP_METRICS.md. Job counts stay in job_counters.
--
-- Invariant these rely on (lifecycle/, SPEC section 3): feedback exists only
-- on samples of live jobs (a job's delete hard-deletes every record touching
-- its samples, AddFeedback refuses trashed jobs, a restored job comes back
-- without feedback). So "samples with feedback" needs no liveness check, and
-- pending = live_samples - samples_with_feedback. Feedback rows are never
-- updated (the Store has no such method); they are inserted and deleted.

-- One row per counter. Names, by family (docs/FEEDBACK_LOOP_METRICS.md):
--   samples:  live_samples
--   feedback: feedback_total, ratings_count, ratings_sum, rating_1..rating_5,
--             preferences, tagged, samples_with_feedback, rated_samples,
--             high_rated_samples
--   adapters: adapters_live, adapters_active
--   datasets and runs (maintained by migration 0004's triggers):
--             datasets_live, datasets_exported, runs_total, runs_running
CREATE TABLE metrics_counters (
  name   TEXT PRIMARY KEY,
  value  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Feedback per sample (on its audio_id), for "first rating of this sample"
-- and the per-sample averages; a row exists while the sample has feedback.
CREATE TABLE sample_feedback_counts (
  audio_id        TEXT PRIMARY KEY,
  feedback_count  INTEGER NOT NULL,
  rating_count    INTEGER NOT NULL,
  rating_sum      INTEGER NOT NULL
) WITHOUT ROWID;

-- Feedback per adapter of the sample it is on; adapter_key '' is the base
-- engine (a sample without adapter). Rows stay at zero; reads skip them.
CREATE TABLE adapter_feedback_counts (
  adapter_key     TEXT PRIMARY KEY,
  feedback_count  INTEGER NOT NULL,
  rating_count    INTEGER NOT NULL,
  rating_sum      INTEGER NOT NULL
) WITHOUT ROWID;

-- ---- feedback ----
-- One feedback record coming (sign 1) or going (sign -1). Both feedback
-- triggers insert into this view, so what a record counts for is written
-- once, in its INSTEAD OF trigger.
CREATE VIEW feedback_metric_changes (sign, audio_id, rating, preferred, tagged) AS
  SELECT 0, NULL, NULL, 0, 0 WHERE 0;

CREATE TRIGGER feedback_metric_change INSTEAD OF INSERT ON feedback_metric_changes
BEGIN
  UPDATE metrics_counters SET value = value + NEW.sign * CASE name
      WHEN 'feedback_total' THEN 1
      WHEN 'ratings_count' THEN NEW.rating IS NOT NULL
      WHEN 'ratings_sum' THEN COALESCE(NEW.rating, 0)
      WHEN 'rating_' || NEW.rating THEN 1
      WHEN 'preferences' THEN NEW.preferred
      WHEN 'tagged' THEN NEW.tagged
      END
   WHERE name IN ('feedback_total', 'ratings_count', 'ratings_sum', 'rating_' || NEW.rating,
                  'preferences', 'tagged');
  -- The sample's flags (has feedback, has a rating, average >= 4): after
  -- minus before, from its row as it is before the change (none: zeros).
  UPDATE metrics_counters SET value = value + (
      SELECT CASE metrics_counters.name
          WHEN 'samples_with_feedback' THEN (f1 > 0) - (f0 > 0)
          WHEN 'rated_samples' THEN (r1 > 0) - (r0 > 0)
          ELSE (r1 > 0 AND s1 >= 4 * r1) - (r0 > 0 AND s0 >= 4 * r0) END
        FROM (SELECT f0, r0, s0, f0 + NEW.sign AS f1, r0 + NEW.sign * (NEW.rating IS NOT NULL) AS r1,
                     s0 + NEW.sign * COALESCE(NEW.rating, 0) AS s1
                FROM (SELECT COALESCE(MAX(feedback_count), 0) AS f0, COALESCE(MAX(rating_count), 0) AS r0,
                             COALESCE(MAX(rating_sum), 0) AS s0
                        FROM sample_feedback_counts WHERE audio_id = NEW.audio_id)))
   WHERE name IN ('samples_with_feedback', 'rated_samples', 'high_rated_samples');
  INSERT INTO sample_feedback_counts (audio_id, feedback_count, rating_count, rating_sum)
    VALUES (NEW.audio_id, NEW.sign, NEW.sign * (NEW.rating IS NOT NULL), NEW.sign * COALESCE(NEW.rating, 0))
    ON CONFLICT (audio_id) DO UPDATE SET feedback_count = feedback_count + excluded.feedback_count,
      rating_count = rating_count + excluded.rating_count, rating_sum = rating_sum + excluded.rating_sum;
  DELETE FROM sample_feedback_counts WHERE audio_id = NEW.audio_id AND feedback_count = 0;
  INSERT INTO adapter_feedback_counts (adapter_key, feedback_count, rating_count, rating_sum)
    SELECT COALESCE(adapter_id, ''), NEW.sign, NEW.sign * (NEW.rating IS NOT NULL),
           NEW.sign * COALESCE(NEW.rating, 0)
      FROM audio_samples WHERE id = NEW.audio_id
    ON CONFLICT (adapter_key) DO UPDATE SET feedback_count = feedback_count + excluded.feedback_count,
      rating_count = rating_count + excluded.rating_count, rating_sum = rating_sum + excluded.rating_sum;
END;

CREATE TRIGGER feedback_metrics_insert AFTER INSERT ON feedback
BEGIN
  INSERT INTO feedback_metric_changes
    VALUES (1, NEW.audio_id, NEW.rating, NEW.preferred_over IS NOT NULL, NEW.tags <> '[]');
END;

CREATE TRIGGER feedback_metrics_delete AFTER DELETE ON feedback
BEGIN
  INSERT INTO feedback_metric_changes
    VALUES (-1, OLD.audio_id, OLD.rating, OLD.preferred_over IS NOT NULL, OLD.tags <> '[]');
END;

-- ---- samples of live jobs ----
CREATE TRIGGER audio_metrics_insert AFTER INSERT ON audio_samples
WHEN (SELECT deleted_at IS NULL FROM generation_jobs WHERE id = NEW.job_id)
BEGIN
  UPDATE metrics_counters SET value = value + 1 WHERE name = 'live_samples';
END;

-- Purge deletes only trashed jobs' samples, which no longer count.
CREATE TRIGGER audio_metrics_delete AFTER DELETE ON audio_samples
WHEN (SELECT deleted_at IS NULL FROM generation_jobs WHERE id = OLD.job_id)
BEGIN
  UPDATE metrics_counters SET value = value - 1 WHERE name = 'live_samples';
END;

-- A job's delete or restore takes its samples out of, or back into, the count.
CREATE TRIGGER jobs_sample_metrics AFTER UPDATE OF deleted_at ON generation_jobs
WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
BEGIN
  UPDATE metrics_counters
     SET value = value + CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END
                         * (SELECT COUNT(*) FROM audio_samples WHERE job_id = NEW.id)
   WHERE name = 'live_samples';
END;

-- ---- adapters: live, and live and active (is_active) ----
CREATE TRIGGER adapters_metrics_insert AFTER INSERT ON adapters
WHEN NEW.deleted_at IS NULL
BEGIN
  UPDATE metrics_counters SET value = value + CASE name WHEN 'adapters_live' THEN 1 ELSE NEW.is_active <> 0 END
   WHERE name IN ('adapters_live', 'adapters_active');
END;

CREATE TRIGGER adapters_metrics_update AFTER UPDATE OF deleted_at, is_active ON adapters
BEGIN
  UPDATE metrics_counters SET value = value + CASE name
      WHEN 'adapters_live' THEN (NEW.deleted_at IS NULL) - (OLD.deleted_at IS NULL)
      ELSE (NEW.deleted_at IS NULL AND NEW.is_active <> 0) - (OLD.deleted_at IS NULL AND OLD.is_active <> 0)
      END
   WHERE name IN ('adapters_live', 'adapters_active');
END;

-- Purge deletes only trashed adapters; a live one would stop counting.
CREATE TRIGGER adapters_metrics_delete AFTER DELETE ON adapters
WHEN OLD.deleted_at IS NULL
BEGIN
  UPDATE metrics_counters SET value = value - CASE name WHEN 'adapters_live' THEN 1 ELSE OLD.is_active <> 0 END
   WHERE name IN ('adapters_live', 'adapters_active');
END;

-- ---- backfill from the rows already there (this migration's transaction) ----
INSERT INTO metrics_counters (name) VALUES
  ('live_samples'),
  ('feedback_total'), ('ratings_count'), ('ratings_sum'),
  ('rating_1'), ('rating_2'), ('rating_3'), ('rating_4'), ('rating_5'),
  ('preferences'), ('tagged'), ('samples_with_feedback'), ('rated_samples'), ('high_rated_samples'),
  ('adapters_live'), ('adapters_active'),
  ('datasets_live'), ('datasets_exported'), ('runs_total'), ('runs_running');

INSERT INTO sample_feedback_counts (audio_id, feedback_count, rating_count, rating_sum)
  SELECT audio_id, COUNT(*), COUNT(rating), COALESCE(SUM(rating), 0) FROM feedback GROUP BY audio_id;

INSERT INTO adapter_feedback_counts (adapter_key, feedback_count, rating_count, rating_sum)
  SELECT COALESCE(s.adapter_id, ''), COUNT(*), COUNT(f.rating), COALESCE(SUM(f.rating), 0)
    FROM feedback f JOIN audio_samples s ON s.id = f.audio_id GROUP BY 1;

UPDATE metrics_counters SET value = (SELECT CASE metrics_counters.name
    WHEN 'feedback_total' THEN COUNT(*)
    WHEN 'ratings_count' THEN COUNT(rating)
    WHEN 'ratings_sum' THEN COALESCE(SUM(rating), 0)
    WHEN 'rating_1' THEN COALESCE(SUM(rating = 1), 0)
    WHEN 'rating_2' THEN COALESCE(SUM(rating = 2), 0)
    WHEN 'rating_3' THEN COALESCE(SUM(rating = 3), 0)
    WHEN 'rating_4' THEN COALESCE(SUM(rating = 4), 0)
    WHEN 'rating_5' THEN COALESCE(SUM(rating = 5), 0)
    WHEN 'preferences' THEN COUNT(preferred_over)
    WHEN 'tagged' THEN COALESCE(SUM(tags <> '[]'), 0) END FROM feedback)
 WHERE name IN ('feedback_total', 'ratings_count', 'ratings_sum', 'rating_1', 'rating_2', 'rating_3',
                'rating_4', 'rating_5', 'preferences', 'tagged');

UPDATE metrics_counters SET value = (SELECT CASE metrics_counters.name
    WHEN 'samples_with_feedback' THEN COUNT(*)
    WHEN 'rated_samples' THEN COALESCE(SUM(rating_count > 0), 0)
    ELSE COALESCE(SUM(rating_count > 0 AND rating_sum >= 4 * rating_count), 0) END
    FROM sample_feedback_counts)
 WHERE name IN ('samples_with_feedback', 'rated_samples', 'high_rated_samples');

UPDATE metrics_counters SET value = (SELECT COUNT(*) FROM live_audio_samples) WHERE name = 'live_samples';
UPDATE metrics_counters SET value = (SELECT COUNT(*) FROM live_adapters) WHERE name = 'adapters_live';
UPDATE metrics_counters SET value = (SELECT COUNT(*) FROM live_adapters WHERE is_active <> 0)
 WHERE name = 'adapters_active';
