import type { ServerResponse } from 'node:http';
import type { OutboundEvent } from '../dialects/types.js';
import type { SecretRedactor } from '../security/redactor.js';
import { redactWireEvent } from '../security/sse-redact.js';
import { formatSse } from '../transport/sse.js';

/**
 * Writes a streamed answer to the client: headers only when the first event is ready (so a
 * failure before that can still fail over), nothing held back (Node gathers the writes of one
 * tick — the events of one upstream read — into one socket write), and waiting for 'drain' when
 * the client reads slowly (backpressure).
 */
export class ClientStreamWriter {
  private started = false;
  private arrayItems = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly headers: Record<string, string>,
    /** Gemini without alt=sse streams a JSON array instead of SSE. */
    private readonly mode: 'sse' | 'json-array' = 'sse',
    /** Error events are redacted on their way out (a second line behind the upstream wrapping). */
    private readonly redactor?: SecretRedactor,
  ) {}

  get committed(): boolean {
    return this.started;
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  private begin(): void {
    if (this.started) return;
    this.started = true;
    this.res.writeHead(200, {
      'content-type':
        this.mode === 'sse' ? 'text/event-stream; charset=utf-8' : 'application/json; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      ...this.headers,
    });
    if (this.mode === 'json-array') this.res.write('[');
  }

  /** Writes bytes verbatim (same-dialect passthrough). */
  async raw(chunk: Uint8Array): Promise<void> {
    this.begin();
    await this.write(chunk);
  }

  async events(events: OutboundEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.begin();
    let text = '';
    for (const raw of events) {
      const ev = this.redactor ? redactWireEvent(raw, this.redactor) : raw;
      if (this.mode === 'sse') text += formatSse(ev);
      else if (ev.data !== '[DONE]') text += `${this.arrayItems++ === 0 ? '' : ',\r\n'}${ev.data}`;
    }
    if (text !== '') await this.write(text);
  }

  private write(chunk: Uint8Array | string): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.res.write(chunk)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  end(): void {
    if (this.closed) return;
    this.begin();
    if (this.mode === 'json-array') this.res.write(']');
    this.res.end();
  }
}
