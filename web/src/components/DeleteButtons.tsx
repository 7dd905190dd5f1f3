import { useState, type ReactNode } from 'react';
import { api, errorText, type Feedback, type Job } from '../api';
import { plural } from '../format';
import { ConfirmDialog } from './ConfirmDialog';

// A "Delete" button that, when pressed, first asks the server what the delete
// would do (`describe`), then opens a ConfirmDialog with that message. Nothing
// is deleted until the dialog's confirm button is pressed; then `remove` runs
// once and `onDeleted` is called.
function DeleteButton(props: {
  what: string; // "job", "adapter", "feedback": names the button and the dialog
  buttonLabel?: string;
  describe: () => Promise<ReactNode>;
  remove: () => Promise<void>;
  onDeleted: () => void;
}) {
  const { what, describe, remove, onDeleted } = props;
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
      <button type="button" className="danger-outline" onClick={open} disabled={loading}>
        {loading ? 'Checking…' : (props.buttonLabel ?? 'Delete')}
      </button>
      {error && <span className="error inline" role="alert">{error}</span>}
      {message !== null && (
        <ConfirmDialog
          title={`Delete this ${what}?`}
          confirmLabel={`Delete ${what}`}
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

export function DeleteJobButton({ job, onDeleted }: { job: Pick<Job, 'id'>; onDeleted: () => void }) {
  return (
    <DeleteButton
      what="job"
      buttonLabel="Delete job"
      describe={async () => {
        const p = await api.jobDeletePreview(job.id);
        return (
          <>
            <p>This deletes the job and permanently removes its {plural(p.feedback_count, 'feedback record')}.</p>
            {p.will_cancel && <p>The job is {p.status} and will be cancelled first.</p>}
          </>
        );
      }}
      remove={async () => { await api.deleteJob(job.id); }}
      onDeleted={onDeleted}
    />
  );
}

export function DeleteAdapterButton({ adapterId, onDeleted }: { adapterId: string; onDeleted: () => void }) {
  return (
    <DeleteButton
      what="adapter"
      buttonLabel="Delete adapter"
      describe={async () => {
        const p = await api.adapterDeletePreview(adapterId);
        return (
          <p>
            {plural(p.jobs_count, 'job')} used this adapter. They stay, and will show 'Deleted Adapter'. It can no
            longer be used for new generations.
          </p>
        );
      }}
      remove={async () => { await api.deleteAdapter(adapterId); }}
      onDeleted={onDeleted}
    />
  );
}

export function DeleteFeedbackButton({ feedback, onDeleted }: { feedback: Pick<Feedback, 'id'>; onDeleted: () => void }) {
  return (
    <DeleteButton
      what="feedback"
      describe={async () => <p>This permanently deletes this feedback.</p>}
      remove={async () => { await api.deleteFeedback(feedback.id); }}
      onDeleted={onDeleted}
    />
  );
}
