-- The overview's dataset and training counters (metrics_counters of 0003):
-- datasets_live, datasets_exported (live and exported at least once),
-- runs_total and runs_running (queued or running), counting the runs of
-- live experiments only. Kept by triggers in the transaction of every
-- change, like the rest, so GET /metrics/overview never counts a table.

CREATE TRIGGER datasets_metrics_insert AFTER INSERT ON datasets
BEGIN
  UPDATE metrics_counters SET value = value + (NEW.deleted_at IS NULL) WHERE name = 'datasets_live';
  UPDATE metrics_counters SET value = value + (NEW.deleted_at IS NULL AND NEW.exported_at IS NOT NULL)
   WHERE name = 'datasets_exported';
END;

CREATE TRIGGER datasets_metrics_update AFTER UPDATE OF deleted_at, exported_at ON datasets
BEGIN
  UPDATE metrics_counters SET value = value + (NEW.deleted_at IS NULL) - (OLD.deleted_at IS NULL)
   WHERE name = 'datasets_live';
  UPDATE metrics_counters
     SET value = value + (NEW.deleted_at IS NULL AND NEW.exported_at IS NOT NULL)
                       - (OLD.deleted_at IS NULL AND OLD.exported_at IS NOT NULL)
   WHERE name = 'datasets_exported';
END;

CREATE TRIGGER datasets_metrics_delete AFTER DELETE ON datasets
BEGIN
  UPDATE metrics_counters SET value = value - (OLD.deleted_at IS NULL) WHERE name = 'datasets_live';
  UPDATE metrics_counters SET value = value - (OLD.deleted_at IS NULL AND OLD.exported_at IS NOT NULL)
   WHERE name = 'datasets_exported';
END;

-- A run counts while its experiment is live.
CREATE TRIGGER runs_metrics_insert AFTER INSERT ON training_runs
WHEN (SELECT deleted_at IS NULL FROM experiments WHERE id = NEW.experiment_id)
BEGIN
  UPDATE metrics_counters SET value = value + 1 WHERE name = 'runs_total';
  UPDATE metrics_counters SET value = value + (NEW.status IN ('queued', 'running')) WHERE name = 'runs_running';
END;

CREATE TRIGGER runs_metrics_status AFTER UPDATE OF status ON training_runs
WHEN (SELECT deleted_at IS NULL FROM experiments WHERE id = NEW.experiment_id)
BEGIN
  UPDATE metrics_counters
     SET value = value + (NEW.status IN ('queued', 'running')) - (OLD.status IN ('queued', 'running'))
   WHERE name = 'runs_running';
END;

CREATE TRIGGER runs_metrics_delete AFTER DELETE ON training_runs
WHEN (SELECT deleted_at IS NULL FROM experiments WHERE id = OLD.experiment_id)
BEGIN
  UPDATE metrics_counters SET value = value - 1 WHERE name = 'runs_total';
  UPDATE metrics_counters SET value = value - (OLD.status IN ('queued', 'running')) WHERE name = 'runs_running';
END;

-- Trashing an experiment takes its runs out of the counts, restoring it
-- puts them back (runs_by_experiment serves both counts).
CREATE TRIGGER experiments_metrics_trash AFTER UPDATE OF deleted_at ON experiments
WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
BEGIN
  UPDATE metrics_counters
     SET value = value + CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END *
                 (SELECT COUNT(*) FROM training_runs WHERE experiment_id = NEW.id)
   WHERE name = 'runs_total';
  UPDATE metrics_counters
     SET value = value + CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END *
                 (SELECT COUNT(*) FROM training_runs WHERE experiment_id = NEW.id
                     AND status IN ('queued', 'running'))
   WHERE name = 'runs_running';
END;

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
