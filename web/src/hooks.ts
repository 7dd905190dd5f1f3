import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorText, type Page, type Vocabulary } from './api';

// Calls `tick` every `ms` milliseconds while `active` is true (and stops on
// unmount). The latest `tick` is always the one called.
export function usePolling(tick: () => void, ms: number, active: boolean) {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => latest.current(), ms);
    return () => clearInterval(timer);
  }, [ms, active]);
}

// The server's vocabulary (GET /api/vocabulary): null while it loads, and
// also when it cannot be had — callers then offer free input and let the
// server's 422 say what is wrong.
export function useVocabulary(): Vocabulary | null {
  const [vocabulary, setVocabulary] = useState<Vocabulary | null>(null);
  useEffect(() => {
    let live = true;
    api.vocabulary().then((v) => { if (live) setVocabulary(v); }, () => {});
    return () => { live = false; };
  }, []);
  return vocabulary;
}

// The input attributes (min, max) of a range of the vocabulary; none while it loads.
export function rangeOf(vocabulary: Vocabulary | null, name: string): { min?: number; max?: number } {
  const limit = vocabulary?.limits[name];
  return limit ? { min: limit.min, max: limit.max } : {};
}

// The rows of a list page that are selected (ids), for bulk actions. Only
// rows on the page can be selected: when the page changes, ids that left it
// are dropped.
export function useSelection(pageIds: string[]) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const key = pageIds.join();
  useEffect(() => {
    setSelected((s) => {
      const kept = new Set([...s].filter((id) => pageIds.includes(id)));
      return kept.size === s.size ? s : kept;
    });
  }, [key]);
  const all = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  return {
    ids: pageIds.filter((id) => selected.has(id)),
    has: (id: string) => selected.has(id),
    toggle: (id: string) => setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    }),
    all,
    some: selected.size > 0 && !all,
    toggleAll: () => setSelected(all ? new Set() : new Set(pageIds)),
    clear: () => setSelected(new Set()),
  };
}

// One page of a list the server pages with limit/offset: loads it whenever
// `load` (a useCallback over the filters) or the offset changes. When a
// delete has emptied the last page, it steps back to one that has rows.
export function usePagedList<T>(load: (q: { limit: number; offset: number }) => Promise<Page<T>>, pageSize: number) {
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<Page<T> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    load({ limit: pageSize, offset }).then(
      (l) => {
        if (l.items.length === 0 && offset > 0) return setOffset(Math.max(0, offset - pageSize));
        setList(l);
        setError(null);
      },
      (e) => setError(errorText(e)));
  }, [load, offset, pageSize]);
  useEffect(reload, [reload]);
  return { list, error, setError, offset, setOffset, reload };
}

// `value`, once it has stayed the same for `ms` milliseconds (for requests
// made while the user types, such as a dataset's preview count).
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

// A form's one action at a time: `run(action)` marks it busy, forgets the last
// problem, and keeps the error's text (the server's `detail`) as `problem`
// when the action fails.
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  async function run(action: () => Promise<void>) {
    setBusy(true);
    setProblem(null);
    try {
      await action();
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  }
  return { busy, problem, run };
}
