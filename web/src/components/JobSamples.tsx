import { useCallback, useEffect, useState } from 'react';
import { api, errorText, type Feedback, type JobFeedback } from '../api';
import { age, sampleLabel } from '../format';
import { DeleteFeedbackButton } from './DeleteButtons';
import { SamplePlayer } from './SamplePlayer';

// The samples of one job: a player per sample (labels A–D), a form to give
// feedback on it, and the feedback it has, each record with a delete action.
// Used by the Generate page once a job has finished and by Job detail.
export function JobSamples({ jobId, audioIds }: { jobId: string; audioIds: string[] }) {
  const [feedback, setFeedback] = useState<JobFeedback | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    api.jobFeedback(jobId).then(setFeedback, (e) => setError(errorText(e)));
  }, [jobId]);
  useEffect(reload, [reload]);

  const labels = new Map(audioIds.map((id, i) => [id, sampleLabel(i)]));
  if (audioIds.length === 0) return <p className="muted">This job has no samples.</p>;

  return (
    <div className="samples">
      {error && <p className="error">{error}</p>}
      {audioIds.map((id, i) => {
        const label = sampleLabel(i);
        const records = feedback?.samples.find((s) => s.audio_id === id)?.feedback ?? [];
        return (
          <section key={id} className="card sample" aria-label={`Sample ${label}`}>
            <h3>Sample {label}</h3>
            <SamplePlayer audioId={id} label={label} />
            <FeedbackForm audioId={id} label={label} others={audioIds.filter((o) => o !== id).map((o) => [o, labels.get(o)!])}
              onSaved={reload} />
            <h4>Feedback on {label}</h4>
            {feedback === null ? <p className="muted">Loading feedback…</p>
              : records.length === 0 ? <p className="muted">No feedback on this sample yet.</p>
              : (
                <ul className="feedback-list">
                  {records.map((f) => (
                    <li key={f.id}>
                      <FeedbackSummary f={f} label={label} labels={labels} />
                      <DeleteFeedbackButton feedback={f} onDeleted={reload} />
                    </li>
                  ))}
                </ul>
              )}
          </section>
        );
      })}
    </div>
  );
}

// One feedback record in words: "4/5 (overall) · A is better than B · tags · notes".
export function FeedbackSummary({ f, label, labels }: { f: Feedback; label: string; labels: Map<string, string> }) {
  const parts: string[] = [];
  if (f.rating !== null) parts.push(`Rated ${f.rating}/5 (${f.rating_criterion})`);
  if (f.preferred_over) parts.push(`${label} is better than ${labels.get(f.preferred_over) ?? 'another sample'}`);
  if (f.tags.length) parts.push(`Tags: ${f.tags.join(', ')}`);
  if (f.notes) parts.push(`“${f.notes}”`);
  return <span className="feedback-text">{parts.join(' · ')} <span className="muted">{age(f.created_at)}</span></span>;
}

function FeedbackForm({ audioId, label, others, onSaved }: {
  audioId: string; label: string; others: [string, string][]; onSaved: () => void;
}) {
  const [rating, setRating] = useState('');
  const [preferredOver, setPreferredOver] = useState('');
  const [tags, setTags] = useState('');
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const tagList = tags.split(',').map((t) => t.trim()).filter(Boolean);
      await api.createFeedback({
        audio_id: audioId,
        ...(rating && { rating: Number(rating) }),
        ...(preferredOver && { preferred_over: preferredOver }),
        ...(tagList.length && { tags: tagList }),
        ...(notes.trim() && { notes: notes.trim() }),
      });
      setRating('');
      setPreferredOver('');
      setTags('');
      setNotes('');
      setMessage({ text: 'Feedback saved.' });
      onSaved();
    } catch (err) {
      setMessage({ text: errorText(err), error: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="feedback-form" onSubmit={submit} aria-label={`Feedback on ${label}`}>
      <fieldset className="rating">
        <legend>Rating</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className={rating === String(n) ? 'pill selected' : 'pill'}>
            <input type="radio" name={`rating-${audioId}`} value={n} checked={rating === String(n)}
              onChange={() => setRating(String(n))} aria-label={`Rate ${label} ${n} of 5`} />
            {n}
          </label>
        ))}
      </fieldset>
      {others.length > 0 && (
        <label>
          {label} is better than
          <select value={preferredOver} onChange={(e) => setPreferredOver(e.target.value)} aria-label={`${label} is better than`}>
            <option value="">—</option>
            {others.map(([id, l]) => <option key={id} value={id}>{l}</option>)}
          </select>
        </label>
      )}
      <label>
        Tags
        <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="warm, catchy" />
      </label>
      <label className="grow">
        Notes
        <input value={notes} onChange={(e) => setNotes(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>Save feedback on {label}</button>
      {message && <span className={message.error ? 'error inline' : 'ok inline'} role="status">{message.text}</span>}
    </form>
  );
}
