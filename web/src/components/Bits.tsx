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

// Previous / "21–40 of 95" / Next under a list shown `pageSize` rows at a time.
export function Pager({ offset, shown, total, pageSize, onOffset }: {
  offset: number; shown: number; total: number; pageSize: number; onOffset: (offset: number) => void;
}) {
  return (
    <div className="pager">
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>Previous</button>
      <span>{offset + 1}–{offset + shown} of {total}</span>
      <button type="button" disabled={offset + pageSize >= total} onClick={() => onOffset(offset + pageSize)}>Next</button>
    </div>
  );
}

// A checkbox whose `indeterminate` state (some but not all selected) is set too.
export function Checkbox({ label, checked, indeterminate = false, onChange }: {
  label: string; checked: boolean; indeterminate?: boolean; onChange: () => void;
}) {
  return (
    <input type="checkbox" aria-label={label} checked={checked} onChange={onChange}
      ref={(el) => { if (el) el.indeterminate = indeterminate; }} />
  );
}
