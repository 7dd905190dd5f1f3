import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, errorText, isActive, type Job, type Prompt } from '../api';
import { ProgressBar, StatusBadge } from '../components/Bits';
import { DeleteJobButton } from '../components/DeleteButtons';
import { JobSamples } from '../components/JobSamples';
import { usePolling } from '../hooks';
import { dateTime } from '../format';

// One job: its prompt and parameters, the players and feedback of its
// samples, and the delete-job action (which returns to the Jobs list, where
// the Undo notice can bring the job back).
export function JobDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [job, setJob] = useState<Job | null>(null);
  const [prompt, setPrompt] = useState<Prompt | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    api.getJob(id).then(setJob, (e) => setError(errorText(e)));
  }, [id]);
  useEffect(reload, [reload]);
  useEffect(() => {
    if (job?.prompt_id) api.getPrompt(job.prompt_id).then(setPrompt, () => {});
  }, [job?.prompt_id]);
  usePolling(reload, 1000, !!job && isActive(job.status));

  if (error && !job) return <><h1>Job</h1><p className="error" role="alert">{error}</p><Link to="/jobs">Back to jobs</Link></>;
  if (!job) return <p className="muted">Loading job…</p>;

  const a = prompt?.attributes;
  const p = job.generation_params;
  const instruments = (list?: string[]) => (list?.length ? list.join(', ') : '—');

  async function cancel() {
    try {
      await api.cancelJob(id);
    } catch (e) {
      setError(errorText(e));
    }
    reload();
  }

  return (
    <>
      <p className="crumbs"><Link to="/jobs">Jobs</Link> / {job.id.slice(0, 8)}</p>
      <div className="title-row">
        <h1>Job</h1>
        <StatusBadge status={job.status} />
        <span className="spacer" />
        {isActive(job.status) && <button type="button" onClick={cancel}>Cancel job</button>}
        <DeleteJobButton job={job} onDeleted={() => navigate('/jobs')} />
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      <section className="card">
        <p className="prompt-text">{prompt?.text ?? job.prompt_preview}</p>
        <dl className="facts">
          <dt>Style</dt><dd>{a?.style ?? '—'}</dd>
          <dt>Mood</dt><dd>{a?.mood ?? '—'}</dd>
          <dt>Tempo</dt><dd>{a?.tempo ? `${a.tempo} BPM` : '—'}</dd>
          <dt>Primary instruments</dt><dd>{instruments(a?.primary_instruments)}</dd>
          <dt>Secondary instruments</dt><dd>{instruments(a?.secondary_instruments)}</dd>
          <dt>Duration</dt><dd>{p.duration} s</dd>
          <dt>Samples</dt><dd>{job.num_samples}</dd>
          <dt>Adapter</dt>
          <dd>{job.adapter_id && !job.adapter_deleted ? <Link to={`/adapters/${job.adapter_id}`}>{job.adapter_name}</Link>
            : (job.adapter_name ?? 'None')}</dd>
          <dt>Seed</dt><dd>{p.seed}</dd>
          <dt>Temperature</dt><dd>{p.temperature}</dd>
          <dt>Top-k / top-p</dt><dd>{p.top_k} / {p.top_p || 'off'}</dd>
          <dt>Progress</dt><dd><ProgressBar value={job.progress} label="Job progress" /></dd>
          <dt>Created</dt><dd>{dateTime(job.created_at)}</dd>
          <dt>Completed</dt><dd>{job.completed_at ? dateTime(job.completed_at) : '—'}</dd>
        </dl>
        {job.error && <p className="error">Error: {job.error}</p>}
      </section>
      <h2>Samples</h2>
      {isActive(job.status) && job.audio_ids.length === 0 ? <p className="muted">Rendering… the samples appear when they are ready.</p>
        : <JobSamples key={job.audio_ids.join()} jobId={job.id} audioIds={job.audio_ids} />}
      <p><Link to={`/feedback?job_id=${job.id}`}>All feedback on this job</Link></p>
    </>
  );
}
