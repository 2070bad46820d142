/**
 * End-to-end smoke test of the PACKAGED app on Windows, macOS and Linux (release workflow; the
 * Electron binary cannot be downloaded on the development machines, so it does not run in
 * `npm test`). With Playwright's Electron support it checks what a user would notice:
 *   - started as at login (--hidden), Keybridge sits in the tray with no window, and the proxy
 *     answers /healthz;
 *   - opening it again (a second launch) shows the settings window, served by the app protocol;
 *   - "Copy endpoint" in the window really puts the endpoint on the system clipboard (read back
 *     through Electron's clipboard);
 *   - closing the window keeps the proxy running in the tray; Quit drains and exits.
 * Linux CI has no panel under xvfb, so a stand-in StatusNotifier watcher (the one the unit tests use,
 * from the compiled dist/app/tray-host.js) is put on the session bus first.
 *
 *   node test/packaging/packaged-app.smoke.ts [path/to/executable]
 *   (Linux: inside xvfb-run and dbus-run-session; defaults per OS below)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';

const defaults: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'release/linux-unpacked/keybridge',
  win32: 'release/win-unpacked/Keybridge.exe',
  darwin: `release/mac${process.arch === 'arm64' ? '-arm64' : ''}/Keybridge.app/Contents/MacOS/Keybridge`,
};
const executablePath = path.resolve(process.argv[2] ?? defaults[process.platform] ?? '');
const home = mkdtempSync(path.join(tmpdir(), 'keybridge-smoke-'));
const port = 5731; // DEFAULT_SETTINGS.port: a fresh profile
const endpoint = `http://127.0.0.1:${port}/v1`;

function fail(message: string): never {
  console.error(`packaged-app smoke: FAIL — ${message}`);
  process.exit(1);
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== null) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return fail(`${what} (last error: ${last instanceof Error ? last.message : String(last)})`);
}

const healthz = async () => {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return res.ok ? await res.text() : null;
};

let watcher: { close(): void } | null = null;
if (process.platform === 'linux') {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS)
    fail('run me inside dbus-run-session (the tray lives on the session bus)');
  const { DBusConnection, WATCHER_NAME, WATCHER_PATH } = await import(path.resolve('dist/app/tray-host.js'));
  const conn = await DBusConnection.connect(process.env.DBUS_SESSION_BUS_ADDRESS);
  conn.serve((m: { path?: string; member?: string; body: unknown[] }) =>
    m.path === WATCHER_PATH && m.member === 'Get' && m.body[1] === 'IsStatusNotifierHostRegistered'
      ? { signature: 'v', body: [{ signature: 'b', value: true }] }
      : { error: 'org.freedesktop.DBus.Error.UnknownMethod' },
  );
  if (!(await conn.requestName(WATCHER_NAME))) fail(`could not stand in for ${WATCHER_NAME}`);
  watcher = conn;
}

const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
// A fresh profile on Linux (XDG); the Windows and macOS runners start with one.
Object.assign(env, { XDG_CONFIG_HOME: path.join(home, '.config'), ELECTRON_ENABLE_LOGGING: '1' });

console.log(`packaged-app smoke: launching ${executablePath} on ${process.platform}`);
const app = await electron.launch({ executablePath, args: ['--hidden'], env, timeout: 60_000 });
app.process().stderr?.on('data', (d: Buffer) => process.stderr.write(d));
try {
  const health = await waitFor('the proxy did not answer /healthz', healthz);
  console.log(`packaged-app smoke: /healthz → ${health.slice(0, 200)}`);

  const info = await app.evaluate(({ app: electronApp, BrowserWindow }) => ({
    name: electronApp.getName(),
    packaged: electronApp.isPackaged,
    windows: BrowserWindow.getAllWindows().filter((w) => w.isVisible()).length,
  }));
  console.log(`packaged-app smoke: ${JSON.stringify(info)}`);
  if (!info.packaged) fail('the app does not think it is packaged');
  if (info.windows !== 0) fail('a start at login opened a window: the app found no system tray');

  // Opening Keybridge again (what the tray's "Open Keybridge" does): the settings window appears.
  await app.evaluate(({ app: electronApp }) => electronApp.emit('second-instance'));
  const page = await app.firstWindow({ timeout: 30_000 });
  await page.waitForLoadState('domcontentloaded');
  console.log(`packaged-app smoke: window "${await page.title()}" at ${page.url()}`);
  if (!page.url().startsWith('keybridge://app/')) fail(`the window shows ${page.url()}`);

  // "Copy endpoint" in the window's header writes the system clipboard.
  await app.evaluate(({ clipboard }) => clipboard.writeText('before'));
  const copy = page.getByRole('button', { name: 'Copy endpoint' });
  await copy.waitFor({ state: 'visible', timeout: 30_000 });
  await copy.click();
  const copied = await waitFor('"Copy endpoint" did not reach the clipboard', async () => {
    const text = await app.evaluate(({ clipboard }) => clipboard.readText());
    return text === 'before' ? null : text;
  });
  if (copied !== endpoint) fail(`the clipboard holds "${copied}", not ${endpoint}`);
  console.log(`packaged-app smoke: clipboard after "Copy endpoint" → ${copied}`);

  // Closing the window keeps Keybridge in the tray, still serving.
  await app.evaluate(({ BrowserWindow }) => {
    for (const w of BrowserWindow.getAllWindows()) w.close();
  });
  await new Promise((r) => setTimeout(r, 1000));
  const afterClose = await app.evaluate(({ BrowserWindow }) => ({
    open: BrowserWindow.getAllWindows().length,
    visible: BrowserWindow.getAllWindows().filter((w) => w.isVisible()).length,
  }));
  if (afterClose.visible !== 0) fail('the window did not close');
  if (afterClose.open !== 1) fail('closing the window did not keep Keybridge in the tray');
  if ((await healthz()) === null) fail('the proxy stopped when the window closed');
} finally {
  await app.close();
  watcher?.close();
  rmSync(home, { recursive: true, force: true });
}
try {
  await fetch(`http://127.0.0.1:${port}/healthz`);
  fail('the proxy still answers after Quit');
} catch {
  console.log('packaged-app smoke: quit cleanly; OK');
}
