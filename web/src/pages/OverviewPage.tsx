import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, errorText, type FeedbackMetrics, type Overview } from '../api';
import { ByAdapterChart, RatingChart } from '../components/Charts';
import { usePolling } from '../hooks';

export const OVERVIEW_REFRESH_MS = 5000;

// The feedback loop at a glance: Generation → Feedback → Datasets → Training
// as four cards linked to their pages, with live counts from
// GET /api/metrics/overview; quick stats; and the feedback charts from
// GET /api/metrics/feedback. Both reload every 5 s.
export function OverviewPage() {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [feedback, setFeedback] = useState<FeedbackMetrics | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    api.overview().then((o) => { setOverview(o); setError(null); }, (e) => setError(errorText(e)));
    api.feedbackMetrics().then(setFeedback, (e) => setError(errorText(e)));
  }, []);
  useEffect(reload, [reload]);
  usePolling(reload, OVERVIEW_REFRESH_MS, true);

  const p = overview?.pipeline;
  const q = overview?.quick_stats;
  const stat = (label: string, value: ReactNode) => <div key={label}><dt>{label}</dt><dd>{value}</dd></div>;
  return (
    <>
      <h1>Overview</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {!p || !q ? (!error && <p className="muted">Loading the overview…</p>) : (
        <>
          <ol className="pipeline" aria-label="Pipeline">
            <Stage to="/jobs" title="Generation" big={p.generation.total} unit="jobs"
              detail={`${p.generation.completed} completed · ${p.generation.active} active`} />
            <Stage to="/feedback" title="Feedback" big={p.feedback.total} unit="records"
              detail={`${p.feedback.rated_samples} samples rated · ${p.feedback.pending} waiting`} />
            <Stage to="/datasets" title="Datasets" big={p.dataset.total} unit="datasets" detail={`${p.dataset.exported} exported`} />
            <Stage to="/experiments" title="Training" big={p.training.total} unit="runs" detail={`${p.training.running} running`} />
          </ol>
          <section aria-label="Quick stats">
            <dl className="stats">
              {stat('Generations', q.total_generations)}
              {stat('Samples', q.total_samples)}
              {stat('Average rating', q.avg_rating === null ? '—' : q.avg_rating.toFixed(2))}
              {stat('Active adapters', `${q.active_adapters} of ${q.total_adapters}`)}
              {stat('Waiting for feedback', q.pending_feedback)}
            </dl>
          </section>
        </>
      )}
      {feedback && (
        <>
          <h2>Feedback</h2>
          <p className="muted">
            {feedback.preference_comparisons} preference comparisons · {feedback.tagged_feedback} tagged records
          </p>
          <div className="charts">
            <RatingChart title="Rating distribution" distribution={feedback.rating_distribution} />
            <ByAdapterChart rows={feedback.by_adapter} />
          </div>
        </>
      )}
    </>
  );
}

function Stage({ to, title, big, unit, detail }: { to: string; title: string; big: number; unit: string; detail: string }) {
  return (
    <li>
      <Link to={to} className="card" aria-label={`${title}: ${big} ${unit}, ${detail}`}>
        <h3>{title}</h3>
        <p className="big">{big}</p>
        <p className="muted">{unit} · {detail}</p>
      </Link>
    </li>
  );
}
