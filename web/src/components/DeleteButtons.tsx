import { useRef, useState, type ReactNode } from 'react';
import { api, errorText, isRunActive, type DatasetAffected, type Experiment, type Feedback, type Job, type Run } from '../api';
import { plural } from '../format';
import { ConfirmDialog } from './ConfirmDialog';
import { useUndo } from './UndoNotice';

// A button for a destructive action that, when pressed, first asks the server
// what it would do (`describe`: a delete preview or a dry run), then opens a
// ConfirmDialog with that message. Nothing changes until the dialog's confirm
// button is pressed; then `remove` runs once and `onDeleted` is called. When
// `describe` fails, its detail is shown next to the button and no dialog opens.
export function DeleteButton(props: {
  buttonLabel: string;
  title: string;
  confirmLabel: string;
  describe: () => Promise<ReactNode>;
  remove: () => Promise<void>;
  onDeleted: () => void;
  disabled?: boolean;
}) {
  const { describe, remove, onDeleted } = props;
  const [message, setMessage] = useState<ReactNode | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function open() {
    setLoading(true);
    setError(null);
    try {
      setMessage(await describe());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoading(false);
    }
  }

  return (
    <>
      <button type="button" className="danger-outline" onClick={open} disabled={loading || props.disabled}>
        {loading ? 'Checking…' : props.buttonLabel}
      </button>
      {error && <span className="error inline" role="alert">{error}</span>}
      {message !== null && (
        <ConfirmDialog
          title={props.title}
          confirmLabel={props.confirmLabel}
          onCancel={() => setMessage(null)}
          onConfirm={async () => {
            await remove();
            setMessage(null);
            onDeleted();
          }}>
          {message}
        </ConfirmDialog>
      )}
    </>
  );
}

// "Delete selected (N)" for a list's selected rows: `describe` gets the ids
// (for a dry run) when the dialog opens, and `remove` the same ids, even if
// the list reloads in between.
export function DeleteSelectedButton({ ids, one, confirmLabel, describe, remove, onDeleted }: {
  ids: string[];
  one: string; // "job": the dialog's title counts "selected jobs"
  confirmLabel: string;
  describe: (ids: string[]) => Promise<ReactNode>;
  remove: (ids: string[]) => Promise<void>;
  onDeleted: () => void;
}) {
  const pending = useRef<string[]>([]);
  return (
    <DeleteButton
      buttonLabel={`Delete selected (${ids.length})`}
      disabled={ids.length === 0}
      title={`Delete ${plural(ids.length, `selected ${one}`)}?`}
      confirmLabel={confirmLabel}
      describe={() => describe((pending.current = ids))}
      remove={() => remove(pending.current)}
      onDeleted={onDeleted} />
  );
}

// The datasets a hard delete of feedback takes members from (a preview's or a
// dry run's `datasets_affected`); nothing at all when there are none.
export function DatasetsAffected({ datasets }: { datasets?: DatasetAffected[] }) {
  if (!datasets?.length) return null;
  return (
    <>
      <p>The feedback leaves {plural(datasets.length, 'dataset')}:</p>
      <ul className="counts" aria-label="Datasets affected">
        {datasets.map((d) => <li key={d.id}>“{d.name}” loses {plural(d.members_removed, 'member')}</li>)}
      </ul>
    </>
  );
}

// The single deletes. Jobs, adapters, datasets and experiments go to the
// trash, so after one the Undo notice offers `restore` (its `restored` text
// once done); feedback and runs are gone for good.
const deleteOf = (what: string, buttonLabel = `Delete ${what}`) => ({ buttonLabel, title: `Delete this ${what}?`, confirmLabel: `Delete ${what}` });

function TrashDeleteButton({ what, describe, remove, restore, restored, onDeleted }: {
  what: string; describe: () => Promise<ReactNode>; remove: () => Promise<unknown>; restore: () => Promise<unknown>;
  restored?: string; onDeleted: () => void;
}) {
  const { offer } = useUndo();
  const What = what[0].toUpperCase() + what.slice(1);
  return (
    <DeleteButton
      {...deleteOf(what)}
      describe={describe}
      remove={async () => { await remove(); }}
      onDeleted={() => {
        offer({ message: `${What} deleted`, undo: async () => { await restore(); }, restored: restored ?? `${What} restored.` });
        onDeleted();
      }}
    />
  );
}

export function DeleteJobButton({ job, onDeleted }: { job: Pick<Job, 'id'>; onDeleted: () => void }) {
  return (
    <TrashDeleteButton
      what="job"
      describe={async () => {
        const p = await api.jobDeletePreview(job.id);
        return (
          <>
            <p>This deletes the job and permanently removes its {plural(p.feedback_count, 'feedback record')}.</p>
            {p.will_cancel && <p>The job is {p.status} and will be cancelled first.</p>}
            <DatasetsAffected datasets={p.datasets_affected} />
          </>
        );
      }}
      remove={() => api.deleteJob(job.id)}
      restore={() => api.restoreJob(job.id)}
      onDeleted={onDeleted}
    />
  );
}

export function DeleteAdapterButton({ adapterId, onDeleted }: { adapterId: string; onDeleted: () => void }) {
  return (
    <TrashDeleteButton
      what="adapter"
      describe={async () => {
        const p = await api.adapterDeletePreview(adapterId);
        return (
          <p>
            {plural(p.jobs_count, 'job')} used this adapter. They stay, and will show 'Deleted Adapter'. It can no
            longer be used for new generations.
          </p>
        );
      }}
      remove={() => api.deleteAdapter(adapterId)}
      restore={() => api.restoreAdapter(adapterId)}
      restored="Adapter restored, inactive: activate it to offer it for new generations."
      onDeleted={onDeleted}
    />
  );
}

export function DeleteDatasetButton({ datasetId, onDeleted }: { datasetId: string; onDeleted: () => void }) {
  return (
    <TrashDeleteButton
      what="dataset"
      describe={async () => {
        const p = await api.datasetDeletePreview(datasetId);
        return (
          <>
            <p>
              {plural(p.experiments, 'experiment')} {p.experiments === 1 ? 'uses it; its' : 'use it; their'} {plural(p.runs, 'run')} will
              show 'Deleted Dataset', and no new run can train on it.
            </p>
            <p>Its {plural(p.sample_count, 'member')} stay as feedback. It goes to the trash and can be restored.</p>
          </>
        );
      }}
      remove={() => api.deleteDataset(datasetId)}
      restore={() => api.restoreDataset(datasetId)}
      onDeleted={onDeleted}
    />
  );
}

export function DeleteExperimentButton({ experiment, onDeleted }: { experiment: Pick<Experiment, 'id' | 'run_count'>; onDeleted: () => void }) {
  return (
    <TrashDeleteButton
      what="experiment"
      describe={async () => (
        <p>
          This deletes the experiment and its {plural(experiment.run_count, 'run')}; the adapters they trained stay. It goes to
          the trash and can be restored.
        </p>
      )}
      remove={() => api.deleteExperiment(experiment.id)}
      restore={() => api.restoreExperiment(experiment.id)}
      onDeleted={onDeleted}
    />
  );
}

export function DeleteFeedbackButton({ feedback, onDeleted }: { feedback: Pick<Feedback, 'id'>; onDeleted: () => void }) {
  return (
    <DeleteButton
      {...deleteOf('feedback', 'Delete')}
      describe={async () => {
        const p = await api.feedbackDeletePreview(feedback.id);
        return <><p>This permanently deletes this feedback.</p><DatasetsAffected datasets={p.datasets_affected} /></>;
      }}
      remove={async () => { await api.deleteFeedback(feedback.id); }}
      onDeleted={onDeleted}
    />
  );
}

// A run is deleted for good, and cancelled first when it is queued or running.
export function DeleteRunButton({ run, onDeleted }: { run: Pick<Run, 'id' | 'experiment_id' | 'name' | 'status'>; onDeleted: () => void }) {
  return (
    <DeleteButton
      {...deleteOf('run')}
      describe={async () => (
        <>
          <p>This deletes the run “{run.name}” and its logs. The adapter it trained stays.</p>
          {isRunActive(run.status) && <p>The run is {run.status} and will be cancelled first.</p>}
        </>
      )}
      remove={async () => { await api.deleteRun(run.experiment_id, run.id); }}
      onDeleted={onDeleted}
    />
  );
}
