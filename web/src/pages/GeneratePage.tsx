import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, errorText, isActive, type Adapter, type JobProgress } from '../api';
import { ProgressBar, StatusBadge } from '../components/Bits';
import { InstrumentPicker } from '../components/InstrumentPicker';
import { JobSamples } from '../components/JobSamples';
import { rangeOf, usePolling, useVocabulary } from '../hooks';

// Prompt editor → POST /prompts, POST /generate → live progress (polling
// GET /generate/{id}) → players and inline feedback for the samples. The
// instruments, style and mood suggestions and every numeric range come from
// GET /vocabulary.
export function GeneratePage() {
  const vocabulary = useVocabulary();
  const [text, setText] = useState('');
  const [style, setStyle] = useState('');
  const [tempo, setTempo] = useState('');
  const [primary, setPrimary] = useState<string[]>([]);
  const [secondary, setSecondary] = useState<string[]>([]);
  const [mood, setMood] = useState('');
  const [duration, setDuration] = useState('10');
  const [numSamples, setNumSamples] = useState('2');
  const [adapterId, setAdapterId] = useState('');
  const [seed, setSeed] = useState('');
  const [temperature, setTemperature] = useState('1.0');

  const [adapters, setAdapters] = useState<Adapter[] | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<JobProgress | null>(null);

  useEffect(() => {
    api.listAdapters({ active_only: true }).then((r) => setAdapters(r.items), () => setAdapters([]));
  }, []);

  // 1..max samples; the choices the form had before the vocabulary loads.
  const samplesLimit = vocabulary?.limits.num_samples;
  const sampleCounts = Array.from({ length: samplesLimit ? samplesLimit.max - samplesLimit.min + 1 : 4 },
    (_, k) => (samplesLimit?.min ?? 1) + k);

  const running = job !== null && isActive(job.status);
  usePolling(() => {
    if (job) api.jobProgress(job.id).then(setJob, (e) => setError(errorText(e)));
  }, 500, running);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSubmitting(true);
    setError(null);
    setJob(null);
    try {
      const prompt = await api.createPrompt(text, {
        ...(style.trim() && { style: style.trim() }),
        ...(tempo && { tempo: Number(tempo) }),
        primary_instruments: primary,
        secondary_instruments: secondary,
        ...(mood.trim() && { mood: mood.trim() }),
        duration: Number(duration),
      });
      const created = await api.generate({
        prompt_id: prompt.id,
        num_samples: Number(numSamples),
        ...(adapterId && { adapter_id: adapterId }),
        ...(seed !== '' && { seed: Number(seed) }),
        temperature: Number(temperature),
        duration: Number(duration),
      });
      setJob(created);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSubmitting(false);
    }
  }

  async function cancel() {
    if (!job) return;
    try {
      await api.cancelJob(job.id);
      setJob(await api.jobProgress(job.id));
    } catch (err) {
      setError(errorText(err));
    }
  }

  return (
    <>
      <h1>Generate</h1>
      <form className="card generate-form" onSubmit={submit}>
        <label className="wide">
          Prompt
          <textarea value={text} onChange={(e) => setText(e.target.value)} required maxLength={vocabulary?.limits.text?.max} rows={3}
            placeholder="A warm lo-fi beat with soft piano for a rainy afternoon" />
        </label>
        <div className="grid">
          <label>
            Style
            <input value={style} onChange={(e) => setStyle(e.target.value)} list="styles" placeholder="lofi" />
            <datalist id="styles">{vocabulary?.styles.map((s) => <option key={s.name} value={s.name} />)}</datalist>
          </label>
          <label>
            Mood
            <input value={mood} onChange={(e) => setMood(e.target.value)} list="moods" placeholder="calm" />
            <datalist id="moods">{vocabulary?.moods.map((m) => <option key={m.word} value={m.word} />)}</datalist>
          </label>
          <label>
            Tempo (BPM)
            <input type="number" {...rangeOf(vocabulary, 'tempo')} value={tempo} onChange={(e) => setTempo(e.target.value)} placeholder="style default" />
          </label>
          <label>
            Duration (s)
            <input type="number" {...rangeOf(vocabulary, 'duration')} value={duration} onChange={(e) => setDuration(e.target.value)} required />
          </label>
        </div>
        <div className="grid two">
          <InstrumentPicker label="Primary instruments" value={primary} onChange={setPrimary} vocabulary={vocabulary} />
          <InstrumentPicker label="Secondary instruments" value={secondary} onChange={setSecondary} vocabulary={vocabulary} />
        </div>
        <div className="grid">
          <label>
            Samples
            <select value={numSamples} onChange={(e) => setNumSamples(e.target.value)}>
              {sampleCounts.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
          <label>
            Adapter
            <select value={adapterId} onChange={(e) => setAdapterId(e.target.value)} disabled={adapters === null}>
              <option value="">{adapters === null ? 'Loading…' : 'None'}</option>
              {adapters?.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
            </select>
          </label>
          <label>
            Seed
            <input type="number" {...rangeOf(vocabulary, 'seed')} value={seed} onChange={(e) => setSeed(e.target.value)} placeholder="random" />
          </label>
          <label>
            Temperature
            <input type="number" {...rangeOf(vocabulary, 'temperature')} step={0.1} value={temperature} onChange={(e) => setTemperature(e.target.value)} required />
          </label>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={submitting || running}>
            {submitting ? 'Submitting…' : 'Generate'}
          </button>
        </div>
        {error && <p className="error" role="alert">{error}</p>}
      </form>

      {job && (
        <section className="card result" aria-label="Generation">
          <div className="result-head">
            <StatusBadge status={job.status} />
            <ProgressBar value={job.progress} label="Generation progress" />
            {running && <button type="button" onClick={cancel}>Cancel</button>}
            <Link to={`/jobs/${job.id}`}>Open job</Link>
          </div>
          {running && <p className="muted">Rendering… this page updates on its own.</p>}
          {job.status === 'failed' && <p className="error">Generation failed: {job.error}</p>}
          {job.status === 'cancelled' && <p className="muted">The job was cancelled.</p>}
          {job.status === 'completed' && <JobSamples jobId={job.id} audioIds={job.audio_ids} />}
        </section>
      )}
    </>
  );
}
