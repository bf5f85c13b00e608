import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // Relative asset URLs: the app works from any sub-path and never refers to another host.
  base: './',
  // No SPA fallback: a missing weights file must be a 404, not index.html.
  appType: 'mpa',
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
