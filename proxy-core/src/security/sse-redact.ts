import { Readable } from 'node:stream';
import type { WireEvent } from '../canonical/types.js';
import { sseEventEnd } from '../transport/sse.js';
import type { SecretRedactor } from './redactor.js';

/**
 * Redaction of streamed upstream answers. Content events (JSON `data:` without an error) pass
 * byte for byte — the model's answer is not rewritten; every other event — an error event in
 * any dialect (`event: error`, `"error"` members, exceptions), a `data:` line that is not JSON,
 * a comment, stray text — is redacted before it goes anywhere.
 */

const ERROR_EVENT = /"error"|^event:[ \t]*[^\r\n]*(?:error|exception)/im;
/** A line other than a JSON `data:` line, an `event:` line or a blank line. */
const ODD_LINE = /^(?!data:[ \t]*[{[]|event:|[ \t]*\r?$)/m;

/** True for an SSE event (its raw text) that may carry upstream words rather than content. */
export function isSuspectSseEvent(text: string): boolean {
  return ERROR_EVENT.test(text) || ODD_LINE.test(text);
}

/**
 * True for the common content event: one `data:` line opening JSON (`{` or `[`), followed only
 * by line ends, without `"error"` in any case — for which `isSuspectSseEvent` is false. One pass
 * over the bytes in JavaScript (no string made, no regular expression run).
 */
function isPlainJsonDataEvent(b: Buffer, start: number, end: number): boolean {
  let i = start;
  if (
    end - i < 7 ||
    b[i] !== 0x64 ||
    b[i + 1] !== 0x61 ||
    b[i + 2] !== 0x74 ||
    b[i + 3] !== 0x61 ||
    b[i + 4] !== 0x3a
  )
    return false;
  i += 5;
  while (b[i] === 0x20 || b[i] === 0x09) i++;
  if (b[i] !== 0x7b && b[i] !== 0x5b) return false;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === LF || c === CR) {
      for (let j = i + 1; j < end; j++) if (b[j] !== LF && b[j] !== CR) return false;
      return true;
    }
    if (
      c === 0x22 &&
      (b[i + 1]! | 0x20) === 0x65 &&
      (b[i + 2]! | 0x20) === 0x72 &&
      (b[i + 3]! | 0x20) === 0x72 &&
      (b[i + 4]! | 0x20) === 0x6f &&
      (b[i + 5]! | 0x20) === 0x72 &&
      b[i + 6] === 0x22
    )
      return false;
  }
  return false;
}

/** True for a decoded wire event that is an error or not JSON. */
export function isSuspectWireEvent(ev: WireEvent): boolean {
  if (ev.event && /error|exception/i.test(ev.event)) return true;
  const d = ev.data;
  let i = 0;
  while (i < d.length && (d[i] === ' ' || d[i] === '\n' || d[i] === '\r' || d[i] === '\t')) i++;
  if (d[i] !== '{' && d[i] !== '[') return true;
  return ev.data.includes('"error"');
}

/** A decoded wire event with its text redacted when it is an error or not JSON. */
export function redactWireEvent(ev: WireEvent, redactor: SecretRedactor): WireEvent {
  if (!isSuspectWireEvent(ev)) return ev;
  const data = redactor.text(ev.data);
  const event = ev.event === undefined ? undefined : redactor.text(ev.event);
  if (data === ev.data && event === ev.event) return ev;
  return event === undefined ? { data } : { event, data };
}

export async function* redactWireEvents(
  events: AsyncIterable<WireEvent>,
  redactor: SecretRedactor,
): AsyncGenerator<WireEvent> {
  for await (const ev of events) yield redactWireEvent(ev, redactor);
}

const LF = 10;
const CR = 13;
/** An event longer than this is checked and passed on in pieces rather than held whole. */
const MAX_HELD = 8 * 1024 * 1024;

/**
 * Splits an SSE byte stream into events and redacts the suspect ones. Pure state; `push` returns
 * the bytes ready to send (whole events), `end` the rest.
 */
export class SseRedactor {
  /** Bytes of the event still open, as received (joined only once an event completes). */
  #held: Buffer[] = [];
  #heldBytes = 0;
  #hasCR = false;

  constructor(private readonly redactor: SecretRedactor) {}

  #event(bytes: Buffer): Buffer {
    if (!isSuspectSseEvent(bytes.toString('latin1'))) return bytes;
    const utf8 = bytes.toString('utf8');
    const red = this.redactor.text(utf8);
    return red === utf8 ? bytes : Buffer.from(red, 'utf8');
  }

  /** True when the held bytes plus this chunk may complete an event (LF-only streams). */
  #mayComplete(chunk: Buffer): boolean {
    if (chunk.includes('\n\n')) return true;
    const last = this.#held.at(-1);
    return chunk[0] === LF && last !== undefined && last[last.length - 1] === LF;
  }

  #hold(chunk: Buffer): void {
    this.#held.push(Buffer.from(chunk));
    this.#heldBytes += chunk.length;
  }

  push(chunk: Uint8Array): Buffer {
    const incoming = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.#hasCR && incoming.includes(CR)) this.#hasCR = true;
    if (!this.#hasCR && !this.#mayComplete(incoming)) {
      // No event ends here: hold the bytes without copying what is already held.
      this.#hold(incoming);
      return this.#heldBytes > MAX_HELD ? this.#release() : EMPTY;
    }
    const buf = this.#held.length ? Buffer.concat([...this.#held, incoming]) : incoming;
    this.#held = [];
    this.#heldBytes = 0;
    // Only redacted events are cut out and replaced; the bytes between them go on as they are.
    let parts: Buffer[] | undefined;
    let kept = 0;
    let start = 0;
    for (;;) {
      const end = sseEventEnd(buf, start, this.#hasCR);
      if (end < 0) break;
      if (!isPlainJsonDataEvent(buf, start, end)) {
        const ev = buf.subarray(start, end);
        const out = this.#event(ev);
        if (out !== ev) {
          parts ??= [];
          parts.push(buf.subarray(kept, start), out);
          kept = end;
        }
      }
      start = end;
    }
    if (start < buf.length) this.#hold(buf.subarray(start));
    if (parts) parts.push(buf.subarray(kept, start));
    const ready = parts ? Buffer.concat(parts) : buf.subarray(0, start);
    return this.#heldBytes > MAX_HELD ? Buffer.concat([ready, this.#release()]) : ready;
  }

  /** Lets go of an event too long to hold whole, checked as far as it goes. */
  #release(): Buffer {
    const rest = Buffer.concat(this.#held);
    this.#held = [];
    this.#heldBytes = 0;
    return this.#event(rest);
  }

  end(): Buffer {
    return this.#heldBytes ? this.#release() : EMPTY;
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * An upstream SSE body with its suspect events redacted. Destroying the result destroys the
 * upstream body at once (a client that leaves must free the upstream connection).
 */
export function redactSseBody(
  body: Readable & AsyncIterable<Uint8Array>,
  redactor: SecretRedactor,
): Readable & AsyncIterable<Uint8Array> {
  const state = new SseRedactor(redactor);
  async function* run(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of body) {
        const out = state.push(chunk);
        if (out.length) yield out;
      }
    } catch (err) {
      throw redactor.thrown(err);
    }
    const tail = state.end();
    if (tail.length) yield tail;
  }
  const out = Readable.from(run(), { objectMode: false });
  out.once('close', () => {
    if (!body.destroyed) body.destroy();
  });
  return out;
}
