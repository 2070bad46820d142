// Builds what `npm start` and `keybridge serve --ui` run, when it is missing or older than its
// sources: the main process and proxy-core (tsc → dist/) and the settings window (Vite →
// renderer/dist/). A fresh clone after `npm ci` has dist/ (prepare builds it) but no
// renderer/dist/: the first start builds it, once.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time of the files under `paths` (folders walked) whose names match `pattern`. */
export function newestSource(paths, pattern) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const entry of readdirSync(p)) {
        if (entry === 'node_modules' || entry === 'dist') continue;
        visit(path.join(p, entry));
      }
    } else if (pattern.test(p)) newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

/** True when `output` is missing or older than the newest of its sources. */
export function isStale(output, sources, pattern) {
  if (!existsSync(output)) return true;
  return statSync(output).mtimeMs < newestSource(sources, pattern);
}

const mainOutputs = [
  path.join(root, 'dist', 'app', 'main.js'),
  path.join(root, 'dist', 'app', 'dev-host', 'index.js'),
  path.join(root, 'dist', 'app', 'headless-ui.js'),
  path.join(root, 'dist', 'proxy-core', 'src', 'cli.js'),
];
export const rendererIndex = path.join(root, 'renderer', 'dist', 'index.html');
/** Everything the renderer bundle is made of: its own sources and the contract it imports from app/. */
const rendererSources = [
  path.join(root, 'renderer', 'src'),
  path.join(root, 'renderer', 'index.html'),
  path.join(root, 'renderer', 'vite.config.ts'),
  path.join(root, 'renderer', 'public'),
  path.join(root, 'app', 'contract'),
];

export function mainIsStale() {
  const newest = newestSource([path.join(root, 'app'), path.join(root, 'proxy-core', 'src')], /\.c?ts$/);
  return mainOutputs.some((f) => !existsSync(f) || statSync(f).mtimeMs < newest);
}

export function rendererIsStale() {
  return isStale(rendererIndex, rendererSources, /\.(tsx?|css|json|html|svg|png|ico)$/);
}

function run(what, args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(
      `Building ${what} failed (see above). Fix the error, or run \`npm run build\` to see it again.`,
    );
    process.exit(1);
  }
}

/** Builds whatever is missing or stale; exits the process with a clear line when a build fails. */
export function ensureBuilt({ log = (line) => console.log(line) } = {}) {
  if (mainIsStale()) {
    log('Building Keybridge (TypeScript)…');
    run('Keybridge', [
      path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.build.json',
    ]);
  }
  if (rendererIsStale()) {
    log('Building the settings window (renderer/dist)…');
    run('the settings window', [
      path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--logLevel',
      'warn',
    ]);
  }
}
