-- SPEC section 8 "Overview": the same counters as
-- migrations/sqlite/0003_metrics_counters.sql (read that file's header for
-- the names and the invariant they rely on), kept by per-statement triggers
-- (transition tables) like job_counters in 0001.
--
-- Lock order, in every trigger here and for 0004's (docs/FEEDBACK_LOOP_METRICS.md):
--   1. the statement's own rows (and what the lifecycle locked before: job
--      rows FOR UPDATE / FOR SHARE, see Store::LockLiveJobs);
--   2. job_counters, then job_day_counters (0001's triggers);
--   3. metrics_counters 'live_samples' (the samples family);
--   4. the feedback family: first its metrics_counters rows, in name order,
--      FOR UPDATE (the family lock), then sample_feedback_counts rows in
--      audio_id order, then adapter_feedback_counts rows in key order;
--   5. the adapters family's metrics_counters rows, in name order;
--   6. the datasets and runs counters (0004), in name order.
-- A transaction may run several statements (a job delete marks the jobs,
-- then deletes their feedback; bulk calls go in chunks of ids), each taking
-- locks in this order; later statements only take locks further down the
-- list or ones the transaction already holds. The family lock is what makes
-- that true within the feedback family: a second feedback statement of the
-- same transaction locks more per-sample rows, but every other transaction
-- wanting those rows first waits for the family rows this one holds.
-- A statement that changes no counter (a progress report, an adapter's new
-- description) locks no counter row.

CREATE TABLE metrics_counters (
  name   text PRIMARY KEY,
  value  bigint NOT NULL DEFAULT 0
);

-- Feedback per sample (on its audio_id); a row exists while the sample has feedback.
CREATE TABLE sample_feedback_counts (
  audio_id        uuid PRIMARY KEY,
  feedback_count  bigint NOT NULL,
  rating_count    bigint NOT NULL,
  rating_sum      bigint NOT NULL
);

-- Feedback per adapter of the sample it is on; the nil uuid is the base
-- engine (a sample without adapter). Rows stay at zero; reads skip them.
CREATE TABLE adapter_feedback_counts (
  adapter_key     uuid PRIMARY KEY,
  feedback_count  bigint NOT NULL,
  rating_count    bigint NOT NULL,
  rating_sum      bigint NOT NULL
);

-- Adds deltas[i] to counter names[i], in name order, skipping zeros (a
-- statement that changes nothing locks nothing). For 0004's triggers too.
CREATE FUNCTION metrics_counters_add(names text[], deltas bigint[]) RETURNS void
  LANGUAGE sql AS $$
    INSERT INTO metrics_counters AS m (name, value)
      SELECT n, sum(d) FROM unnest(names, deltas) AS t(n, d) GROUP BY n HAVING sum(d) <> 0 ORDER BY n
    ON CONFLICT (name) DO UPDATE SET value = m.value + EXCLUDED.value
  $$;

-- Has feedback / has a rating / average rating >= 4, of one sample's counts.
CREATE FUNCTION sample_feedback_flags(feedback_count bigint, rating_count bigint, rating_sum bigint,
                                      OUT with_feedback int, OUT rated int, OUT high_rated int)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (feedback_count > 0)::int, (rating_count > 0)::int,
               (rating_count > 0 AND rating_sum >= 4 * rating_count)::int $$;

CREATE FUNCTION feedback_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sign bigint := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
  audio uuid[];
  rating integer[];
  preferred boolean[];
  tagged boolean[];
  d record;
  s record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(audio_id), array_agg(f.rating), array_agg(preferred_over IS NOT NULL),
           array_agg(tags <> '[]'::jsonb)
      INTO audio, rating, preferred, tagged FROM new_rows f;
  ELSE
    SELECT array_agg(audio_id), array_agg(f.rating), array_agg(preferred_over IS NOT NULL),
           array_agg(tags <> '[]'::jsonb)
      INTO audio, rating, preferred, tagged FROM old_rows f;
  END IF;
  IF audio IS NULL THEN
    RETURN NULL;  -- no rows: no counter changes, no lock
  END IF;
  -- The family lock (see the lock order above).
  PERFORM 1 FROM metrics_counters
    WHERE name IN ('feedback_total', 'high_rated_samples', 'preferences', 'rated_samples', 'rating_1',
                   'rating_2', 'rating_3', 'rating_4', 'rating_5', 'ratings_count', 'ratings_sum',
                   'samples_with_feedback', 'tagged')
    ORDER BY name FOR UPDATE;
  SELECT count(*) AS n, count(r) AS rn, coalesce(sum(r), 0) AS rs,
         count(*) FILTER (WHERE r = 1) AS r1, count(*) FILTER (WHERE r = 2) AS r2,
         count(*) FILTER (WHERE r = 3) AS r3, count(*) FILTER (WHERE r = 4) AS r4,
         count(*) FILTER (WHERE r = 5) AS r5,
         count(*) FILTER (WHERE p) AS prefs, count(*) FILTER (WHERE t) AS tags
    INTO d FROM unnest(rating, preferred, tagged) AS u(r, p, t);
  WITH delta AS (
    SELECT a AS audio_id, count(*) * sign AS n, count(r) * sign AS rn, coalesce(sum(r), 0) * sign AS rs
      FROM unnest(audio, rating) AS u(a, r) GROUP BY a),
  updated AS (
    INSERT INTO sample_feedback_counts AS c (audio_id, feedback_count, rating_count, rating_sum)
      SELECT audio_id, n, rn, rs FROM delta ORDER BY audio_id
    ON CONFLICT (audio_id) DO UPDATE
      SET feedback_count = c.feedback_count + EXCLUDED.feedback_count,
          rating_count = c.rating_count + EXCLUDED.rating_count,
          rating_sum = c.rating_sum + EXCLUDED.rating_sum
    RETURNING c.audio_id, c.feedback_count, c.rating_count, c.rating_sum)
  SELECT coalesce(sum(nw.with_feedback - od.with_feedback), 0) AS with_feedback,
         coalesce(sum(nw.rated - od.rated), 0) AS rated,
         coalesce(sum(nw.high_rated - od.high_rated), 0) AS high_rated
    INTO s
    FROM updated JOIN delta USING (audio_id)
   CROSS JOIN LATERAL sample_feedback_flags(updated.feedback_count, updated.rating_count, updated.rating_sum) nw
   CROSS JOIN LATERAL sample_feedback_flags(updated.feedback_count - delta.n, updated.rating_count - delta.rn,
                                            updated.rating_sum - delta.rs) od;
  IF sign < 0 THEN
    DELETE FROM sample_feedback_counts WHERE audio_id = ANY (audio) AND feedback_count = 0;
  END IF;
  INSERT INTO adapter_feedback_counts AS c (adapter_key, feedback_count, rating_count, rating_sum)
    SELECT coalesce(a.adapter_id, '00000000-0000-0000-0000-000000000000'::uuid), count(*) * sign,
           count(u.r) * sign, coalesce(sum(u.r), 0) * sign
      FROM unnest(audio, rating) AS u(id, r) JOIN audio_samples a ON a.id = u.id
     GROUP BY 1 ORDER BY 1
  ON CONFLICT (adapter_key) DO UPDATE
    SET feedback_count = c.feedback_count + EXCLUDED.feedback_count,
        rating_count = c.rating_count + EXCLUDED.rating_count,
        rating_sum = c.rating_sum + EXCLUDED.rating_sum;
  PERFORM metrics_counters_add(
    ARRAY['feedback_total', 'ratings_count', 'ratings_sum', 'rating_1', 'rating_2', 'rating_3',
          'rating_4', 'rating_5', 'preferences', 'tagged', 'samples_with_feedback', 'rated_samples',
          'high_rated_samples'],
    ARRAY[d.n * sign, d.rn * sign, d.rs * sign, d.r1 * sign, d.r2 * sign, d.r3 * sign, d.r4 * sign,
          d.r5 * sign, d.prefs * sign, d.tags * sign, s.with_feedback, s.rated, s.high_rated]::bigint[]);
  RETURN NULL;
END $$;

CREATE TRIGGER feedback_metrics_insert AFTER INSERT ON feedback
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION feedback_metrics();
CREATE TRIGGER feedback_metrics_delete AFTER DELETE ON feedback
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION feedback_metrics();

-- ---- samples of live jobs ----
CREATE FUNCTION audio_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT count(*) INTO n FROM new_rows a JOIN generation_jobs j ON j.id = a.job_id
     WHERE j.deleted_at IS NULL;
  ELSE  -- purge deletes only trashed jobs' samples, which no longer count
    SELECT -count(*) INTO n FROM old_rows a JOIN generation_jobs j ON j.id = a.job_id
     WHERE j.deleted_at IS NULL;
  END IF;
  PERFORM metrics_counters_add(ARRAY['live_samples'], ARRAY[n]);
  RETURN NULL;
END $$;

CREATE TRIGGER audio_metrics_insert AFTER INSERT ON audio_samples
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audio_metrics();
CREATE TRIGGER audio_metrics_delete AFTER DELETE ON audio_samples
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION audio_metrics();

-- A job's delete or restore takes its samples out of, or back into, the
-- count. Runs after jobs_count_update (trigger names fire in order), so the
-- lock order job_counters -> live_samples holds.
CREATE FUNCTION jobs_sample_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  SELECT coalesce(sum(CASE WHEN nw.deleted_at IS NULL THEN 1 ELSE -1 END
                      * (SELECT count(*) FROM audio_samples a WHERE a.job_id = nw.id)), 0)
    INTO n
    FROM new_rows nw JOIN old_rows od ON od.id = nw.id
   WHERE (od.deleted_at IS NULL) <> (nw.deleted_at IS NULL);
  PERFORM metrics_counters_add(ARRAY['live_samples'], ARRAY[n]);
  RETURN NULL;
END $$;

CREATE TRIGGER jobs_sample_metrics AFTER UPDATE ON generation_jobs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION jobs_sample_metrics();

-- ---- adapters: live, and live and active (is_active) ----
CREATE FUNCTION adapters_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  live bigint := 0;
  active bigint := 0;
  n bigint;
  a bigint;
BEGIN
  IF TG_OP <> 'DELETE' THEN
    SELECT count(*), count(*) FILTER (WHERE is_active) INTO n, a FROM new_rows WHERE deleted_at IS NULL;
    live := live + n;
    active := active + a;
  END IF;
  IF TG_OP <> 'INSERT' THEN  -- purge deletes only trashed adapters
    SELECT count(*), count(*) FILTER (WHERE is_active) INTO n, a FROM old_rows WHERE deleted_at IS NULL;
    live := live - n;
    active := active - a;
  END IF;
  PERFORM metrics_counters_add(ARRAY['adapters_active', 'adapters_live'], ARRAY[active, live]);
  RETURN NULL;
END $$;

CREATE TRIGGER adapters_metrics_insert AFTER INSERT ON adapters
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION adapters_metrics();
CREATE TRIGGER adapters_metrics_update AFTER UPDATE ON adapters
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION adapters_metrics();
CREATE TRIGGER adapters_metrics_delete AFTER DELETE ON adapters
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION adapters_metrics();

-- ---- backfill from the rows already there (this migration's transaction) ----
INSERT INTO sample_feedback_counts (audio_id, feedback_count, rating_count, rating_sum)
  SELECT audio_id, count(*), count(rating), coalesce(sum(rating), 0) FROM feedback GROUP BY audio_id;

INSERT INTO adapter_feedback_counts (adapter_key, feedback_count, rating_count, rating_sum)
  SELECT coalesce(s.adapter_id, '00000000-0000-0000-0000-000000000000'::uuid), count(*), count(f.rating),
         coalesce(sum(f.rating), 0)
    FROM feedback f JOIN audio_samples s ON s.id = f.audio_id GROUP BY 1;

INSERT INTO metrics_counters (name, value)
  SELECT 'feedback_total', count(*) FROM feedback
  UNION ALL SELECT 'ratings_count', count(rating) FROM feedback
  UNION ALL SELECT 'ratings_sum', coalesce(sum(rating), 0) FROM feedback
  UNION ALL SELECT 'rating_' || r, (SELECT count(*) FROM feedback WHERE rating = r) FROM generate_series(1, 5) r
  UNION ALL SELECT 'preferences', count(preferred_over) FROM feedback
  UNION ALL SELECT 'tagged', count(*) FILTER (WHERE tags <> '[]'::jsonb) FROM feedback
  UNION ALL SELECT 'samples_with_feedback', count(*) FROM sample_feedback_counts
  UNION ALL SELECT 'rated_samples', count(*) FILTER (WHERE rating_count > 0) FROM sample_feedback_counts
  UNION ALL SELECT 'high_rated_samples', count(*) FILTER (WHERE rating_count > 0 AND rating_sum >= 4 * rating_count)
              FROM sample_feedback_counts
  UNION ALL SELECT 'live_samples', count(*) FROM live_audio_samples
  UNION ALL SELECT 'adapters_live', count(*) FROM live_adapters
  UNION ALL SELECT 'adapters_active', count(*) FILTER (WHERE is_active) FROM live_adapters
  UNION ALL SELECT unnest(ARRAY['datasets_live', 'datasets_exported', 'runs_total', 'runs_running']), 0;
