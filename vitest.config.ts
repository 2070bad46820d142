import { defineConfig } from 'vitest/config';
import { localeParts } from './renderer/vite.config.js';

export default defineConfig({
  // The window's texts are imported in parts, as in the built window (renderer/vite.config.ts).
  plugins: [localeParts()],
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
