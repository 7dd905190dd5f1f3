import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { FeedbackMetrics, LossPoint } from '../api';
import { percent } from '../format';

// The charts of the feedback-loop pages (recharts). Each is a <figure> named
// by its title, and carries its numbers as a visually hidden table too, so a
// screen reader (and a test) reads the same data the bars show. Charts size
// themselves to their container (`responsive`); the height is fixed.

const ACCENT = '#2f5fa7';
const MUTED = '#9aa4b2';
const chartStyle = { width: '100%', height: 220 };

function DataTable({ caption, head, rows }: { caption: string; head: string[]; rows: (string | number)[][] }) {
  return (
    <table className="sr-only">
      <caption>{caption}</caption>
      <thead><tr>{head.map((h) => <th key={h}>{h}</th>)}</tr></thead>
      <tbody>{rows.map((r, i) => <tr key={i}>{r.map((c, j) => <td key={j}>{c}</td>)}</tr>)}</tbody>
    </table>
  );
}

// {"1": n, …, "5": n} as five bars, 1 to 5 stars, missing ratings as 0.
export function RatingChart({ title, distribution }: { title: string; distribution: Record<string, number> }) {
  const data = ['1', '2', '3', '4', '5'].map((r) => ({ rating: `${r}★`, count: distribution[r] ?? 0 }));
  const total = data.reduce((n, d) => n + d.count, 0);
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {total === 0 ? <p className="muted">No ratings yet.</p> : (
        <BarChart responsive style={chartStyle} data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="rating" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Bar dataKey="count" name="records" fill={ACCENT} isAnimationActive={false} />
        </BarChart>
      )}
      <DataTable caption={title} head={['rating', 'records']} rows={data.map((d) => [d.rating, d.count])} />
    </figure>
  );
}

// Feedback per adapter: the number of records and the average rating.
export function ByAdapterChart({ rows }: { rows: FeedbackMetrics['by_adapter'] }) {
  const data = rows.map((r) => ({ name: r.adapter_name ?? 'Base engine', count: r.count, avg: r.avg_rating ?? 0 }));
  const title = 'Feedback by adapter';
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {data.length === 0 ? <p className="muted">No feedback yet.</p> : (
        <BarChart responsive style={chartStyle} data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" interval={0} />
          <YAxis yAxisId="count" allowDecimals={false} />
          <YAxis yAxisId="avg" orientation="right" domain={[0, 5]} />
          <Tooltip />
          <Legend />
          <Bar yAxisId="count" dataKey="count" name="records" fill={ACCENT} isAnimationActive={false} />
          <Bar yAxisId="avg" dataKey="avg" name="average rating" fill={MUTED} isAnimationActive={false} />
        </BarChart>
      )}
      <DataTable caption={title} head={['adapter', 'records', 'average rating']}
        rows={rows.map((r) => [r.adapter_name ?? 'Base engine', r.count, r.avg_rating === null ? '—' : r.avg_rating.toFixed(2)])} />
    </figure>
  );
}

// A run's training loss per step; it grows while the run trains.
export function LossChart({ loss }: { loss: LossPoint[] }) {
  const title = 'Training loss';
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {loss.length === 0 ? <p className="muted">No steps yet.</p> : (
        <LineChart responsive style={chartStyle} data={loss} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} />
          <YAxis domain={['auto', 'auto']} tickFormatter={(v: number) => v.toFixed(2)} />
          <Tooltip />
          <Line dataKey="value" name="loss" stroke={ACCENT} dot={false} isAnimationActive={false} />
        </LineChart>
      )}
      <p className="muted">{loss.length ? `${loss.length} steps, last loss ${loss[loss.length - 1].value.toFixed(4)}` : ''}</p>
    </figure>
  );
}

// Held-out accuracy beside what guessing would score.
export function AccuracyChart({ accuracy, chance }: { accuracy: number; chance: number }) {
  const title = 'Held-out accuracy vs chance';
  const data = [{ name: 'held-out', value: accuracy }, { name: 'chance', value: chance }];
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <BarChart responsive style={{ ...chartStyle, height: 140 }} data={data} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 8 }}>
        <XAxis type="number" domain={[0, 1]} tickFormatter={percent} />
        <YAxis type="category" dataKey="name" width={70} />
        <Bar dataKey="value" fill={ACCENT} isAnimationActive={false} />
      </BarChart>
      <p>{accuracyText(accuracy, chance)}</p>
    </figure>
  );
}

export const accuracyText = (accuracy: number, chance: number) => `${percent(accuracy)} held out (chance ${percent(chance)})`;
