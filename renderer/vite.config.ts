import { readFile } from 'node:fs/promises';
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

/**
 * Parts of a locale file, so texts only some screens show load with those screens and not with the
 * first one (renderer/src/i18n/index.ts): `en.json?only=share` is the file's `share` section alone,
 * `en.json?except=limits,share` the file without them. The file itself stays whole (one file per
 * language, the one the locale tests read). vitest.config.ts uses it too.
 */
export function localeParts(): Plugin {
  return {
    name: 'keybridge-locale-parts',
    enforce: 'pre',
    async load(id) {
      const m = /^(.*\/i18n\/locales\/[\w-]+\.json)\?(only|except)=([\w,]+)$/.exec(id);
      if (!m) return null;
      const [, file, mode, list] = m as unknown as [string, string, 'only' | 'except', string];
      const names = new Set(list.split(','));
      const texts = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      for (const name of names) if (!(name in texts)) this.error(`${file} has no section "${name}"`);
      this.addWatchFile(file);
      // JSON out, bundled like any other .json import.
      return {
        code: JSON.stringify(
          Object.fromEntries(Object.entries(texts).filter(([k]) => names.has(k) === (mode === 'only'))),
        ),
        moduleType: 'json',
      };
    },
  };
}

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react(), contentSecurityPolicy(), localeParts()],
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
