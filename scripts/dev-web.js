#!/usr/bin/env node
// `npm run dev:web`: the dev host (real app services + the contract over a WebSocket) beside
// Vite's dev server for renderer/. Vite gets KEYBRIDGE_DEV_HOST and KEYBRIDGE_DEV_TOKEN so its
// config can proxy /kb-ws (WebSocket) to the dev host; open the printed URL.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
const devHostFile = path.join(root, 'dist', 'app', 'dev-host', 'index.js');
if (!existsSync(devHostFile)) {
  console.error('The build failed; run `npm run build` and read its errors.');
  process.exit(1);
}
const { startDevHost } = await import(pathToFileURL(devHostFile).href);
const { defaultDataDir } = await import(
  pathToFileURL(path.join(root, 'dist', 'app', 'services', 'paths.js')).href
);

const token = process.env.KEYBRIDGE_DEV_TOKEN ?? randomBytes(18).toString('base64url');
const port = Number(process.env.KEYBRIDGE_DEV_PORT ?? 5730);
const dataDir = process.env.KEYBRIDGE_DATA_DIR ?? path.join(defaultDataDir(), 'dev');
// Vite's page (port 5173) opens the WebSocket through Vite's /kb-ws proxy: allow exactly its origin.
const uiOrigins = ['http://127.0.0.1:5173', 'http://localhost:5173'];
const host = await startDevHost({ port, dataDir, token, uiOrigins });
console.log(`Dev host: ${host.url}`);

const viteConfig = ['renderer/vite.config.ts', 'renderer/vite.config.js', 'vite.config.ts'].find((f) =>
  existsSync(path.join(root, f)),
);
let vite = null;
if (viteConfig) {
  const viteBin = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  vite = spawn(process.execPath, [viteBin, '--config', viteConfig, '--strictPort', '--port', '5173'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, KEYBRIDGE_DEV_HOST: `http://127.0.0.1:${host.port}`, KEYBRIDGE_DEV_TOKEN: token },
  });
  console.log(`Renderer with live reload: http://127.0.0.1:5173/?token=${token}`);
} else {
  console.log('No renderer/vite.config found: serving renderer/dist from the dev host only.');
}

const stop = async () => {
  vite?.kill('SIGTERM');
  await host.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
