import { useEffect, useRef } from 'react';

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
