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

export type DBusValue = boolean | number | string | { signature: string; value: DBusValue };

export interface DBusMessage {
  type: number;
  serial: number;
  replySerial?: number;
  path?: string;
  interface?: string;
  member?: string;
  errorName?: string;
  destination?: string;
  sender?: string;
  signature: string;
  body: DBusValue[];
}

const METHOD_CALL = 1;
const METHOD_RETURN = 2;
const ERROR = 3;

class Writer {
  bytes: number[] = [];
  align(n: number): void {
    while (this.bytes.length % n) this.bytes.push(0);
  }
  byte(v: number): void {
    this.bytes.push(v & 0xff);
  }
  u32(v: number): void {
    this.align(4);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.bytes.push(...b);
  }
  string(v: string): void {
    const b = Buffer.from(v, 'utf8');
    this.u32(b.length);
    this.bytes.push(...b, 0);
  }
  sig(v: string): void {
    this.byte(v.length);
    this.bytes.push(...Buffer.from(v, 'ascii'), 0);
  }
  value(type: string, v: DBusValue): void {
    if (type === 'y') this.byte(Number(v));
    else if (type === 'b') this.u32(v ? 1 : 0);
    else if (type === 'u') this.u32(Number(v));
    else if (type === 's' || type === 'o') this.string(String(v));
    else if (type === 'g') this.sig(String(v));
    else if (type === 'v') {
      const inner = v as { signature: string; value: DBusValue };
      this.sig(inner.signature);
      this.value(inner.signature, inner.value);
    } else throw new Error(`D-Bus type ${type} is not supported`);
  }
}

class Reader {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}
  align(n: number): void {
    this.pos = Math.ceil(this.pos / n) * n;
  }
  byte(): number {
    return this.buf.readUInt8(this.pos++);
  }
  u32(): number {
    this.align(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  string(): string {
    const len = this.u32();
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len + 1;
    return s;
  }
  sig(): string {
    const len = this.byte();
    const s = this.buf.toString('ascii', this.pos, this.pos + len);
    this.pos += len + 1;
    return s;
  }
  value(type: string): DBusValue {
    switch (type) {
      case 'y':
        return this.byte();
      case 'b':
        return this.u32() !== 0;
      case 'u':
        return this.u32();
      case 'i': {
        const v = this.u32();
        return v | 0;
      }
      case 's':
      case 'o':
        return this.string();
      case 'g':
        return this.sig();
      case 'v': {
        const signature = this.sig();
        return { signature, value: this.value(signature) };
      }
      default:
        throw new Error(`D-Bus type ${type} is not supported`);
    }
  }
}

/** Single complete types of a flat signature ("ss" → ["s","s"]); containers other than v are refused. */
function types(signature: string): string[] {
  if (/[a({]/.test(signature)) throw new Error(`D-Bus signature ${signature} is not supported`);
  return signature.split('');
}

export function encodeMessage(m: Omit<DBusMessage, 'body'> & { body?: DBusValue[] }): Buffer {
  const body = new Writer();
  const sigTypes = types(m.signature);
  sigTypes.forEach((t, i) => {
    body.value(t, m.body?.[i] ?? '');
  });
  const fields: Array<[number, string, DBusValue]> = [];
  if (m.path) fields.push([1, 'o', m.path]);
  if (m.interface) fields.push([2, 's', m.interface]);
  if (m.member) fields.push([3, 's', m.member]);
  if (m.errorName) fields.push([4, 's', m.errorName]);
  if (m.replySerial !== undefined) fields.push([5, 'u', m.replySerial]);
  if (m.destination) fields.push([6, 's', m.destination]);
  if (m.signature) fields.push([8, 'g', m.signature]);
  const h = new Writer();
  h.byte('l'.charCodeAt(0));
  h.byte(m.type);
  h.byte(0);
  h.byte(1);
  h.u32(body.bytes.length);
  h.u32(m.serial);
  h.u32(0); // header fields' length, patched below
  h.align(8);
  const start = h.bytes.length;
  for (const [code, type, value] of fields) {
    h.align(8);
    h.byte(code);
    h.value('v', { signature: type, value });
  }
  const len = h.bytes.length - start;
  const lenBytes = Buffer.alloc(4);
  lenBytes.writeUInt32LE(len);
  h.bytes.splice(12, 4, ...lenBytes);
  h.align(8);
  return Buffer.concat([Buffer.from(h.bytes), Buffer.from(body.bytes)]);
}

/** Reads one message from the front of `buf`; null when it is not all there yet. */
export function decodeMessage(buf: Buffer): { message: DBusMessage; length: number } | null {
  if (buf.length < 16) return null;
  if (buf[0] !== 'l'.charCodeAt(0)) throw new Error('Only little-endian D-Bus messages are supported');
  const bodyLength = buf.readUInt32LE(4);
  const fieldsLength = buf.readUInt32LE(12);
  const headerEnd = Math.ceil((16 + fieldsLength) / 8) * 8;
  const total = headerEnd + bodyLength;
  if (buf.length < total) return null;
  const r = new Reader(buf, 16);
  const message: DBusMessage = { type: buf[1]!, serial: buf.readUInt32LE(8), signature: '', body: [] };
  while (r.pos < 16 + fieldsLength) {
    r.align(8);
    const code = r.byte();
    const { value } = r.value('v') as { value: DBusValue };
    if (code === 1) message.path = String(value);
    else if (code === 2) message.interface = String(value);
    else if (code === 3) message.member = String(value);
    else if (code === 4) message.errorName = String(value);
    else if (code === 5) message.replySerial = Number(value);
    else if (code === 6) message.destination = String(value);
    else if (code === 7) message.sender = String(value);
    else if (code === 8) message.signature = String(value);
  }
  const body = new Reader(buf.subarray(headerEnd, total));
  try {
    message.body = types(message.signature).map((t) => body.value(t));
  } catch {
    message.body = []; // a signal or call with types we never need
  }
  return { message, length: total };
}

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
