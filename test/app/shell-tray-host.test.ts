/**
 * The Linux tray check against a real session bus (dbus-daemon): no watcher → no tray; a watcher
 * with a host → tray; a watcher without a host → no tray; no bus at all → no tray.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTrayHost, WATCHER_NAME } from '../../app/tray-host.js';
import { type SessionBus, startSessionBus, startTrayWatcher } from './support/session-bus.js';

let bus: SessionBus;
beforeAll(async () => {
  bus = await startSessionBus();
});
afterAll(async () => {
  await bus?.stop();
});

const env = () => ({ DBUS_SESSION_BUS_ADDRESS: bus.address });

/** gdbus (GLib's own client), when installed, confirms what our client reads. */
function gdbusSeesWatcher(): boolean | null {
  try {
    const out = execFileSync(
      'gdbus',
      [
        'call',
        '--address',
        bus.address,
        '--dest',
        'org.freedesktop.DBus',
        '--object-path',
        '/org/freedesktop/DBus',
        '--method',
        'org.freedesktop.DBus.NameHasOwner',
        WATCHER_NAME,
      ],
      { encoding: 'utf8' },
    );
    return out.includes('true');
  } catch {
    return null;
  }
}

describe('Linux tray host check', () => {
  it('finds no tray on a desktop bus without a StatusNotifier watcher (GNOME without the extension)', async () => {
    const check = await checkTrayHost({ platform: 'linux', env: env() });
    expect(check).toEqual({ present: false, detail: `nothing owns ${WATCHER_NAME} on the session bus` });
    expect(gdbusSeesWatcher() ?? false).toBe(false);
  });

  it('finds the tray when a watcher with a registered host is on the bus', async () => {
    const watcher = await startTrayWatcher(bus.address, true);
    try {
      expect(gdbusSeesWatcher() ?? true).toBe(true);
      expect(await checkTrayHost({ platform: 'linux', env: env() })).toMatchObject({ present: true });
    } finally {
      watcher.stop();
    }
    // Once the watcher goes (the extension is turned off), the tray is gone again.
    await expect
      .poll(async () => (await checkTrayHost({ platform: 'linux', env: env() })).present, { timeout: 10_000 })
      .toBe(false);
  });

  it('a watcher with no host registered is no tray', async () => {
    const watcher = await startTrayWatcher(bus.address, false);
    try {
      expect(await checkTrayHost({ platform: 'linux', env: env() })).toEqual({
        present: false,
        detail: `${WATCHER_NAME} runs but no tray host is registered`,
      });
    } finally {
      watcher.stop();
    }
  });

  it('no session bus, or a dead one, is no tray; Windows and macOS always have one', async () => {
    expect((await checkTrayHost({ platform: 'linux', env: {} })).present).toBe(false);
    const dead = await checkTrayHost({
      platform: 'linux',
      env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      timeoutMs: 500,
    });
    expect(dead.present).toBe(false);
    expect(dead.detail).toMatch(/did not answer/);
    expect((await checkTrayHost({ platform: 'win32', env: {} })).present).toBe(true);
    expect((await checkTrayHost({ platform: 'darwin', env: {} })).present).toBe(true);
  });
});
