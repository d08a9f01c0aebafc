/**
 * Builds the browser SPA from web/ into dist/web, which the server serves with a strict CSP.
 * `npm run dev` runs this dev server in front of the API server on :3000.
 */
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const API = 'http://localhost:3000';

export default defineConfig({
  root: 'web',
  plugins: [preact()],
  server: {
    port: 5173,
    strictPort: true,
    // NOTE: changeOrigin stays false so the API server sees Host: localhost:5173, which then
    // matches the page's Origin header and passes the server's same-origin check for cookies.
    proxy: {
      '/api': { target: API },
      '/ws': { target: API.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // NOTE: the polyfill is an inline <script>, which the server's CSP (script-src 'self') blocks.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // One entry per page. The embeddable widget has its own build (vite.widget.config.ts): it is
      // two IIFE files with fixed names, which this build's options cannot produce.
      input: { app: fileURLToPath(new URL('./web/index.html', import.meta.url)) },
    },
  },
});
