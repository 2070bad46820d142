/** Updates: checked only while the user allows it; a downloaded one shows "Update ready — restart" in the tray. */
import { describe, expect, it, vi } from 'vitest';
import { aboutContent, canSelfUpdate, macAppBundle, macSignedForUpdates } from '../../app/about.js';
import type { ProxyStatusView } from '../../app/contract/index.js';
import { DEFAULT_SETTINGS } from '../../app/services/settings-store.js';
import { UpdateService } from '../../app/services/update-service.js';
import { type TrayMenuItem, trayMenuModel } from '../../app/tray-menu.js';
import { FakeUpdater } from './support/fake-updater.js';

function setup() {
  const updater = new FakeUpdater();
  const logs: string[] = [];
  const timers: Array<() => void> = [];
  let cleared = 0;
  const service = new UpdateService({
    updater,
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(`warn: ${m}`) },
    timers: {
      setInterval: (fn) => {
        timers.push(fn);
        return timers.length;
      },
      clearInterval: () => {
        cleared++;
      },
    },
  });
  return { updater, service, logs, timers, cleared: () => cleared };
}

const running = { state: 'running', port: 5731, url: 'http://127.0.0.1:5731' } as unknown as ProxyStatusView;
const labels = (items: TrayMenuItem[]) => items.map((i) => ('label' in i ? i.label : '—'));

describe('update service', () => {
  it('is off by default and never contacts GitHub until the user allows it', async () => {
    const { updater, service } = setup();
    expect(DEFAULT_SETTINGS.checkForUpdates).toBe(false);
    await service.checkNow();
    expect(updater.checks).toBe(0);
    expect(service.state().kind).toBe('off');
  });

  it('once allowed, checks at once and again on a timer, downloading what it finds', async () => {
    const { updater, service, timers } = setup();
    service.setAllowed(true);
    expect(updater.checks).toBe(1);
    expect(updater.autoDownload).toBe(true);
    await vi.waitFor(() => expect(service.state().kind).toBe('idle'));
    updater.offer = '1.2.0';
    timers[0]!();
    await vi.waitFor(() => expect(service.readyVersion()).toBe('1.2.0'));
    expect(updater.checks).toBe(2);
  });

  it('"Update ready — restart" installs the downloaded version and starts it again', async () => {
    const { updater, service } = setup();
    expect(service.restartToInstall()).toBe(false);
    updater.offer = '0.2.0';
    service.setAllowed(true);
    await vi.waitFor(() => expect(service.readyVersion()).toBe('0.2.0'));
    expect(service.restartToInstall()).toBe(true);
    expect(updater.installs).toEqual([[false, true]]);
  });

  it('turning it off stops the timer; an unreachable server is logged, not thrown', async () => {
    const { updater, service, logs, cleared } = setup();
    updater.failWith = new Error('net::ERR_INTERNET_DISCONNECTED');
    service.setAllowed(true);
    await vi.waitFor(() => expect(service.state().kind).toBe('failed'));
    expect(logs.some((l) => l.includes('ERR_INTERNET_DISCONNECTED'))).toBe(true);
    service.setAllowed(false);
    expect(cleared()).toBe(1);
    expect(service.state().kind).toBe('off');
    await service.checkNow();
    expect(updater.checks).toBe(1);
  });
});

describe('tray menu with updates and About', () => {
  it('shows "Update ready — restart" only when a version is waiting', () => {
    const base = { status: running, launchAtLogin: false, language: 'en' as const, checkForUpdates: true };
    expect(labels(trayMenuModel({ ...base, updateReady: null })).join('|')).not.toContain('Update ready');
    const menu = trayMenuModel({ ...base, updateReady: '1.2.0' });
    const item = menu.find((i) => 'label' in i && i.label.startsWith('Update ready — restart'));
    expect(item).toMatchObject({
      enabled: true,
      action: 'restart-to-update',
      label: 'Update ready — restart (1.2.0)',
    });
    expect(labels(trayMenuModel({ ...base, language: 'zh-CN', updateReady: '1.2.0' }))).toContain(
      '更新已就绪 — 重启 (1.2.0)',
    );
  });

  it('offers the "check for updates" choice only where the app can update itself, and About when asked', () => {
    const withUpdates = trayMenuModel({
      status: running,
      launchAtLogin: false,
      language: 'en',
      checkForUpdates: false,
      about: true,
    });
    expect(
      withUpdates.find((i) => i.type === 'checkbox' && i.action === 'toggle-check-for-updates'),
    ).toMatchObject({
      checked: false,
      label: 'Check for updates automatically',
    });
    expect(labels(withUpdates)).toContain('About Keybridge');
    const plain = trayMenuModel({ status: running, launchAtLogin: false, language: 'en' });
    expect(labels(plain)).not.toContain('Check for updates automatically');
    expect(labels(plain)).not.toContain('About Keybridge');
    expect(canSelfUpdate({ isPackaged: true, env: {}, platform: 'linux' })).toBe(true);
    expect(canSelfUpdate({ isPackaged: true, env: {}, platform: 'win32' })).toBe(true);
    expect(canSelfUpdate({ isPackaged: false, env: {}, platform: 'linux' })).toBe(false);
    expect(
      canSelfUpdate({ isPackaged: true, env: { PORTABLE_EXECUTABLE_DIR: 'C:\\Apps' }, platform: 'win32' }),
    ).toBe(false);
  });

  it('a Mac build updates itself only when signed with a Developer ID (Squirrel.Mac refuses the rest)', () => {
    const developerId = [
      'Executable=/Applications/Keybridge.app/Contents/MacOS/Keybridge',
      'CodeDirectory v=20500 size=1234 flags=0x10000(runtime) hashes=27+7 location=embedded',
      'Authority=Developer ID Application: Keybridge contributors (ABCDE12345)',
      'Authority=Developer ID Certification Authority',
      'Authority=Apple Root CA',
      'TeamIdentifier=ABCDE12345',
    ].join('\n');
    const adHoc = [
      'Executable=/Applications/Keybridge.app/Contents/MacOS/Keybridge',
      'CodeDirectory v=20400 size=1234 flags=0x2(adhoc) hashes=27+7 location=embedded',
      'Signature=adhoc',
      'TeamIdentifier=not set',
    ].join('\n');
    const mac = (macSignature: string | null) =>
      canSelfUpdate({ isPackaged: true, env: {}, platform: 'darwin', macSignature });
    expect(mac(developerId)).toBe(true);
    expect(mac(adHoc)).toBe(false);
    expect(mac('code object is not signed at all')).toBe(false);
    expect(mac(null)).toBe(false); // codesign could not say: do not offer what may not install
    expect(
      macSignedForUpdates(developerId.replace('TeamIdentifier=ABCDE12345', 'TeamIdentifier=not set')),
    ).toBe(false);
    expect(macAppBundle('/Applications/Keybridge.app/Contents/MacOS/Keybridge')).toBe(
      '/Applications/Keybridge.app',
    );
  });

  it('About names the version and opens the shipped notices and licence', () => {
    const packaged = aboutContent({
      version: '0.1.0',
      versions: { electron: '45.4.1', chrome: '142.0', node: '22.20.0' },
      isPackaged: true,
      resourcesPath: '/opt/Keybridge/resources',
      appRoot: '/opt/Keybridge/resources/app.asar',
    });
    expect(packaged.message).toBe('Keybridge 0.1.0');
    expect(packaged.detail).toContain('Electron 45.4.1');
    expect(packaged.notices).toBe('/opt/Keybridge/resources/THIRD_PARTY_NOTICES.txt');
    expect(packaged.license).toBe('/opt/Keybridge/resources/LICENSE.txt');
    const dev = aboutContent({
      version: '0.1.0',
      versions: {},
      isPackaged: false,
      resourcesPath: '/x',
      appRoot: '/src/keybridge',
    });
    expect(dev.notices).toBe('/src/keybridge/build/THIRD_PARTY_NOTICES.txt');
  });
});
