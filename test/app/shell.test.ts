/** The Electron shell's decisions and the tray, tested as plain data (no electron import). */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import type { ProxyStatusView } from '../../app/contract/index.js';
import { METHOD_NAMES } from '../../app/contract/index.js';
import {
  autostartFile,
  createLoginItem,
  desktopEntry,
  HIDDEN_ARG,
  loginExecutable,
} from '../../app/login-item.js';
import {
  APP_ENTRY_URL,
  createQuitSequence,
  isTrustedSender,
  onWindowClose,
  preloadChannelArgument,
  rendererFileFor,
} from '../../app/shell-support.js';
import { trayIconPng } from '../../app/tray-icon.js';
import {
  endpointFor,
  pickTrayLanguage,
  type TrayMenuItem,
  trayIconState,
  trayMenuModel,
} from '../../app/tray-menu.js';

const stats = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, activeStreams: 0 };
const running: ProxyStatusView = {
  state: 'running',
  port: 5732,
  host: '127.0.0.1',
  url: 'http://127.0.0.1:5732/v1',
  portNote: 'Port 5731 is used by another program, so Keybridge is using port 5732.',
  stats,
};
const stopped: ProxyStatusView = { state: 'stopped', stats };
const failed: ProxyStatusView = { state: 'error', error: 'Ports 5731 to 5740 are all in use', stats };

const labels = (items: TrayMenuItem[]) =>
  items.map((i) => (i.type === 'separator' ? '—' : `${i.label}${i.enabled ? '' : ' (disabled)'}`));

describe('tray menu', () => {
  it('shows the status line, the URL and every action while running', () => {
    const menu = trayMenuModel({ status: running, launchAtLogin: true, language: 'en' });
    expect(labels(menu)).toEqual([
      'Keybridge is running (disabled)',
      'http://127.0.0.1:5732/v1 (disabled)',
      'Port 5731 is used by another program, so Keybridge is using port 5732. (disabled)',
      '—',
      'Stop proxy',
      'Copy endpoint',
      '—',
      'Open Keybridge',
      'Launch at login',
      '—',
      'Quit Keybridge',
    ]);
    const copy = menu.find((i) => i.type === 'submenu');
    expect(
      copy && copy.type === 'submenu' && copy.items.map((i) => (i.type === 'normal' ? i.action : null)),
    ).toEqual(['copy-openai', 'copy-claude', 'copy-gemini']);
    expect(menu.find((i) => i.type === 'checkbox')).toMatchObject({
      checked: true,
      action: 'toggle-launch-at-login',
    });
  });

  it('offers Start, and no copy, when stopped or failed; shows the reason', () => {
    const menu = trayMenuModel({ status: failed, launchAtLogin: false, language: 'en' });
    expect(labels(menu).slice(0, 5)).toEqual([
      'Keybridge could not start (disabled)',
      'Ports 5731 to 5740 are all in use (disabled)',
      '—',
      'Start proxy',
      'Copy endpoint (disabled)',
    ]);
    expect(
      labels(trayMenuModel({ status: { state: 'starting', stats }, launchAtLogin: false, language: 'en' })),
    ).toContain('Start proxy (disabled)');
  });

  it('speaks Chinese when the OS or the user says so', () => {
    expect(pickTrayLanguage('system', 'zh-CN')).toBe('zh-CN');
    expect(pickTrayLanguage('system', 'en-GB')).toBe('en');
    expect(pickTrayLanguage('en', 'zh-TW')).toBe('en');
    expect(labels(trayMenuModel({ status: stopped, launchAtLogin: false, language: 'zh-CN' }))[0]).toBe(
      'Keybridge 已停止 (disabled)',
    );
  });

  it('copies the endpoint each SillyTavern source wants', () => {
    expect(endpointFor('openai', running)).toBe('http://127.0.0.1:5732/v1');
    expect(endpointFor('claude', running)).toBe('http://127.0.0.1:5732/v1');
    expect(endpointFor('gemini', running)).toBe('http://127.0.0.1:5732');
    expect(endpointFor('openai', stopped)).toBeNull();
  });

  it('draws a distinct, valid PNG icon per state', () => {
    const pngs = (['running', 'stopped', 'error', 'busy'] as const).map((s) => trayIconPng(s, 16));
    for (const png of pngs) {
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(16);
      const idatLen = png.readUInt32BE(33);
      expect(inflateSync(png.subarray(41, 41 + idatLen)).length).toBe(16 * (1 + 16 * 4));
    }
    expect(new Set(pngs.map((p) => p.toString('base64'))).size).toBe(4);
    expect(trayIconState(running)).toBe('running');
    expect(trayIconState(failed)).toBe('error');
  });
});

describe('window and IPC', () => {
  it('trusts only our own page in our own window', () => {
    expect(isTrustedSender(APP_ENTRY_URL, true)).toBe(true);
    expect(isTrustedSender('keybridge://app/settings', true)).toBe(true);
    expect(isTrustedSender(APP_ENTRY_URL, false)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true)).toBe(false);
    expect(isTrustedSender('keybridge://evil/index.html', true)).toBe(false);
    expect(isTrustedSender('file:///etc/passwd', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
  });

  it('hands the preload every contract channel', () => {
    const arg = preloadChannelArgument();
    const spec = JSON.parse(decodeURIComponent(arg.split('=')[1]!));
    expect(Object.keys(spec.methods)).toEqual(METHOD_NAMES);
    expect(spec.events['status.changed']).toBe('kb:event:status.changed');
  });

  it('serves renderer files only from the renderer directory', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kb-shell-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), 'x');
    writeFileSync(path.join(dir, 'assets', 'a.js'), 'x');
    expect(rendererFileFor(dir, 'keybridge://app/assets/a.js')).toBe(path.join(dir, 'assets', 'a.js'));
    expect(rendererFileFor(dir, 'keybridge://app/models')).toBe(path.join(dir, 'index.html'));
    expect(rendererFileFor(dir, 'keybridge://app/assets/missing.js')).toBeNull();
    expect(rendererFileFor(dir, 'keybridge://app/..%2f..%2fetc%2fpasswd')).toBeNull();
    expect(rendererFileFor(dir, 'keybridge://other/index.html')).toBeNull();
  });

  it('closing the window keeps the app in the tray and says so only the first time', () => {
    expect(onWindowClose({ quitting: false, trayNoticeShown: false, hasTray: true })).toEqual({
      hide: true,
      showTrayNotice: true,
    });
    expect(onWindowClose({ quitting: false, trayNoticeShown: true, hasTray: true })).toEqual({
      hide: true,
      showTrayNotice: false,
    });
    expect(onWindowClose({ quitting: true, trayNoticeShown: false, hasTray: true }).hide).toBe(false);
    expect(onWindowClose({ quitting: false, trayNoticeShown: false, hasTray: false }).hide).toBe(false);
  });

  it('quitting drains once, then exits', async () => {
    let release: () => void = () => {};
    const shutdown = vi.fn((_ms: number) => new Promise<void>((r) => (release = r)));
    const exit = vi.fn();
    const q = createQuitSequence({ shutdown, exit, drainMs: 3000 });
    expect(q.requestQuit()).toBe(true);
    expect(q.requestQuit()).toBe(true);
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(shutdown).toHaveBeenCalledWith(3000);
    expect(exit).not.toHaveBeenCalled();
    release();
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
  });

  it('quitting gives up waiting after the drain time', async () => {
    vi.useFakeTimers();
    try {
      const exit = vi.fn();
      const q = createQuitSequence({
        shutdown: () => new Promise(() => {}),
        exit,
        drainMs: 1000,
        graceMs: 500,
      });
      q.requestQuit();
      vi.advanceTimersByTime(1499);
      expect(exit).not.toHaveBeenCalled();
      vi.advanceTimersByTime(2);
      expect(exit).toHaveBeenCalledWith(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('launch at login', () => {
  it('writes and removes a Linux autostart entry that starts hidden', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'kb-home-'));
    const env = { XDG_CONFIG_HOME: path.join(home, 'cfg') };
    const item = createLoginItem({ platform: 'linux', execPath: '/opt/Key Bridge/keybridge', env });
    expect(item.isEnabled()).toBe(false);
    await item.setEnabled(true);
    const file = autostartFile(env);
    expect(file).toBe(path.join(home, 'cfg', 'autostart', 'keybridge.desktop'));
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('[Desktop Entry]');
    expect(text).toContain(`Exec="/opt/Key Bridge/keybridge" ${HIDDEN_ARG}`);
    expect(item.isEnabled()).toBe(true);
    await item.setEnabled(false);
    expect(existsSync(file)).toBe(false);
    expect(item.isEnabled()).toBe(false);
  });

  it('quotes Exec arguments and escapes percent signs', () => {
    expect(desktopEntry('/usr/bin/kb', ['--x=a$b', '50%'])).toContain('Exec=/usr/bin/kb "--x=a\\$b" 50%%');
  });

  it('uses the OS login items on macOS and Windows', async () => {
    const set = vi.fn();
    const item = createLoginItem({
      platform: 'darwin',
      execPath: '/Applications/Keybridge.app',
      setLoginItemSettings: set,
      getLoginItemSettings: () => ({ openAtLogin: true }),
    });
    await item.setEnabled(true);
    // macOS login items take no arguments (the shell asks wasOpenedAtLogin instead).
    expect(set).toHaveBeenCalledWith({ openAtLogin: true });
    expect(item.isEnabled()).toBe(true);

    const win = vi.fn();
    const get = vi.fn(() => ({ openAtLogin: false }));
    const exe = 'C:\\Users\\Lin\\Downloads\\Keybridge-1.2.3-portable.exe';
    const onWindows = createLoginItem({
      platform: 'win32',
      execPath: exe,
      setLoginItemSettings: win,
      getLoginItemSettings: get,
    });
    await onWindows.setEnabled(true);
    // Windows keys the Run entry by path and args; the path must be the one that stays on disk.
    expect(win).toHaveBeenCalledWith({ openAtLogin: true, path: exe, args: [HIDDEN_ARG] });
    expect(onWindows.isEnabled()).toBe(false);
    expect(get).toHaveBeenCalledWith({ path: exe, args: [HIDDEN_ARG] });
  });

  it('starts the executable that survives: the portable .exe or the AppImage, not the unpacked copy', () => {
    const temp = 'C:\\Users\\Lin\\AppData\\Local\\Temp\\2kq8sV\\Keybridge.exe';
    expect(loginExecutable({ PORTABLE_EXECUTABLE_FILE: 'D:\\Keybridge-portable.exe' }, temp)).toBe(
      'D:\\Keybridge-portable.exe',
    );
    expect(loginExecutable({ APPIMAGE: '/home/lin/Keybridge.AppImage' }, '/tmp/.mount_Keybr/keybridge')).toBe(
      '/home/lin/Keybridge.AppImage',
    );
    expect(loginExecutable({}, '/opt/Keybridge/keybridge')).toBe('/opt/Keybridge/keybridge');
  });
});
