// Refreshes docs/screenshots/ (the README's pictures): the e2e tests, saving their screenshots there
// instead of a temporary folder.
import { spawnSync } from 'node:child_process';

const r = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts'], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
  env: { ...process.env, KEYBRIDGE_SCREENSHOTS: 'docs/screenshots' },
});
process.exit(r.status ?? 1);
