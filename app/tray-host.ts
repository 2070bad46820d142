/**
 * Whether a Linux desktop can show the tray icon. Electron's Tray uses the StatusNotifierItem
 * protocol and does not throw when nothing displays it (GNOME without the AppIndicator extension),
 * so the app asks the session bus itself: is `org.kde.StatusNotifierWatcher` owned, and does the
 * watcher say a host (a panel that draws the icons) is registered?
 *
 * Plain Node (no electron, no D-Bus library, no command-line tool): a minimal D-Bus client over the
 * session bus's unix socket — SASL EXTERNAL, method calls and replies with the few types needed.
 * `DBusConnection` can also own a name and answer calls, which is how tests stand up a watcher.
 */
import net from 'node:net';
import {
  type DBusMessage,
  type DBusValue,
  decodeMessage,
  ERROR,
  encodeMessage,
  METHOD_CALL,
  METHOD_RETURN,
} from './dbus-wire.js';

export type { DBusMessage, DBusValue } from './dbus-wire.js';

export const WATCHER_NAME = 'org.kde.StatusNotifierWatcher';
export const WATCHER_PATH = '/StatusNotifierWatcher';

export interface TrayHostCheck {
  /** A tray host is there (or this is not a StatusNotifier desktop: not Linux). */
  present: boolean;
  /** What was found, for the log. */
  detail: string;
}

/** Asks the session bus whether a StatusNotifier host is running. Never throws. */
export async function checkTrayHost(
  opts: { platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<TrayHostCheck> {
  const platform = opts.platform ?? process.platform;
  if (platform !== 'linux') return { present: true, detail: `${platform} always has a tray` };
  const env = opts.env ?? process.env;
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (!address)
    return { present: false, detail: 'there is no desktop session bus (DBUS_SESSION_BUS_ADDRESS)' };
  let bus: DBusConnection | null = null;
  try {
    bus = await DBusConnection.connect(address, opts.timeoutMs ?? 2000);
    const [owned] = await bus.call({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'NameHasOwner',
      signature: 's',
      body: [WATCHER_NAME],
    });
    if (owned !== true) return { present: false, detail: `nothing owns ${WATCHER_NAME} on the session bus` };
    try {
      const [reply] = await bus.call({
        destination: WATCHER_NAME,
        path: WATCHER_PATH,
        interface: 'org.freedesktop.DBus.Properties',
        member: 'Get',
        signature: 'ss',
        body: [WATCHER_NAME, 'IsStatusNotifierHostRegistered'],
      });
      const host = typeof reply === 'object' ? reply.value : reply;
      if (host === false)
        return { present: false, detail: `${WATCHER_NAME} runs but no tray host is registered` };
    } catch {
      // A watcher that does not answer the property: trust that it is there for a reason.
    }
    return { present: true, detail: `${WATCHER_NAME} is on the session bus` };
  } catch (err) {
    return {
      present: false,
      detail: `the session bus did not answer (${err instanceof Error ? err.message : String(err)})`,
    };
  } finally {
    bus?.close();
  }
}

// ---------------------------------------------------------------------------------------------
// A minimal D-Bus client (little-endian; types y b u s o g v and flat structs of them).

function socketPath(address: string): string {
  for (const entry of address.split(';')) {
    const [transport, params = ''] = entry.split(':', 2) as [string, string?];
    if (transport !== 'unix') continue;
    const kv = Object.fromEntries(
      params.split(',').map((p) => {
        const i = p.indexOf('=');
        return [p.slice(0, i), decodeURIComponent(p.slice(i + 1))];
      }),
    );
    if (kv.path) return kv.path;
    if (kv.abstract) return `\0${kv.abstract}`;
  }
  throw new Error(`no unix socket in the bus address "${address}"`);
}

export interface DBusCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: DBusValue[];
}

export class DBusConnection {
  readonly #socket: net.Socket;
  readonly #timeoutMs: number;
  #serial = 0;
  #buffer = Buffer.alloc(0);
  readonly #pending = new Map<number, { resolve: (m: DBusMessage) => void; reject: (e: Error) => void }>();
  #onCall: ((m: DBusMessage) => { signature: string; body: DBusValue[] } | { error: string }) | null = null;
  uniqueName = '';

  private constructor(socket: net.Socket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
  }

  static async connect(address: string, timeoutMs = 2000): Promise<DBusConnection> {
    const path = socketPath(address);
    const socket = net.createConnection({ path });
    const conn = new DBusConnection(socket, timeoutMs);
    await conn.#authenticate();
    const [name] = await conn.call({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'Hello',
    });
    conn.uniqueName = String(name);
    return conn;
  }

  #authenticate(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error('the session bus did not answer in time')),
        this.#timeoutMs,
      );
      timer.unref();
      let text = '';
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.#socket.destroy();
        reject(err);
      };
      const onData = (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (!text.includes('\r\n')) return;
        this.#socket.off('data', onData);
        if (!text.startsWith('OK ')) return fail(new Error(`the session bus refused us (${text.trim()})`));
        clearTimeout(timer);
        this.#socket.write('BEGIN\r\n');
        this.#socket.on('data', (d: Buffer) => this.#receive(d));
        resolve();
      };
      this.#socket.once('error', fail);
      this.#socket.on('error', (err) => this.#failAll(err));
      this.#socket.on('close', () => this.#failAll(new Error('the session bus closed the connection')));
      this.#socket.on('data', onData);
      const uid = String(process.getuid?.() ?? 0);
      this.#socket.write(`\0AUTH EXTERNAL ${Buffer.from(uid).toString('hex')}\r\n`);
    });
  }

  /** Calls a method; resolves with the reply's body, rejects with a D-Bus error or a timeout. */
  call(c: DBusCall): Promise<DBusValue[]> {
    const serial = ++this.#serial;
    const message = encodeMessage({
      type: METHOD_CALL,
      serial,
      path: c.path,
      interface: c.interface,
      member: c.member,
      destination: c.destination,
      signature: c.signature ?? '',
      body: c.body,
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(serial);
        reject(new Error(`${c.member} got no answer in time`));
      }, this.#timeoutMs);
      timer.unref();
      this.#pending.set(serial, {
        resolve: (m) => {
          clearTimeout(timer);
          if (m.type === ERROR) reject(new Error(`${m.errorName}: ${String(m.body[0] ?? '')}`));
          else resolve(m.body);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#socket.write(message);
    });
  }

  /** Answers incoming method calls (tests use this to stand in for a watcher). */
  serve(handler: (m: DBusMessage) => { signature: string; body: DBusValue[] } | { error: string }): void {
    this.#onCall = handler;
  }

  /** Asks the bus for a well-known name; resolves true when this connection now owns it. */
  async requestName(name: string): Promise<boolean> {
    const [result] = await this.call({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'RequestName',
      signature: 'su',
      body: [name, 4],
    });
    return result === 1;
  }

  close(): void {
    this.#socket.destroy();
  }

  #receive(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      let decoded: ReturnType<typeof decodeMessage>;
      try {
        decoded = decodeMessage(this.#buffer);
      } catch (err) {
        this.#failAll(err as Error);
        this.#socket.destroy();
        return;
      }
      if (!decoded) return;
      this.#buffer = this.#buffer.subarray(decoded.length);
      const m = decoded.message;
      if ((m.type === METHOD_RETURN || m.type === ERROR) && m.replySerial !== undefined) {
        const waiter = this.#pending.get(m.replySerial);
        this.#pending.delete(m.replySerial);
        waiter?.resolve(m);
      } else if (m.type === METHOD_CALL && this.#onCall) {
        const answer = this.#onCall(m);
        const serial = ++this.#serial;
        this.#socket.write(
          encodeMessage(
            'error' in answer
              ? {
                  type: ERROR,
                  serial,
                  replySerial: m.serial,
                  destination: m.sender,
                  errorName: answer.error,
                  signature: '',
                }
              : {
                  type: METHOD_RETURN,
                  serial,
                  replySerial: m.serial,
                  destination: m.sender,
                  signature: answer.signature,
                  body: answer.body,
                },
          ),
        );
      }
    }
  }

  #failAll(err: Error): void {
    for (const [serial, waiter] of this.#pending) {
      this.#pending.delete(serial);
      waiter.reject(err);
    }
  }
}
