/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// web/public holds the plain page the server shows when the UI is not built;
// it must not be copied into dist, so Vite's public dir is switched off.
export default defineConfig({
  plugins: [react()],
  publicDir: false,
  server: {
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
  },
});
