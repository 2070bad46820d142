import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The strict Content-Security-Policy of the built page: only its own scripts, no eval, no remote
 * anything. Styles may be inline because Mantine writes its CSS variables into a <style> tag.
 * Connections only to the page's own origin: 'self' covers the WebSocket of the host that served
 * the page (the dev host / headless UI; CSP Level 3 matches ws: to an http: origin). Inside
 * Electron the page talks to main over IPC and connects nowhere. (An IPv6 literal such as
 * ws://[::1]:* is not a valid CSP source: Chromium logs an error and ignores it.)
 * Added at build time only: Vite's dev server injects an inline HMR preamble the policy would block.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'keybridge-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    // Screens are loaded when opened (React.lazy in App.tsx). Shared code stays in shared chunks
    // instead of being merged into the entry, so the first screen downloads only what it runs.
    rolldownOptions: { experimental: { chunkOptimization: { mergeCommonChunks: false } } },
  },
  server: {
    host: '127.0.0.1',
    // `npm run dev:web`: the contract's WebSocket goes to the dev host running the real services.
    ...(process.env.KEYBRIDGE_DEV_HOST
      ? { proxy: { '/kb-ws': { target: process.env.KEYBRIDGE_DEV_HOST, ws: true, changeOrigin: false } } }
      : {}),
  },
});
