import { ProxyError } from '../canonical/errors.js';
import type { StreamEvent, WireEvent } from '../canonical/types.js';
import type { StreamDecoder } from '../dialects/types.js';
import type { RecordBuilder } from '../observability/recorder.js';
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

  /** The decoder's last events once the upstream closed, and the error they carry. */
  end(): { events: StreamEvent[]; error?: ProxyError } {
    const events = this.decoder.end(this.#state);
    return { events, error: this.note(events) };
  }

  private note(events: StreamEvent[]): ProxyError | undefined {
    let inband: ProxyError | undefined;
    for (const ev of events) {
      if (isContent(ev)) this.record.firstToken();
      else if (ev.type === 'usage') this.record.addUsage(ev.usage);
      else if (ev.type === 'start' && ev.model) this.record.set({ responseModel: ev.model });
      else if (ev.type === 'error') inband = ProxyError.fromInfo(ev.error);
    }
    if (inband) this.error = inband;
    return inband;
  }
}

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
