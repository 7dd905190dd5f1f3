import { useEffect, useRef, useState } from 'react';
import { api, type Vocabulary } from './api';

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
