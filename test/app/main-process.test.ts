/**
 * The real main process (app/main.ts, with the real services and the real proxy on 127.0.0.1) run
 * under a stand-in `electron` module (support/fake-electron.ts) that answers as Electron does.
 * Each test launches main afresh and asserts what a user would notice.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { AppSettings } from '../../app/contract/index.js';
import { channelForMethod, METHOD_NAMES } from '../../app/contract/methods.js';
import { SettingsStore } from '../../app/services/settings-store.js';
import type { RunningShell } from '../../app/shell.js';
import { APP_ENTRY_URL, GRANTED_PERMISSIONS, RENDERER_CSP } from '../../app/shell-support.js';
import { type FakeBrowserWindow, FakeElectron } from './support/fake-electron.js';
import { type SessionBus, startSessionBus, startTrayWatcher } from './support/session-bus.js';

/** Waits for what the user would see; generous, the machine is shared with other test runs. */
const until = <T>(check: () => T) => vi.waitFor(check, { timeout: 15_000, interval: 20 });

const INDEX_HTML = '<!doctype html><title>Keybridge</title><div id="root"></div>';

interface Launched {
  fake: FakeElectron;
  shell: RunningShell | null;
  port: number;
  userData: string;
}

const saved = {
  platform: process.platform,
  execPath: process.execPath,
  argv: process.argv,
  env: { ...process.env },
};
const launched: Launched[] = [];
const temps: string[] = [];
let bus: SessionBus;
let watcher: { stop(): void } | null = null;

beforeAll(async () => {
  bus = await startSessionBus();
});
afterAll(async () => {
  await bus?.stop();
});

afterEach(async () => {
  for (const l of launched.splice(0)) {
    if (l.fake.exitCode === null) {
      l.fake.exit(0);
    }
    await l.shell?.services.shutdown(50);
  }
  watcher?.stop();
  watcher = null;
  Object.defineProperty(process, 'platform', { value: saved.platform });
  Object.defineProperty(process, 'execPath', { value: saved.execPath });
  process.argv = saved.argv;
  process.env = { ...saved.env };
  Reflect.deleteProperty(process, 'resourcesPath');
  vi.doUnmock('electron');
  vi.doUnmock('electron-updater');
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

function tmp(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface LaunchOptions {
  platform?: NodeJS.Platform;
  argv?: string[];
  env?: Record<string, string>;
  isPackaged?: boolean;
  openedAtLogin?: boolean;
  otherInstance?: FakeElectron;
  /** Linux: a StatusNotifier watcher (with a host) is on the session bus. Default true. */
  trayHost?: boolean;
  execPath?: string;
  userData?: string;
  /** Settings saved by an earlier run. */
  settings?: Partial<AppSettings>;
  /** What the system held before this launch (login items…). */
  before?: (fake: FakeElectron) => void;
}

async function launch(o: LaunchOptions = {}): Promise<Launched> {
  const platform = o.platform ?? 'linux';
  const userData = o.userData ?? tmp('kb-main-data-');
  const appPath = tmp('kb-main-app-');
  mkdirSync(path.join(appPath, 'renderer', 'dist'), { recursive: true });
  writeFileSync(path.join(appPath, 'renderer', 'dist', 'index.html'), INDEX_HTML);
  let port = 0;
  if (!o.userData) {
    port = await freePort();
    const store = SettingsStore.open({ dir: userData });
    store.updateSettings({ ...o.settings, port });
  } else {
    port = SettingsStore.open({ dir: userData }).getSettings().port;
  }

  if ((o.trayHost ?? true) && platform === 'linux' && !watcher) watcher = await startTrayWatcher(bus.address);
  const execPath = o.execPath ?? '/opt/Keybridge/keybridge';
  const fake = new FakeElectron({
    platform,
    userData,
    appPath,
    execPath,
    isPackaged: o.isPackaged ?? false,
    openedAtLogin: o.openedAtLogin,
    otherInstance: o.otherInstance,
  });
  o.before?.(fake);
  Object.defineProperty(process, 'platform', { value: platform });
  Object.defineProperty(process, 'execPath', { value: execPath }); // Electron's executable
  // Electron sets resourcesPath (beside app.asar): the packaged app reads its tray icons there.
  Object.assign(process, { resourcesPath: path.join(appPath, 'resources') });
  process.argv = o.argv ?? ['/opt/Keybridge/keybridge'];
  process.env = { ...saved.env, DBUS_SESSION_BUS_ADDRESS: bus.address, ...o.env };
  vi.resetModules();
  vi.doMock('electron', () => fake.module);
  vi.doMock('electron-updater', () => ({ default: { autoUpdater: fake.appUpdater } }));
  const main = await import('../../app/main.js');
  const shell = await main.started;
  const l = { fake, shell, port, userData };
  launched.push(l);
  return l;
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    return res.ok;
  } catch {
    return false;
  }
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

describe('the main process under Electron', () => {
  it('starts the proxy, shows the window on the app protocol under the CSP, and answers every contract call', async () => {
    const { fake, port } = await launch();
    expect(await healthy(port)).toBe(true);
    const win = only(fake.visibleWindows());
    await until(() => expect(win.webContents.loads).toHaveLength(1));
    const load = win.webContents.loads[0]!;
    expect(load).toMatchObject({ url: APP_ENTRY_URL, status: 200, body: INDEX_HTML });
    expect(load.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect(load.headers['content-type']).toMatch(/^text\/html/);
    expect(win.options).toMatchObject({
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false },
    });
    // Every call the window can make has a handler, and they answer our page.
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(METHOD_NAMES.map(channelForMethod).sort());
    expect(await fake.invoke(win, channelForMethod('proxy.status'))).toMatchObject({
      ok: true,
      value: { state: 'running', port },
    });
    // The page cannot navigate away.
    expect(win.webContents.navigate('https://example.com/')).toBe(false);
  });

  it('"Copy endpoint" in the window puts the URL on the clipboard', async () => {
    const { fake, port } = await launch();
    const win = only(fake.visibleWindows());
    await until(() => expect(win.webContents.getURL()).toBe(APP_ENTRY_URL));
    const url = `http://127.0.0.1:${port}/v1`;
    expect(await fake.rendererWritesClipboard(win, url)).toBe('written');
    expect(fake.clipboardText).toBe(url);
  });

  it('grants clipboard writing to our own page only, and nothing else to anyone', async () => {
    const { fake } = await launch();
    const asked = [
      'clipboard-sanitized-write',
      'clipboard-read',
      'notifications',
      'media',
      'geolocation',
      'openExternal',
      'fullscreen',
      'unknown',
    ];
    for (const permission of asked) {
      for (const url of [
        APP_ENTRY_URL,
        'keybridge://app/settings',
        'https://evil.example/',
        'keybridge://other/',
      ]) {
        const answer = await fake.permissionFor(permission, url);
        const expected = GRANTED_PERMISSIONS.includes(permission) && url.startsWith('keybridge://app/');
        expect({ permission, url, ...answer }).toEqual({
          permission,
          url,
          check: expected,
          request: expected,
        });
      }
    }
    expect(GRANTED_PERMISSIONS).toEqual(['clipboard-sanitized-write']);
  });

  it('every tray item does what it says', async () => {
    const { fake, port } = await launch({ argv: ['keybridge', '--hidden'] });
    const tray = fake.tray()!;
    expect(fake.visibleWindows()).toHaveLength(0); // started at login: in the tray only
    expect(tray.tooltip).toContain(`http://127.0.0.1:${port}/v1`);

    tray.choose('OpenAI style');
    expect(fake.clipboardText).toBe(`http://127.0.0.1:${port}/v1`);
    tray.choose('Gemini style');
    expect(fake.clipboardText).toBe(`http://127.0.0.1:${port}`);

    tray.choose('Stop proxy');
    await until(() => expect(tray.menu?.find('Start proxy')?.enabled).toBe(true));
    expect(await healthy(port)).toBe(false);
    expect(tray.menu?.find('Copy endpoint')?.enabled).toBe(false);
    tray.choose('Start proxy');
    await until(() => expect(tray.menu?.find('Stop proxy')?.enabled).toBe(true));
    expect(await healthy(port)).toBe(true);

    tray.choose('Open Keybridge');
    const win = only(fake.visibleWindows());
    tray.emit('click'); // clicking the icon opens the same window
    expect(fake.windows).toHaveLength(1);
    expect(win.focusCount).toBeGreaterThan(0);

    tray.choose('Launch at login');
    await until(() => expect(tray.menu?.find('Launch at login')?.checked).toBe(true));

    tray.choose('Quit Keybridge');
    await until(() => expect(fake.exitCode).toBe(0));
    expect(await healthy(port)).toBe(false);
  });

  it('a second launch focuses the first window and quits', async () => {
    const first = await launch();
    const win = only(first.fake.visibleWindows());
    win.hide(); // closed to the tray earlier
    const second = await launch({ otherInstance: first.fake, userData: first.userData });
    expect(second.shell).toBeNull();
    expect(second.fake.quitRequests + (second.fake.exitCode !== null ? 1 : 0)).toBeGreaterThan(0);
    expect(second.fake.windows).toHaveLength(0);
    expect(first.fake.visibleWindows()).toEqual([win]);
    expect(win.focusCount).toBeGreaterThan(0);
  });

  it('Windows portable: "Launch at login" registers the .exe the user keeps, not the temporary copy', async () => {
    const keptExe = 'C:\\Users\\Lin\\Downloads\\Keybridge-1.2.3-portable.exe';
    const { fake } = await launch({
      platform: 'win32',
      isPackaged: true,
      execPath: 'C:\\Users\\Lin\\AppData\\Local\\Temp\\2kq8sV\\Keybridge.exe',
      env: { PORTABLE_EXECUTABLE_FILE: keptExe, PORTABLE_EXECUTABLE_DIR: 'C:\\Users\\Lin\\Downloads' },
    });
    fake.tray()!.choose('Launch at login');
    await until(() => expect(fake.loginItems).toEqual([{ path: keptExe, args: ['--hidden'] }]));
    await until(() => expect(fake.tray()!.menu?.find('Launch at login')?.checked).toBe(true));
    fake.tray()!.choose('Launch at login');
    await until(() => expect(fake.loginItems).toEqual([]));
  });

  it('Windows, after an upgrade: Keybridge is registered to start at login once', async () => {
    const exe = 'C:\\Users\\Lin\\AppData\\Local\\Programs\\Keybridge\\Keybridge.exe';
    const { fake } = await launch({
      platform: 'win32',
      isPackaged: true,
      execPath: exe,
      settings: { launchAtLogin: true },
      // What an earlier version registered: the value Electron names after its default AppUserModelID.
      before: (f) => f.runKey.set('electron.app.Keybridge', { path: exe, args: ['--hidden'] }),
    });
    await until(() =>
      expect([...fake.runKey]).toEqual([['io.github.keybridge.app', { path: exe, args: ['--hidden'] }]]),
    );
  });

  it("Windows: toasts use the installer shortcut's AppUserModelID, and one notice is one notification", async () => {
    const builder = parseYaml(readFileSync(path.resolve('electron-builder.yml'), 'utf8')) as {
      appId: string;
    };
    const { fake } = await launch({
      platform: 'win32',
      isPackaged: true,
      execPath: 'C:\\Program Files\\Keybridge\\Keybridge.exe',
    });
    expect(fake.appUserModelId).toBe(builder.appId);
    only(fake.visibleWindows()).close();
    const shown = [...fake.notifications.map((n) => n.body), ...fake.tray()!.balloons.map((b) => b.content)];
    expect(shown).toEqual(['Keybridge is still running in the tray. Use Quit in the tray menu to stop it.']);
    expect(fake.notifications).toHaveLength(1); // the installed app: a toast
  });

  it('Windows portable: the one notification is the tray balloon (no shortcut carries the ID)', async () => {
    const { fake } = await launch({
      platform: 'win32',
      isPackaged: true,
      env: { PORTABLE_EXECUTABLE_FILE: 'C:\\k\\Keybridge-portable.exe', PORTABLE_EXECUTABLE_DIR: 'C:\\k' },
    });
    only(fake.visibleWindows()).close();
    expect(fake.notifications).toEqual([]);
    expect(fake.tray()!.balloons).toHaveLength(1);
  });

  it('macOS: started at login it stays in the menu bar, and opens the window when asked', async () => {
    const { fake } = await launch({ platform: 'darwin', openedAtLogin: true });
    expect(fake.visibleWindows()).toHaveLength(0);
    expect(fake.tray()).toBeDefined();
    fake.appEvents.emit('activate'); // clicking the Dock icon
    expect(fake.visibleWindows()).toHaveLength(1);
  });

  it('Linux with no tray host: the window stays reachable, says why, and closing it quits', async () => {
    const { fake, port } = await launch({ argv: ['keybridge', '--hidden'], trayHost: false });
    expect(fake.trays).toHaveLength(0);
    const win = only(fake.visibleWindows()); // even when started at login
    const notices = (await fake.invoke(win, channelForMethod('app.notices'))) as {
      value: Array<{ id: string; message: string; hint?: string }>;
    };
    expect(notices.value.find((n) => n.id === 'no-tray')).toMatchObject({
      message: expect.stringContaining('closing it quits Keybridge'),
      hint: expect.stringContaining('AppIndicator'),
    });
    win.close();
    expect(win.destroyed).toBe(true); // not hidden to a tray that is not there
    await until(() => expect(fake.exitCode).toBe(0));
    expect(await healthy(port)).toBe(false);
  });

  it('Linux with a tray host: closing the window keeps Keybridge running in the tray', async () => {
    const { fake, port } = await launch();
    expect(fake.trays).toHaveLength(1);
    const win = only(fake.visibleWindows());
    win.close();
    expect(win.destroyed).toBe(false);
    expect(fake.visibleWindows()).toHaveLength(0);
    expect(fake.exitCode).toBeNull();
    expect(await healthy(port)).toBe(true);
  });
});

describe('updates from the tray', () => {
  let bin: string;
  const codesign = (output: string) => {
    bin = tmp('kb-codesign-');
    const script = path.join(bin, 'codesign');
    writeFileSync(script, `#!/bin/sh\ncat >&2 <<'EOF'\n${output}\nEOF\n`);
    chmodSync(script, 0o755);
    return { PATH: `${bin}${path.delimiter}${process.env.PATH}` };
  };
  const DEVELOPER_ID = [
    'Executable=/Applications/Keybridge.app/Contents/MacOS/Keybridge',
    'Identifier=io.github.keybridge.app',
    'Format=app bundle with Mach-O thin (arm64)',
    'CodeDirectory v=20500 size=1234 flags=0x10000(runtime) hashes=27+7 location=embedded',
    'Signature size=9049',
    'Authority=Developer ID Application: Keybridge contributors (ABCDE12345)',
    'Authority=Developer ID Certification Authority',
    'Authority=Apple Root CA',
    'TeamIdentifier=ABCDE12345',
  ].join('\n');
  const AD_HOC = [
    'Executable=/Applications/Keybridge.app/Contents/MacOS/Keybridge',
    'Identifier=Keybridge',
    'CodeDirectory v=20400 size=1234 flags=0x2(adhoc) hashes=27+7 location=embedded',
    'Signature=adhoc',
    'TeamIdentifier=not set',
  ].join('\n');

  async function updateReady(fake: FakeElectron): Promise<FakeBrowserWindow> {
    fake.appUpdater.offer = '9.9.9';
    fake.tray()!.choose('Check for updates automatically');
    await until(() => expect(fake.tray()!.menu?.find('Update ready')).toBeDefined());
    return only(fake.visibleWindows());
  }

  for (const platform of ['darwin', 'win32', 'linux'] as const) {
    it(`${platform}: "Update ready — restart" installs with the window open`, async () => {
      const env = platform === 'darwin' ? codesign(DEVELOPER_ID) : {};
      const { fake, port } = await launch({ platform, isPackaged: true, env });
      await updateReady(fake);
      fake.tray()!.choose('Update ready');
      await until(() => expect(fake.updateInstalled).toBe(true));
      await until(() => expect(fake.exitCode).toBe(0));
      expect(fake.appUpdater.quitAndInstallCalls).toBe(1);
      expect(await healthy(port)).toBe(false);
    });
  }

  it('macOS: a build without a Developer ID signature offers no updates it could not install', async () => {
    const { fake } = await launch({ platform: 'darwin', isPackaged: true, env: codesign(AD_HOC) });
    expect(fake.tray()!.menu?.find('Check for updates')).toBeUndefined();
    expect(fake.appUpdater.checks).toBe(0);
  });

  it('the Windows portable build offers no updates', async () => {
    const { fake } = await launch({
      platform: 'win32',
      isPackaged: true,
      env: { PORTABLE_EXECUTABLE_FILE: 'C:\\k\\Keybridge-portable.exe', PORTABLE_EXECUTABLE_DIR: 'C:\\k' },
    });
    expect(fake.tray()!.menu?.find('Check for updates')).toBeUndefined();
  });
});
