/**
 * The D-Bus wire format, as much of it as the tray-host check needs: message headers, and bodies
 * of booleans, integers, strings, object paths, signatures and variants (little-endian).
 */
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

export const METHOD_CALL = 1;
export const METHOD_RETURN = 2;
export const ERROR = 3;

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
