#!/usr/bin/env node
// `npm start`: opens the desktop app where Electron can run. Where it cannot (no display, a
// server, no Electron binary) it says so in one line and starts the headless proxy with its UI
// on loopback instead, printing the URL to open. First it builds what is missing or older than its
// sources (dist/ and the settings window in renderer/dist/), so a fresh clone starts with one command.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, root } from './ensure-built.js';

/** The Electron binary if it is installed (read the way `require('electron')` does, without its download). */
function electronBinary() {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile))
    return { ok: false, why: 'the Electron binary is not installed on this machine' };
  const rel = readFileSync(pathFile, 'utf8').trim();
  const exe = process.env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, rel)
    : path.join(dir, 'dist', rel);
  if (!existsSync(exe)) return { ok: false, why: `the Electron binary is missing (${exe})` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, why: 'there is no display (no DISPLAY or WAYLAND_DISPLAY)' };
  }
  return { ok: true, exe };
}

ensureBuilt();
const electron = electronBinary();
if (electron.ok) {
  const child = spawn(electron.exe, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log(
    `Electron cannot start here (${electron.why}); starting Keybridge headless with its UI on loopback.`,
  );
  const { runHeadlessUi } = await import(
    pathToFileURL(path.join(root, 'dist', 'app', 'headless-ui.js')).href
  );
  await runHeadlessUi();
}
