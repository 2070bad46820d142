import { TextDecoder } from 'node:util';
import type { WireEvent } from '../canonical/types.js';

/**
 * Incremental Server-Sent Events parser (WHATWG rules): CR, LF and CRLF line ends, multi-line
 * `data:`, comments, and events split anywhere across network reads — including inside a
 * multi-byte UTF-8 character. Pure state machine; `push` returns the events completed so far.
 */
export interface SseParserState {
  decoder: TextDecoder;
  buffer: string;
  data: string[];
  event?: string;
  /** Longest line accepted, in characters; longer lines are an error (protects memory). */
  maxLineLength: number;
  /** The previous chunk ended in CR: a following LF belongs to it. */
  pendingCR: boolean;
}

export function createSseParser(maxLineLength = 16 * 1024 * 1024): SseParserState {
  return { decoder: new TextDecoder('utf-8'), buffer: '', data: [], maxLineLength, pendingCR: false };
}

export class SseLineTooLongError extends Error {
  constructor(limit: number) {
    super(`upstream sent an event line longer than ${limit} characters`);
  }
}

function takeLine(state: SseParserState, line: string, out: WireEvent[]): void {
  if (line === '') {
    if (state.data.length > 0) {
      const ev: WireEvent = { data: state.data.join('\n') };
      if (state.event) ev.event = state.event;
      out.push(ev);
    }
    state.data = [];
    state.event = undefined;
    return;
  }
  if (line.startsWith(':')) return;
  const colon = line.indexOf(':');
  const field = colon === -1 ? line : line.slice(0, colon);
  let value = colon === -1 ? '' : line.slice(colon + 1);
  if (value.startsWith(' ')) value = value.slice(1);
  if (field === 'data') state.data.push(value);
  else if (field === 'event') state.event = value;
}

export function pushSse(state: SseParserState, chunk: Uint8Array | string, final = false): WireEvent[] {
  let text = typeof chunk === 'string' ? chunk : state.decoder.decode(chunk, { stream: !final });
  if (state.pendingCR && text.startsWith('\n')) text = text.slice(1);
  state.pendingCR = false;
  // The carried-over buffer holds no line end, so only the new text is scanned; and while no line
  // ends, pieces are only appended (never re-read), so a long line in many reads stays linear.
  const scanFrom = state.buffer.length;
  state.buffer += text;
  if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) {
    if (state.buffer.length > state.maxLineLength) throw new SseLineTooLongError(state.maxLineLength);
    return [];
  }
  const out: WireEvent[] = [];
  let start = 0;
  const buf = state.buffer;
  for (let i = scanFrom; i < buf.length; i++) {
    const c = buf.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    takeLine(state, buf.slice(start, i), out);
    if (c === 13) {
      if (i + 1 < buf.length) {
        if (buf.charCodeAt(i + 1) === 10) i++;
      } else {
        state.pendingCR = true;
      }
    }
    start = i + 1;
  }
  state.buffer = buf.slice(start);
  if (state.buffer.length > state.maxLineLength) throw new SseLineTooLongError(state.maxLineLength);
  return out;
}

/**
 * True when the parser holds no part of an event (nothing buffered, no data or event name waiting):
 * after bytes ending in a line end, the next bytes start a new line outside any event.
 */
export function sseIdle(state: SseParserState): boolean {
  return state.buffer === '' && state.data.length === 0 && state.event === undefined;
}

/** Flushes the end of the stream: a final event without its blank line still counts. */
export function endSse(state: SseParserState): WireEvent[] {
  const out = pushSse(state, new Uint8Array(0), true);
  if (state.buffer !== '') {
    takeLine(state, state.buffer, out);
    state.buffer = '';
  }
  takeLine(state, '', out);
  return out;
}

/** Reads an SSE body into wire events. */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncIterable<WireEvent> {
  const state = createSseParser();
  for await (const chunk of body) {
    for (const ev of pushSse(state, chunk)) yield ev;
  }
  for (const ev of endSse(state)) yield ev;
}

/** Serialises one event for the wire. */
export function formatSse(ev: { event?: string; data: string }): string {
  const lines = ev.data.split('\n');
  let s = ev.event ? `event: ${ev.event}\n` : '';
  for (const l of lines) s += `data: ${l}\n`;
  return `${s}\n`;
}

const LF = 10;
const CR = 13;

/**
 * Where the first complete SSE event in `buf` from `from` ends (the index after its blank line),
 * or -1 when none is complete yet. `hasCR`: the stream uses CR or CRLF line ends (else only LF
 * is looked for, natively). A CR at the very end may be half of a CRLF split across reads: -1.
 */
export function sseEventEnd(buf: Buffer, from: number, hasCR: boolean): number {
  if (!hasCR) {
    // a search for one byte is the cheapest native call; events have few lines
    for (let i = buf.indexOf(LF, from); i >= 0; i = buf.indexOf(LF, i + 1))
      if (buf[i + 1] === LF) return i + 2;
    return -1;
  }
  let emptyLine = true;
  for (let i = from; i < buf.length; i++) {
    const c = buf[i];
    if (c === LF || c === CR) {
      let len = 1;
      if (c === CR) {
        if (i + 1 >= buf.length) return -1;
        if (buf[i + 1] === LF) len = 2;
      }
      if (emptyLine) return i + len;
      emptyLine = true;
      i += len - 1;
    } else emptyLine = false;
  }
  return -1;
}
