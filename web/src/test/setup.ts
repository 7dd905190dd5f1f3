import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// findBy… and waitFor wait up to 5 s: the first visit to a lazily loaded page
// (the chart pages) transforms recharts, which on a busy machine takes more
// than the default 1 s.
configure({ asyncUtilTimeout: 5000 });

// After every component test: unmount, give `fetch` back (fakeServer stubs
// it), and real timers again.
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});
