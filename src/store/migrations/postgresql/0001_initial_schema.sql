-- Song Studio schema, PostgreSQL 15: the same tables, views and rules as
-- migrations/sqlite/0001_initial_schema.sql, in native types.
--
-- Ids are uuid; times are timestamptz (microsecond resolution, like the
-- store's Micros). The store binds and reads times as bigint microseconds
-- through micros_to_ts / ts_to_micros below, which are exact to the
-- microsecond (no floating-point seconds on the way).
--
-- JSON: prompts.attributes and adapters.config stay text holding JSON, as on
-- SQLite, so a config is read back byte for byte as it was written (jsonb
-- would reorder keys and respace it). feedback.tags is jsonb because the
-- feedback list filters on it ("has any of these tags": ?| ), and jsonb
-- keeps array order.
--
-- Live rows: jobs and adapters are soft-deleted (deleted_at). Every default
-- read goes through the live_* views below, so the "not deleted" filter is
-- written once, here. Partial indexes WHERE deleted_at IS NULL serve them.

CREATE FUNCTION micros_to_ts(bigint) RETURNS timestamptz
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT timestamptz '1970-01-01 00:00:00+00' + $1 * interval '1 microsecond' $$;
-- extract(epoch ...) is numeric since PostgreSQL 14, so this is exact too.
-- Both are STABLE like the operators in them, so the planner inlines them.
CREATE FUNCTION ts_to_micros(timestamptz) RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT (extract(epoch FROM $1) * 1000000)::bigint $$;

CREATE TABLE prompts (
  id          uuid PRIMARY KEY,
  text        text NOT NULL,
  attributes  text NOT NULL DEFAULT '{}',   -- JSON object
  created_at  timestamptz NOT NULL
);
CREATE INDEX prompts_by_created ON prompts (created_at, id);

CREATE TABLE adapters (
  id               uuid PRIMARY KEY,
  name             text NOT NULL,
  description      text,
  base_model       text NOT NULL,
  storage_path     text,
  config           text NOT NULL DEFAULT '{}',  -- JSON object, engine style
  is_active        boolean NOT NULL DEFAULT true,
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  current_version  text,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  deleted_at       timestamptz
);
-- A name is unique among live adapters only: "lofi" may be reused once deleted.
CREATE UNIQUE INDEX adapters_live_name ON adapters (name) WHERE deleted_at IS NULL;
CREATE INDEX adapters_live_by_created ON adapters (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX adapters_by_created ON adapters (created_at, id);

CREATE TABLE generation_jobs (
  id                uuid PRIMARY KEY,
  prompt_id         uuid NOT NULL REFERENCES prompts (id),
  adapter_id        uuid REFERENCES adapters (id),
  status            text NOT NULL
                    CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
  progress          double precision NOT NULL DEFAULT 0,
  num_samples       integer NOT NULL CHECK (num_samples BETWEEN 1 AND 4),
  error             text,
  seed              bigint NOT NULL,
  temperature       double precision NOT NULL,
  top_k             integer NOT NULL,
  top_p             double precision NOT NULL,
  duration          integer NOT NULL,
  created_at        timestamptz NOT NULL,
  completed_at      timestamptz,
  deleted_at        timestamptz,
  claimed_by        text,         -- worker id holding the job while processing
  lease_expires_at  timestamptz   -- the claim is void after this time
);
CREATE INDEX jobs_live_by_created ON generation_jobs (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX jobs_live_by_status ON generation_jobs (status, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX jobs_live_by_adapter ON generation_jobs (adapter_id, created_at, id)
  WHERE deleted_at IS NULL;
-- The queue: only the few queued/processing live jobs, in claim order, so a
-- claim reads the oldest candidates first however many finished jobs exist.
CREATE INDEX jobs_queue ON generation_jobs (created_at)
  WHERE deleted_at IS NULL AND status IN ('queued', 'processing');
CREATE INDEX jobs_by_created ON generation_jobs (created_at, id);
CREATE INDEX jobs_by_adapter ON generation_jobs (adapter_id);
CREATE INDEX jobs_by_prompt ON generation_jobs (prompt_id);  -- foreign key checks

-- A job's samples, in label order, are one range of the primary key.
-- Lookups by id go through the unique index on id.
CREATE TABLE audio_samples (
  job_id            uuid NOT NULL REFERENCES generation_jobs (id),
  sample_index      integer NOT NULL,
  id                uuid NOT NULL UNIQUE,
  prompt_id         uuid NOT NULL REFERENCES prompts (id),
  adapter_id        uuid REFERENCES adapters (id),
  storage_path      text NOT NULL,
  duration_seconds  double precision NOT NULL,
  sample_rate       integer NOT NULL,
  created_at        timestamptz NOT NULL,
  PRIMARY KEY (job_id, sample_index)
);

CREATE TABLE feedback (
  id                uuid PRIMARY KEY,
  audio_id          uuid NOT NULL REFERENCES audio_samples (id),
  rating            integer CHECK (rating BETWEEN 1 AND 5),
  rating_criterion  text NOT NULL DEFAULT 'overall',
  preferred_over    uuid REFERENCES audio_samples (id),
  tags              jsonb NOT NULL DEFAULT '[]',  -- array of strings
  notes             text,
  created_at        timestamptz NOT NULL,
  CHECK (jsonb_typeof(tags) = 'array'),
  CHECK (preferred_over IS NULL OR preferred_over <> audio_id),
  CHECK (rating IS NOT NULL OR preferred_over IS NOT NULL OR tags <> '[]'::jsonb)
);
CREATE INDEX feedback_by_audio ON feedback (audio_id, created_at);
CREATE INDEX feedback_by_preferred ON feedback (preferred_over) WHERE preferred_over IS NOT NULL;
CREATE INDEX feedback_by_created ON feedback (created_at, id);

CREATE VIEW live_jobs AS SELECT * FROM generation_jobs WHERE deleted_at IS NULL;
CREATE VIEW live_adapters AS SELECT * FROM adapters WHERE deleted_at IS NULL;
-- A sample is live while its job is.
CREATE VIEW live_audio_samples AS
  SELECT a.* FROM audio_samples a JOIN generation_jobs j ON j.id = a.job_id
  WHERE j.deleted_at IS NULL;

-- Live job counts per status, kept exact by triggers in the same transaction
-- as every insert and update, so list totals and stats never count the table.
-- processing_ms sums completed_at - created_at over live completed jobs.
--
-- ONE row holds every count. A status change moves a job between two counts;
-- with a row per status, two transactions moving jobs in opposite directions
-- (queued->processing and processing->queued) would lock the two rows in
-- opposite orders and could deadlock. One row has no order to get wrong.
-- The triggers are per statement (transition tables), so a statement that
-- changes many jobs (the start-up requeue) locks the row once, after all its
-- job rows, and a statement that changes no count (a progress report) does
-- not touch it at all.
CREATE TABLE job_counters (
  id             integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  queued         bigint NOT NULL DEFAULT 0,
  processing     bigint NOT NULL DEFAULT 0,
  completed      bigint NOT NULL DEFAULT 0,
  failed         bigint NOT NULL DEFAULT 0,
  cancelled      bigint NOT NULL DEFAULT 0,
  processing_ms  bigint NOT NULL DEFAULT 0
);
INSERT INTO job_counters (id) VALUES (1);

-- Live jobs per UTC day of created_at, for "jobs today" without counting rows.
CREATE TABLE job_day_counters (
  day         date PRIMARY KEY,
  live_count  bigint NOT NULL DEFAULT 0
);

-- Completed processing time of one job row, in ms (0 unless completed).
CREATE FUNCTION job_processing_ms(status text, created_at timestamptz,
                                  completed_at timestamptz) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN status = 'completed' AND completed_at IS NOT NULL
                THEN round(extract(epoch FROM completed_at - created_at) * 1000)::bigint
                ELSE 0 END
  $$;

-- Adds to the one counters row; does not touch it when nothing changes.
CREATE FUNCTION job_counters_add(q bigint, p bigint, c bigint, f bigint, x bigint, ms bigint)
  RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF q <> 0 OR p <> 0 OR c <> 0 OR f <> 0 OR x <> 0 OR ms <> 0 THEN
    UPDATE job_counters
       SET queued = queued + q, processing = processing + p, completed = completed + c,
           failed = failed + f, cancelled = cancelled + x, processing_ms = processing_ms + ms
     WHERE id = 1;
  END IF;
END $$;

-- Lock order in both triggers is fixed: the statement's own job rows, then
-- the job_counters row, then day rows in day order (INSERT ... ON CONFLICT
-- creates a day's row on its first job).
CREATE FUNCTION jobs_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d record;
BEGIN
  SELECT count(*) FILTER (WHERE status = 'queued') AS q,
         count(*) FILTER (WHERE status = 'processing') AS p,
         count(*) FILTER (WHERE status = 'completed') AS c,
         count(*) FILTER (WHERE status = 'failed') AS f,
         count(*) FILTER (WHERE status = 'cancelled') AS x,
         coalesce(sum(job_processing_ms(status, created_at, completed_at)), 0)::bigint AS ms
    INTO d
    FROM new_rows WHERE deleted_at IS NULL;
  PERFORM job_counters_add(d.q, d.p, d.c, d.f, d.x, d.ms);
  INSERT INTO job_day_counters (day, live_count)
    SELECT (created_at AT TIME ZONE 'UTC')::date, count(*)
      FROM new_rows WHERE deleted_at IS NULL GROUP BY 1 ORDER BY 1
    ON CONFLICT (day) DO UPDATE SET live_count = job_day_counters.live_count + EXCLUDED.live_count;
  RETURN NULL;
END $$;

CREATE FUNCTION jobs_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d record;
BEGIN
  WITH delta AS (
    SELECT status, created_at, completed_at, 1 AS sign FROM new_rows WHERE deleted_at IS NULL
    UNION ALL
    SELECT status, created_at, completed_at, -1 FROM old_rows WHERE deleted_at IS NULL)
  SELECT coalesce(sum(sign) FILTER (WHERE status = 'queued'), 0)::bigint AS q,
         coalesce(sum(sign) FILTER (WHERE status = 'processing'), 0)::bigint AS p,
         coalesce(sum(sign) FILTER (WHERE status = 'completed'), 0)::bigint AS c,
         coalesce(sum(sign) FILTER (WHERE status = 'failed'), 0)::bigint AS f,
         coalesce(sum(sign) FILTER (WHERE status = 'cancelled'), 0)::bigint AS x,
         coalesce(sum(sign * job_processing_ms(status, created_at, completed_at)), 0)::bigint AS ms
    INTO d
    FROM delta;
  PERFORM job_counters_add(d.q, d.p, d.c, d.f, d.x, d.ms);
  INSERT INTO job_day_counters (day, live_count)
    SELECT day, n::bigint FROM (
      SELECT (created_at AT TIME ZONE 'UTC')::date AS day, sum(sign) AS n FROM (
        SELECT created_at, 1 AS sign FROM new_rows WHERE deleted_at IS NULL
        UNION ALL
        SELECT created_at, -1 FROM old_rows WHERE deleted_at IS NULL) t
      GROUP BY 1) per_day
     WHERE n <> 0 ORDER BY day
    ON CONFLICT (day) DO UPDATE SET live_count = job_day_counters.live_count + EXCLUDED.live_count;
  RETURN NULL;
END $$;

CREATE TRIGGER jobs_count_insert AFTER INSERT ON generation_jobs
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_insert();
CREATE TRIGGER jobs_count_update AFTER UPDATE ON generation_jobs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_update();
