import { Link } from 'react-router';
import { percent, shortId } from '../format';

// Small presentational pieces shared by the pages.

// A job's, an experiment's or a run's status (the CSS colours each by name).
export function StatusBadge({ status }: { status: string }) {
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

// The dataset of an experiment or of a run's lineage: a link, or "Deleted Dataset".
export function DatasetName({ id, name, deleted }: { id: string; name: string | null; deleted: boolean }) {
  if (deleted) return <span className="muted deleted" title={name ?? undefined}>Deleted Dataset</span>;
  return <Link to={`/datasets/${id}`}>{name ?? shortId(id)}</Link>;
}
