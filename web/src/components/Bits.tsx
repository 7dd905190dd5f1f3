import { useLocation } from 'react-router';
import type { JobStatus } from '../api';
import { percent } from '../format';

// Small presentational pieces shared by the pages.

export function StatusBadge({ status }: { status: JobStatus }) {
  return <span className={`badge ${status}`}>{status}</span>;
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  return (
    <span className="progress">
      <progress max={1} value={value} aria-label={label} />
      <span>{percent(value)}</span>
    </span>
  );
}

// The short confirmation a page shows after navigating here from a delete
// (passed as router state: navigate('/jobs', { state: { flash: '…' } })).
export function Flash() {
  const flash = (useLocation().state as { flash?: string } | null)?.flash;
  return flash ? <p className="flash" role="status">{flash}</p> : null;
}
