import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// After every component test: unmount, give `fetch` back (fakeServer stubs
// it), and real timers again.
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});
