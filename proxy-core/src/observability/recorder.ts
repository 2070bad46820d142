import { randomUUID } from 'node:crypto';
import type { Dialect, ErrorInfo, Usage } from '../canonical/types.js';
import type { AttemptRecord } from '../routing/retry-policy.js';
import type { RequestRecord } from './types.js';

/** Merges a usage report into the running total: later fields supersede earlier ones. */
export function mergeUsage(into: Usage | undefined, part: Partial<Usage> | undefined): Usage | undefined {
  if (!part) return into;
  const base: Usage = into ?? { inputTokens: 0, outputTokens: 0 };
  const out: Usage = { ...base };
  for (const [k, v] of Object.entries(part) as Array<[keyof Usage, number | undefined]>) {
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

/** Builds the one record of a request as it goes, and publishes it exactly once. */
export class RecordBuilder {
  readonly record: RequestRecord;
  private readonly started: number;
  private done = false;

  constructor(
    init: { method: string; path: string; dialect: Dialect | 'none'; endpoint: string },
    private readonly now: () => number,
    private readonly publish: (r: RequestRecord) => void,
  ) {
    this.started = now();
    this.record = {
      id: randomUUID(),
      time: new Date(this.started).toISOString(),
      dialect: init.dialect,
      endpoint: init.endpoint,
      method: init.method,
      path: init.path,
      stream: false,
      passthrough: false,
      status: 0,
      latencyMs: 0,
      attempts: [],
    };
  }

  set(fields: Partial<RequestRecord>): void {
    Object.assign(this.record, fields);
  }

  addUsage(part: Partial<Usage> | undefined): void {
    this.record.usage = mergeUsage(this.record.usage, part);
  }

  attempt(a: AttemptRecord): void {
    this.record.attempts.push(a);
  }

  /** Marks the first content reaching the client. */
  firstToken(): void {
    if (this.record.ttftMs === undefined) this.record.ttftMs = this.now() - this.started;
  }

  elapsed(): number {
    return this.now() - this.started;
  }

  finish(status: number, error?: ErrorInfo): void {
    if (this.done) return;
    this.done = true;
    this.record.status = status;
    if (error) this.record.error = error;
    this.record.latencyMs = this.now() - this.started;
    this.publish(this.record);
  }
}
