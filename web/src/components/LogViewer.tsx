import { useEffect, useRef, useState } from 'react';
import { api, errorText, isRunActive, runLogStreamUrl, type RunLogLine, type RunStatus } from '../api';

// A training run's log. While the run is queued or running it follows the
// server-sent events of GET /api/runs/{id}/logs/stream: each `log` event is
// one line ({seq, timestamp, message}), appended once (by seq); the `done`
// event ({status}) ends it, the stream is closed and `onDone` called. Once
// the run has ended the whole log comes from GET /api/runs/{id}/logs
// instead; when the stream fails, that is read every 2 s while the run lasts.
const LOG_POLL_MS = 2000;

export function LogViewer({ runId, status, onDone }: { runId: string; status: RunStatus; onDone?: (status: RunStatus) => void }) {
  const [lines, setLines] = useState<RunLogLine[]>([]);
  const [state, setState] = useState<'live' | 'ended' | 'loading'>('loading');
  const [error, setError] = useState<string | null>(null);
  const active = isRunActive(status);
  const latestDone = useRef(onDone);
  latestDone.current = onDone;
  const box = useRef<HTMLOListElement>(null);

  useEffect(() => {
    let live = true;
    const loadAll = () => api.runLogs(runId).then(
      (r) => { if (live) { setLines(r.logs); setState('ended'); setError(null); } },
      (e) => { if (live) { setError(errorText(e)); setState('ended'); } });
    if (!active || typeof EventSource === 'undefined') {
      loadAll();
      return () => { live = false; };
    }
    setLines([]);
    setState('live');
    const source = new EventSource(runLogStreamUrl(runId));
    source.addEventListener('log', (e) => {
      const line = JSON.parse((e as MessageEvent).data) as RunLogLine;
      setLines((ls) => (ls.some((l) => l.seq === line.seq) ? ls : [...ls, line]));
    });
    source.addEventListener('done', (e) => {
      source.close();
      setState('ended');
      const { status: final } = JSON.parse((e as MessageEvent).data) as { status: RunStatus };
      latestDone.current?.(final);
    });
    let fallback: ReturnType<typeof setInterval> | undefined;
    source.onerror = () => {
      // The stream broke (or the server has none): read the log instead.
      source.close();
      loadAll();
      fallback ??= setInterval(loadAll, LOG_POLL_MS);
    };
    return () => { live = false; source.close(); clearInterval(fallback); };
  }, [runId, active]);

  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <section className="run-log" aria-label="Run log">
      <h3>Log {state === 'live' && <span className="muted">(live)</span>}</h3>
      {error && <p className="error" role="alert">{error}</p>}
      {lines.length === 0 ? <p className="muted">{state === 'loading' ? 'Loading the log…' : state === 'live' ? 'Waiting for the first line…' : 'The log is empty.'}</p> : (
        <ol ref={box} className="log-viewer mono">
          {lines.map((l) => (
            <li key={l.seq}><time dateTime={l.timestamp}>{new Date(l.timestamp).toLocaleTimeString()}</time>{l.message}</li>
          ))}
        </ol>
      )}
    </section>
  );
}
