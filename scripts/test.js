#!/usr/bin/env node
// The README's test command: lint, typecheck, the unit and integration suite, then the
// end-to-end suite of the settings window in real Chromium (Debian's /usr/bin/chromium).
// Ends with one plain summary line ("Tests: N passed, N failed, N skipped") over both suites.
// What it needs from the machine, and says in one line when it is missing: Chromium for the
// browser tests (without it they fail), a Secret Service keychain for the keychain tests
// (without it they are skipped, or fail under CI). .ci/run installs both.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const reports = mkdtempSync(join(tmpdir(), 'keybridge-test-'));
const vitest = (name, extra) => [
  'vitest',
  [
    'run',
    ...extra,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(reports, `${name}.json`)}`,
  ],
  name,
];
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missingChromium = existsSync(chromium)
  ? null
  : `The browser tests need Chromium at ${chromium}: install it with \`sudo apt-get install chromium\` (Debian, Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary.`;
if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
  console.log(
    process.env.CI
      ? 'No D-Bus session: the keychain tests will fail (CI requires them). Run the suite the way .ci/run does.'
      : 'No D-Bus session: the keychain tests will be skipped. To run them: `sudo apt-get install gnome-keyring dbus-x11`, then run the suite inside `dbus-run-session` with an unlocked gnome-keyring, as .ci/run does.',
  );
}

const steps = [
  ['biome', ['check', '.']],
  ['tsc', ['-p', 'tsconfig.json', '--noEmit']],
  vitest('suite', process.argv.slice(2)),
  vitest('e2e', ['--config', 'vitest.e2e.config.ts']),
];

const totals = { passed: 0, failed: 0, skipped: 0 };
function count(name) {
  try {
    const r = JSON.parse(readFileSync(join(reports, `${name}.json`), 'utf8'));
    totals.passed += r.numPassedTests ?? 0;
    totals.failed += r.numFailedTests ?? 0;
    totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  } catch {
    // no report: the runner failed before writing one (its exit code says so)
  }
}
const summary = () =>
  console.log(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);

for (const [cmd, args, report] of steps) {
  if (report === 'e2e' && missingChromium) {
    console.error(`\n${missingChromium}`);
    summary();
    process.exit(1);
  }
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: false });
  if (report) count(report);
  if (r.status !== 0) {
    console.error(`\n${cmd} failed (exit ${r.status ?? r.signal}).`);
    summary();
    process.exit(r.status || 1);
  }
}
summary();
