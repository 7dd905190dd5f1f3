/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// web/public holds the plain page the server shows when the UI is not built;
// it must not be copied into dist, so Vite's public dir is switched off.
// Two pages: the app (index.html) and the API reference (docs.html, which
// the server sends for GET /api/docs).
export default defineConfig({
  plugins: [react()],
  publicDir: false,
  build: {
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        docs: fileURLToPath(new URL('./docs.html', import.meta.url)),
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    // The machine is shared: a page test that loads recharts can take more than the default 5 s.
    testTimeout: 20000,
  },
});
