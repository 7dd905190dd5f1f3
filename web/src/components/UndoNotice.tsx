import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { errorText } from '../api';

// The "Job deleted · Undo" notice shown after a delete that can be undone
// (jobs and adapters go to the trash; feedback is hard-deleted and gets none).
// It lives above the routes, so it survives the move from a detail page back
// to its list. It stays `duration` ms (8 s), or until the next notice replaces
// it. Undo runs `undo` once; the notice then says what happened (its
// `restored` text, or the server's detail) and `restoredCount` goes up, so a
// page that lists restorable things can reload when it changes.
export interface Undoable {
  message: string;
  undo: () => Promise<void>;
  restored: string;
}

interface UndoContext { offer: (u: Undoable) => void; restoredCount: number }
const Context = createContext<UndoContext>({ offer: () => {}, restoredCount: 0 });

export const useUndo = () => useContext(Context);

type State = { kind: 'offer'; undoable: Undoable } | { kind: 'busy'; undoable: Undoable } | { kind: 'done'; text: string; error?: boolean };

export function UndoProvider({ children, duration = 8000 }: { children: ReactNode; duration?: number }) {
  const [state, setState] = useState<State | null>(null);
  const [restoredCount, setRestoredCount] = useState(0);
  const generation = useRef(0);

  // Each notice gets a generation; a timer or an answer that belongs to an older one does nothing.
  const show = useCallback((next: State | null) => {
    const mine = ++generation.current;
    setState(next);
    return mine;
  }, []);
  const offer = useCallback((undoable: Undoable) => { show({ kind: 'offer', undoable }); }, [show]);

  useEffect(() => {
    if (!state || state.kind === 'busy') return;
    const mine = generation.current;
    const timer = setTimeout(() => { if (generation.current === mine) show(null); }, duration);
    return () => clearTimeout(timer);
  }, [state, duration, show]);

  async function undo(undoable: Undoable) {
    const mine = show({ kind: 'busy', undoable });
    try {
      await undoable.undo();
      setRestoredCount((n) => n + 1);
      if (generation.current === mine) show({ kind: 'done', text: undoable.restored });
    } catch (e) {
      if (generation.current === mine) show({ kind: 'done', text: `Could not undo: ${errorText(e)}`, error: true });
    }
  }

  const value = useMemo(() => ({ offer, restoredCount }), [offer, restoredCount]);
  return (
    <Context.Provider value={value}>
      {children}
      <div className="notice-area" role="status" aria-live="polite">
        {state && (
          <div className={`notice${state.kind === 'done' && state.error ? ' error' : ''}`}>
            {state.kind === 'done' ? <span>{state.text}</span> : (
              <>
                <span>{state.undoable.message}</span>
                <span aria-hidden="true">·</span>
                <button type="button" className="link" onClick={() => undo(state.undoable)} disabled={state.kind === 'busy'}>
                  {state.kind === 'busy' ? 'Undoing…' : 'Undo'}
                </button>
              </>
            )}
            <button type="button" className="close" aria-label="Dismiss" onClick={() => show(null)} disabled={state.kind === 'busy'}>×</button>
          </div>
        )}
      </div>
    </Context.Provider>
  );
}
