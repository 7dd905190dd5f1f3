-- The overview's dataset and training counters (metrics_counters of 0003),
-- as in the SQLite migration of the same number: datasets_live,
-- datasets_exported, runs_total and runs_running (runs of live
-- experiments only), kept by row triggers through metrics_counters_add
-- (which locks the counters in name order, as every other counter trigger does).

CREATE FUNCTION dataset_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  live_delta int := 0;
  exported_delta int := 0;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    live_delta := live_delta - (OLD.deleted_at IS NULL)::int;
    exported_delta := exported_delta - (OLD.deleted_at IS NULL AND OLD.exported_at IS NOT NULL)::int;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    live_delta := live_delta + (NEW.deleted_at IS NULL)::int;
    exported_delta := exported_delta + (NEW.deleted_at IS NULL AND NEW.exported_at IS NOT NULL)::int;
  END IF;
  PERFORM metrics_counters_add(ARRAY['datasets_exported', 'datasets_live'], ARRAY[exported_delta, live_delta]::bigint[]);
  RETURN NULL;
END $$;
CREATE TRIGGER datasets_metrics AFTER INSERT OR DELETE OR UPDATE OF deleted_at, exported_at ON datasets
  FOR EACH ROW EXECUTE FUNCTION dataset_metrics();

CREATE FUNCTION run_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  total_delta int := 0;
  running_delta int := 0;
  experiment uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.experiment_id ELSE NEW.experiment_id END;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM experiments WHERE id = experiment AND deleted_at IS NULL) THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    total_delta := total_delta - 1;
    running_delta := running_delta - (OLD.status IN ('queued', 'running'))::int;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    total_delta := total_delta + 1;
    running_delta := running_delta + (NEW.status IN ('queued', 'running'))::int;
  END IF;
  PERFORM metrics_counters_add(ARRAY['runs_running', 'runs_total'], ARRAY[running_delta, total_delta]::bigint[]);
  RETURN NULL;
END $$;
CREATE TRIGGER runs_metrics AFTER INSERT OR DELETE OR UPDATE OF status ON training_runs
  FOR EACH ROW EXECUTE FUNCTION run_metrics();

-- Trashing an experiment takes its runs out of the counts, restoring it
-- puts them back.
CREATE FUNCTION experiment_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sign int := CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END;
BEGIN
  IF (OLD.deleted_at IS NULL) = (NEW.deleted_at IS NULL) THEN
    RETURN NULL;
  END IF;
  PERFORM metrics_counters_add(
      ARRAY['runs_running', 'runs_total'],
      ARRAY[sign * (SELECT COUNT(*) FROM training_runs WHERE experiment_id = NEW.id
                      AND status IN ('queued', 'running')),
            sign * (SELECT COUNT(*) FROM training_runs WHERE experiment_id = NEW.id)]::bigint[]);
  RETURN NULL;
END $$;
CREATE TRIGGER experiments_metrics AFTER UPDATE OF deleted_at ON experiments
  FOR EACH ROW EXECUTE FUNCTION experiment_metrics();

UPDATE metrics_counters SET value = (SELECT COUNT(*) FROM datasets WHERE deleted_at IS NULL)
 WHERE name = 'datasets_live';
UPDATE metrics_counters
   SET value = (SELECT COUNT(*) FROM datasets WHERE deleted_at IS NULL AND exported_at IS NOT NULL)
 WHERE name = 'datasets_exported';
UPDATE metrics_counters
   SET value = (SELECT COUNT(*) FROM training_runs r JOIN experiments e ON e.id = r.experiment_id
                 WHERE e.deleted_at IS NULL)
 WHERE name = 'runs_total';
UPDATE metrics_counters
   SET value = (SELECT COUNT(*) FROM training_runs r JOIN experiments e ON e.id = r.experiment_id
                 WHERE e.deleted_at IS NULL AND r.status IN ('queued', 'running'))
 WHERE name = 'runs_running';
