/**
 * A private D-Bus session bus for a test (the real dbus-daemon), and a stand-in tray watcher on it:
 * a process-side connection that owns org.kde.StatusNotifierWatcher and answers its
 * IsStatusNotifierHostRegistered property, as a desktop panel's watcher does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { DBusConnection, WATCHER_NAME, WATCHER_PATH } from '../../../app/tray-host.js';

export interface SessionBus {
  address: string;
  stop(): Promise<void>;
}

export async function startSessionBus(): Promise<SessionBus> {
  const daemon: ChildProcess = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    daemon.once('error', reject);
    daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)));
    daemon.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(line.trim());
    });
  });
  return {
    address,
    stop: () =>
      new Promise<void>((resolve) => {
        if (daemon.exitCode !== null) return resolve();
        daemon.once('exit', () => resolve());
        daemon.kill('SIGTERM');
      }),
  };
}

/** Owns the watcher's name on `address`; `hostRegistered` is what its property answers. */
export async function startTrayWatcher(address: string, hostRegistered = true): Promise<{ stop(): void }> {
  const conn = await DBusConnection.connect(address);
  conn.serve((m) => {
    if (
      m.path === WATCHER_PATH &&
      m.interface === 'org.freedesktop.DBus.Properties' &&
      m.member === 'Get' &&
      m.body[0] === WATCHER_NAME &&
      m.body[1] === 'IsStatusNotifierHostRegistered'
    ) {
      return { signature: 'v', body: [{ signature: 'b', value: hostRegistered }] };
    }
    return { error: 'org.freedesktop.DBus.Error.UnknownMethod' };
  });
  if (!(await conn.requestName(WATCHER_NAME))) throw new Error(`could not own ${WATCHER_NAME}`);
  return { stop: () => conn.close() };
}
