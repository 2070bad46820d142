/** Builds the renderer into renderer/dist once before the browser tests (skip with KEYBRIDGE_E2E_NO_BUILD=1). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export default async function setup(): Promise<void> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    // One clear line instead of playwright's launch stack trace in every file.
    console.error(
      `The browser tests need Chromium at ${chromium}: install it with \`sudo apt-get install chromium\` (Debian, Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary.`,
    );
    process.exit(1);
  }
  if (process.env.KEYBRIDGE_E2E_NO_BUILD === '1') return;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  // The same build `npm run build` makes: Vitest sets NODE_ENV=test, and Vite would then bundle
  // React's development build (a third bigger, with dev-only warnings) instead of the real one.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(root, 'renderer', 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
