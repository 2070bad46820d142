import { isUsageOnlyChunk } from '../dialects/openai/index.js';
import { sseEventEnd } from '../transport/sse.js';

/**
 * Relaying an SSE stream byte for byte (same-dialect passthrough) when the proxy asked the upstream
 * for usage the client did not ask for (a dialect's `streamUsage`, OpenAI's
 * `stream_options.include_usage`): the usage-only event is cut out. Which event that is, is the
 * dialect's to say (`isUsageOnly`); an event is judged only when it holds `"usage":{`.
 */

const LF = 10;
const CR = 13;
const USAGE = Buffer.from('"usage"');
/** An open event longer than this is let go unchecked (a usage chunk is a few hundred bytes). */
const MAX_HELD = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** Where `buf[from..to]` may hold a usage object: `"usage"`, then `:` and `{` (spaces allowed); -1 if nowhere. */
function usageAt(buf: Buffer, from = 0, to = buf.length): number {
  for (let i = buf.indexOf(USAGE, from); i >= 0 && i < to; i = buf.indexOf(USAGE, i + 1)) {
    let j = i + USAGE.length;
    while (j < to && (buf[j] === 0x20 || buf[j] === 0x09 || buf[j] === LF || buf[j] === CR)) j++;
    if (buf[j] !== 0x3a) continue;
    j++;
    while (j < to && (buf[j] === 0x20 || buf[j] === 0x09 || buf[j] === LF || buf[j] === CR)) j++;
    if (buf[j] === 0x7b) return i;
  }
  return -1;
}

function mayHoldUsage(buf: Buffer): boolean {
  return usageAt(buf) >= 0;
}

/** True when the raw bytes of one SSE event (data lines only, no event name) are a usage-only chunk. */
function isUsageOnlyEvent(bytes: Buffer, isUsageOnly: (data: string) => boolean): boolean {
  const data: string[] = [];
  for (const line of bytes.toString('utf8').split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    if (!line.startsWith('data:')) return false;
    data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return data.length > 0 && isUsageOnly(data.join('\n'));
}

/**
 * Cuts the usage-only chunk out of an OpenAI SSE byte stream and passes every other byte on
 * unchanged, in order. Bytes of an event not yet complete are held until its blank line arrives
 * (a client can do nothing with half an event); whole events go on at once, without a copy when
 * nothing is cut. Events may be split anywhere across reads, with LF, CR or CRLF line ends.
 */
export class UsageChunkCutter {
  /** `isUsageOnly`: the dialect's test for a usage-only event's data (default: OpenAI's). */
  constructor(private readonly isUsageOnly: (data: string) => boolean = isUsageOnlyChunk) {}

  #held: Buffer[] = [];
  #heldBytes = 0;
  #hasCR = false;
  /** The open event was let go unchecked (too long): its rest passes on as it comes. */
  #passing = false;
  /** The last byte let go while #passing. */
  #lastPassed = 0;

  /** True when the held bytes plus this chunk may complete an event (LF-only streams). */
  #mayComplete(chunk: Buffer): boolean {
    if (chunk.includes('\n\n')) return true;
    const last = this.#held.at(-1);
    return chunk[0] === LF && last !== undefined && last[last.length - 1] === LF;
  }

  /** The bytes ready to send after this read. */
  push(chunk: Uint8Array): Buffer {
    const incoming = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.#hasCR && incoming.includes(CR)) this.#hasCR = true;
    if (this.#passing) return this.#pass(incoming);
    if (!this.#hasCR && !this.#mayComplete(incoming)) return this.#hold(incoming, EMPTY);
    const buf = this.#held.length ? Buffer.concat([...this.#held, incoming]) : incoming;
    this.#held = [];
    this.#heldBytes = 0;
    // Where the last complete event ends: everything before it is whole events.
    let complete = 0;
    if (this.#hasCR) {
      for (let end = sseEventEnd(buf, 0, true); end >= 0; end = sseEventEnd(buf, end, true)) complete = end;
    } else {
      const i = buf.lastIndexOf('\n\n');
      complete = i < 0 ? 0 : i + 2;
    }
    const ready = this.#cut(buf.subarray(0, complete));
    return complete < buf.length ? this.#hold(buf.subarray(complete), ready) : ready;
  }

  /** The rest of the stream: a last event without its blank line is judged like any other. */
  end(): Buffer {
    const rest = this.#held.length ? Buffer.concat(this.#held) : EMPTY;
    this.#held = [];
    this.#heldBytes = 0;
    if (rest.length === 0 || this.#passing) return rest;
    return mayHoldUsage(rest) && isUsageOnlyEvent(rest, this.isUsageOnly) ? EMPTY : rest;
  }

  /** Whole events, with the usage-only one left out. */
  #cut(events: Buffer): Buffer {
    let i = events.length === 0 ? -1 : usageAt(events);
    if (i < 0 || this.#hasCR) return i < 0 ? events : this.#cutEach(events);
    // LF only: judge just the events that hold a candidate, found around it.
    const parts: Buffer[] = [];
    let from = 0;
    while (i >= 0) {
      const p = events.lastIndexOf('\n\n', i);
      // After a run of blank lines the walk from the start decides where events begin.
      if (p > 0 && events[p - 1] === LF) return this.#cutEach(events);
      const start = p < 0 ? 0 : p + 2;
      const e = events.indexOf('\n\n', i);
      const end = e < 0 ? events.length : e + 2;
      if (isUsageOnlyEvent(events.subarray(start, end), this.isUsageOnly)) {
        parts.push(events.subarray(from, start));
        from = end;
      }
      i = usageAt(events, end);
    }
    if (from === 0) return events;
    parts.push(events.subarray(from));
    return Buffer.concat(parts);
  }

  /** Whole events, each judged in turn (any line ends). */
  #cutEach(events: Buffer): Buffer {
    const parts: Buffer[] = [];
    let start = 0;
    let cut = false;
    for (
      let end = sseEventEnd(events, 0, this.#hasCR);
      end >= 0;
      end = sseEventEnd(events, end, this.#hasCR)
    ) {
      const ev = events.subarray(start, end);
      if (mayHoldUsage(ev) && isUsageOnlyEvent(ev, this.isUsageOnly)) cut = true;
      else parts.push(ev);
      start = end;
    }
    // The region ends where an event ends; a CR at its very end may hide that from sseEventEnd.
    if (start < events.length) {
      const ev = events.subarray(start);
      if (mayHoldUsage(ev) && isUsageOnlyEvent(ev, this.isUsageOnly)) cut = true;
      else parts.push(ev);
    }
    if (!cut) return events;
    return Buffer.concat(parts);
  }

  /** Keeps the open event's bytes; one too long to hold is let go with what is ready. */
  #hold(bytes: Buffer, ready: Buffer): Buffer {
    this.#held.push(Buffer.from(bytes));
    this.#heldBytes += bytes.length;
    if (this.#heldBytes <= MAX_HELD) return ready;
    const open = Buffer.concat(this.#held);
    this.#held = [];
    this.#heldBytes = 0;
    this.#passing = true;
    this.#lastPassed = open[open.length - 1]!;
    return ready.length ? Buffer.concat([ready, open]) : open;
  }

  /** The rest of an event let go unchecked, until its blank line; then back to cutting. */
  #pass(incoming: Buffer): Buffer {
    // The last byte already passed says whether a line end here makes a blank line.
    const prev = this.#lastPassed;
    const prefix = prev === LF || prev === CR ? Buffer.from([0x78, prev]) : Buffer.from([0x78]);
    const found = sseEventEnd(Buffer.concat([prefix, incoming]), 0, this.#hasCR);
    if (found < 0) {
      if (incoming.length) this.#lastPassed = incoming[incoming.length - 1]!;
      return incoming;
    }
    const end = found - prefix.length;
    this.#passing = false;
    const rest = end < incoming.length ? this.push(incoming.subarray(end)) : EMPTY;
    return rest.length ? Buffer.concat([incoming.subarray(0, end), rest]) : incoming.subarray(0, end);
  }
}
