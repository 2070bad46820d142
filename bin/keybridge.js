#!/usr/bin/env node
// The headless proxy's command line. Runs the compiled proxy-core (npm ci builds it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  // npx runs this file with the system's Node; the project installs Node 22 as a devDependency.
  const bundled = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (existsSync(bundled) && process.env.KEYBRIDGE_REEXEC !== '1') {
    const r = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, KEYBRIDGE_REEXEC: '1' },
    });
    process.exit(r.status ?? 1);
  }
  console.error(
    `Keybridge needs Node.js 22.19 or newer (this is ${process.versions.node}). Install Node 22, or run \`npm ci\` in the project first.`,
  );
  process.exit(1);
}

const entry = new URL('../dist/proxy-core/src/cli.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('Keybridge is not built yet: run `npm run build` (npm ci does it for you).');
  process.exit(1);
}
const args = process.argv.slice(2);
if (args.includes('--ui')) {
  // The desktop app's UI and services, headless: settings in the app's data folder, secrets in the keychain.
  // In a clone, build the settings window first if it is missing or stale (as `npm start` does).
  const builder = new URL('../scripts/ensure-built.js', import.meta.url);
  if (existsSync(builder)) (await import(builder.href)).ensureBuilt({ log: (l) => console.error(l) });
  const ui = new URL('../dist/app/headless-ui.js', import.meta.url);
  const portArg = args.indexOf('--port');
  const port = portArg >= 0 ? Number(args[portArg + 1]) : undefined;
  const { runHeadlessUi } = await import(ui.href);
  await runHeadlessUi({ port });
} else {
  const { main } = await import(entry.href);
  await main();
}
