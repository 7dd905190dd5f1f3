import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { errorText } from '../api';

// A modal confirmation for destructive actions. Focus moves into it when it
// opens and returns to where it was when it closes; Tab and Shift-Tab stay
// inside; Escape and Cancel close it without calling onConfirm. If onConfirm
// rejects, the dialog stays open and shows the error (the server's `detail`).
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onCancel: () => void;
}) {
  const { title, children, confirmLabel, onConfirm, onCancel } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => previous?.focus?.();
  }, []);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      if (!busy) onCancel();
    } else if (e.key === 'Tab') {
      const focusable = [...ref.current!.querySelectorAll<HTMLElement>('button:not([disabled])')];
      if (focusable.length === 0) return e.preventDefault();
      const first = focusable[0], last = focusable[focusable.length - 1];
      const inside = focusable.includes(document.activeElement as HTMLElement);
      if (e.shiftKey && (document.activeElement === first || !inside)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  return (
    <div className="backdrop">
      <div ref={ref} className="dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={bodyId}
        onKeyDown={onKeyDown}>
        <h2 id={titleId}>{title}</h2>
        <div id={bodyId}>{children}</div>
        {error && <p className="error" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onCancel} disabled={busy} data-autofocus>Cancel</button>
          <button type="button" className="danger" onClick={confirm} disabled={busy}>
            {busy ? `${confirmLabel}…` : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
