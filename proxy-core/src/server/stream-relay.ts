import { ProxyError } from '../canonical/errors.js';
import type { StreamEvent, WireEvent } from '../canonical/types.js';
import type { StreamDecoder } from '../dialects/types.js';
import type { RecordBuilder } from '../observability/recorder.js';
import {
  createSseParser,
  endSse,
  pushSse,
  type SseParserState,
  sseEventEnd,
  sseIdle,
} from '../transport/sse.js';
import { ClientStreamWriter } from './client-writer.js';
import type { Outcome, Relay } from './pipeline-types.js';

/** What the log reads from a whole answer: usage and the model version it reports. */
export function noteAnswer(r: Relay, answer: Record<string, unknown>): void {
  r.ctx.record.addUsage(safe(() => r.wireCodec.readUsage(answer)));
  const responseModel = r.wireCodec.readModel?.(answer);
  if (responseModel) r.ctx.record.set({ responseModel });
}

export function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** A stream event that is content (the first one marks the time to first token). */
export function isContent(ev: StreamEvent): boolean {
  return (
    ev.type === 'text_delta' ||
    ev.type === 'thinking_delta' ||
    ev.type === 'tool_call_start' ||
    ev.type === 'redacted_thinking'
  );
}

/**
 * Decodes an upstream's wire events for the record (usage, first token, the model, in-band
 * errors): the converted relay uses the events, the passthrough only looks.
 */
export class StreamTap {
  /** The last in-band error seen (an error event, a stream cut short). */
  error: ProxyError | undefined;
  readonly #state: unknown;
  /** The first token was logged. */
  #content = false;
  /** The parser of a raw SSE stream (`peekSse`), made on first use. */
  #sse: SseParserState | undefined;
  /** The parser holds no part of an event: the next raw bytes may be split into whole events. */
  #free = true;
  #hasCR = false;

  constructor(
    private readonly decoder: StreamDecoder<unknown>,
    private readonly record: RecordBuilder,
  ) {
    this.#state = decoder.init();
  }

  /** Decodes one wire event (a decoder failure throws). */
  decode(wev: WireEvent): StreamEvent[] {
    const events = this.decoder.decode(this.#state, wev);
    this.note(events);
    return events;
  }

  /** Looks at one wire event; one the decoder cannot read is skipped. Returns its in-band error. */
  peek(wev: WireEvent): ProxyError | undefined {
    return this.note(safe(() => this.decoder.decode(this.#state, wev)) ?? []);
  }

  /**
   * Looks at a chunk of a raw SSE stream. Once the first token is logged, an event the decoder
   * calls content only (`onlyContent`) is skipped without being parsed: the log needs nothing from
   * it. Every other byte goes through one SSE parser, in order, so the decoder's state stays whole.
   */
  peekSse(bytes: Uint8Array): void {
    const chunk = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!this.#sse) this.#sse = createSseParser();
    const sse = this.#sse;
    if (!this.#hasCR && chunk.includes(CR)) this.#hasCR = true;
    const onlyContent = this.decoder.onlyContent;
    let start = 0;
    if (this.#free && onlyContent) {
      for (
        let end = sseEventEnd(chunk, 0, this.#hasCR);
        end >= 0;
        end = sseEventEnd(chunk, start, this.#hasCR)
      ) {
        if (!this.#content || !onlyContent(chunk, start, end))
          for (const wev of pushSse(sse, chunk.subarray(start, end))) this.peek(wev);
        start = end;
      }
      if (start === chunk.length) return;
    }
    for (const wev of pushSse(sse, start ? chunk.subarray(start) : chunk)) this.peek(wev);
    const last = chunk[chunk.length - 1];
    this.#free = (last === LF || last === CR) && sseIdle(sse);
  }

  /** The end of a raw SSE stream (`peekSse`): a last event without its blank line, and the error it carries. */
  endSse(): ProxyError | undefined {
    let error: ProxyError | undefined;
    if (this.#sse) for (const wev of endSse(this.#sse)) error = this.peek(wev) ?? error;
    return error;
  }

  /** The decoder's last events once the upstream closed, and the error they carry. */
  end(): { events: StreamEvent[]; error?: ProxyError } {
    const events = this.decoder.end(this.#state);
    return { events, error: this.note(events) };
  }

  private note(events: StreamEvent[]): ProxyError | undefined {
    let inband: ProxyError | undefined;
    for (const ev of events) {
      if (isContent(ev)) {
        this.record.firstToken();
        this.#content = true;
      } else if (ev.type === 'usage') this.record.addUsage(ev.usage);
      else if (ev.type === 'start' && ev.model) this.record.set({ responseModel: ev.model });
      else if (ev.type === 'error') inband = ProxyError.fromInfo(ev.error);
    }
    if (inband) this.error = inband;
    return inband;
  }
}

const LF = 10;
const CR = 13;

/** A stream relay: its loop, and how it ends in each case. */
export interface StreamJob {
  writer: ClientStreamWriter;
  tap: StreamTap;
  /** Relays the upstream's stream to the writer; throws when reading it fails. */
  pump(): Promise<void>;
  /** Ends a stream that failed after the client got its first byte: an error, never silence. */
  fail(pe: ProxyError): Promise<void>;
  /** Closes a stream that ended (before the writer ends it). */
  close?(): Promise<void>;
}

/** The writer of a chat stream: headers (the attempt's) go with its first byte. */
export function streamWriter(r: Relay): ClientStreamWriter {
  return new ClientStreamWriter(r.ctx.res, r.attempt.responseHeaders, r.ctx.streamMode, r.env.redactor);
}

/**
 * Runs a stream relay. Before the first byte reaches the client any failure is thrown (failover
 * may go on); after it, the stream ends with an error event in the client's dialect.
 */
export async function runStream(r: Relay, job: StreamJob): Promise<Outcome> {
  const { writer, tap } = job;
  try {
    await job.pump();
  } catch (err) {
    if (r.attempt.clientSignal.aborted) throw err;
    const pe = r.upstream.readFailure(err);
    if (!writer.committed) throw pe;
    await job.fail(pe);
    writer.end();
    return { status: 200, error: pe.toInfo() };
  }
  if (r.attempt.clientSignal.aborted) throw new ProxyError('internal', 'Client closed the connection');
  if (!writer.committed && tap.error) throw tap.error;
  await job.close?.();
  writer.end();
  return { status: 200, error: tap.error?.toInfo() };
}
