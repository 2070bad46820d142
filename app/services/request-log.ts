/**
 * RequestLog: the live log's ring buffer of recent request records, live subscription and export
 * (JSONL/CSV). Usage aggregates (per local day and model, surviving restarts) are proxy-core's
 * UsageStore, opened by openAppUsageStore and handed in; RequestLog feeds it and shapes its
 * totals into the contract's UsageSummary.
 */
import path from 'node:path';
import { UsageStore, type UsageTotals } from '../../proxy-core/src/index.js';
import type { ExportFile, RequestRecordView, UsageRow, UsageSummary } from '../contract/index.js';

/** Local calendar day of a time, YYYY-MM-DD. */
export function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export interface AppUsageStoreOptions {
  /** Directory for usage.json; omit to keep usage in memory only. */
  dir?: string;
  /** Days of usage kept. Default 90. */
  retentionDays?: number;
  /** Delay before usage changes are written. */
  flushDelayMs?: number;
  /** Where a damaged file or a failed save is reported. */
  onError?: (message: string) => void;
}

/** The app's usage store: usage.json in the data dir, bucketed by local day. */
export function openAppUsageStore(opts: AppUsageStoreOptions = {}): Promise<UsageStore> {
  return UsageStore.open({
    path: opts.dir ? path.join(opts.dir, 'usage.json') : undefined,
    maxDays: opts.retentionDays ?? 90,
    flushDelayMs: opts.flushDelayMs ?? 1000,
    dayOf: (iso) => {
      const d = new Date(iso);
      return localDay(Number.isNaN(d.getTime()) ? new Date() : d);
    },
    warn: opts.onError,
  });
}

function toRow(t: UsageTotals | undefined): UsageRow {
  return {
    requests: t?.requests ?? 0,
    errors: t?.errors ?? 0,
    inputTokens: t?.inputTokens ?? 0,
    outputTokens: t?.outputTokens ?? 0,
    cacheReadTokens: t?.cacheReadTokens ?? 0,
    cacheWriteTokens: t?.cacheWriteTokens ?? 0,
    costUsd: t?.costUsd ?? 0,
    unpricedRequests: t?.unknownCostRequests ?? 0,
    cacheSavedUsd: t?.cacheSavedUsd ?? 0,
  };
}

export interface RequestLogOptions {
  /** Where usage is aggregated (see openAppUsageStore); the log closes it on close(). */
  usage: UsageStore;
  maxRecords?: number;
  now?: () => Date;
  onError?: (message: string) => void;
  /**
   * Applied to every record as it arrives, before the ring, the window, the export and the usage
   * totals see it (the app passes its redactor: upstream words never reach the window unmasked).
   */
  redact?: (record: RequestRecordView) => RequestRecordView;
}

export class RequestLog {
  #records: RequestRecordView[] = [];
  #max: number;
  readonly #listeners = new Set<(r: RequestRecordView) => void>();
  readonly #usage: UsageStore;
  readonly #now: () => Date;
  readonly #onError: (message: string) => void;
  readonly #redact: (record: RequestRecordView) => RequestRecordView;

  constructor(opts: RequestLogOptions) {
    this.#redact = opts.redact ?? ((r) => r);
    this.#usage = opts.usage;
    this.#max = opts.maxRecords ?? 1000;
    this.#now = opts.now ?? (() => new Date());
    this.#onError = opts.onError ?? (() => {});
  }

  /** Adds one record: into the ring, to subscribers, and into the usage totals. */
  add(incoming: RequestRecordView): void {
    const record = this.#redact(incoming);
    this.#records.push(record);
    if (this.#records.length > this.#max) this.#records.splice(0, this.#records.length - this.#max);
    this.#usage.record(record);
    for (const l of this.#listeners) {
      try {
        l(record);
      } catch (err) {
        this.#onError(`A request-log listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** Most recent records, oldest first. */
  recent(limit?: number): RequestRecordView[] {
    const n = limit === undefined ? this.#records.length : Math.min(limit, this.#records.length);
    return this.#records.slice(this.#records.length - n);
  }

  /** The record with this id, while the log still keeps it. */
  get(id: string): RequestRecordView | undefined {
    for (let i = this.#records.length - 1; i >= 0; i--)
      if (this.#records[i]?.id === id) return this.#records[i];
    return undefined;
  }

  size(): number {
    return this.#records.length;
  }

  /** Empties the live log; usage totals stay. */
  clear(): number {
    const n = this.#records.length;
    this.#records = [];
    return n;
  }

  subscribe(listener: (r: RequestRecordView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  setLimits(limits: { maxRecords?: number; retentionDays?: number }): void {
    if (limits.maxRecords !== undefined) {
      this.#max = limits.maxRecords;
      if (this.#records.length > this.#max) this.#records.splice(0, this.#records.length - this.#max);
    }
    if (limits.retentionDays !== undefined) this.#usage.setMaxDays(limits.retentionDays);
  }

  export(format: 'jsonl' | 'csv'): ExportFile {
    const stamp = this.#now().toISOString().replace(/[:.]/g, '-');
    if (format === 'jsonl') {
      return {
        filename: `keybridge-requests-${stamp}.jsonl`,
        mimeType: 'application/x-ndjson',
        content: this.#records.map((r) => JSON.stringify(r)).join('\n') + (this.#records.length ? '\n' : ''),
      };
    }
    return {
      filename: `keybridge-requests-${stamp}.csv`,
      mimeType: 'text/csv',
      content: toCsv(this.#records),
    };
  }

  /** Usage for the last `days` local days (today included). */
  usage(days: number): UsageSummary {
    const today = this.#now();
    const dayList: string[] = [];
    for (let i = days - 1; i >= 0; i--) {
      dayList.push(localDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - i)));
    }
    const from = dayList[0] ?? localDay(today);
    const to = localDay(today);
    const s = this.#usage.summary({ from, to });
    const perDay = new Map(s.byDay.map((d) => [d.day, d.total]));
    return {
      from,
      to,
      totals: toRow(s.total),
      perModel: Object.entries(s.byModel)
        .map(([model, t]) => ({ model, ...toRow(t) }))
        .sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model)),
      perDay: dayList.map((day) => ({ day, ...toRow(perDay.get(day)) })),
    };
  }

  /** Stops the subscriptions and saves and closes the usage store (on quit). */
  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#usage.close();
  }
}

const CSV_COLUMNS: Array<[string, (r: RequestRecordView) => unknown]> = [
  ['time', (r) => r.time],
  ['client', (r) => r.dialect],
  ['endpoint', (r) => r.endpoint],
  ['model', (r) => r.publicModel],
  ['account', (r) => r.account],
  ['provider', (r) => r.provider],
  ['upstream_model', (r) => r.upstreamModel],
  ['stream', (r) => r.stream],
  ['status', (r) => r.status],
  ['latency_ms', (r) => r.latencyMs],
  ['ttft_ms', (r) => r.ttftMs],
  ['input_tokens', (r) => r.usage?.inputTokens],
  ['output_tokens', (r) => r.usage?.outputTokens],
  ['cache_read_tokens', (r) => r.usage?.cacheReadTokens],
  ['cache_write_tokens', (r) => r.usage?.cacheWriteTokens],
  ['cost_usd', (r) => r.costUsd],
  ['cache_saved_usd', (r) => r.cacheSavedUsd],
  ['error', (r) => r.error?.message],
  ['attempts', (r) => r.attempts.length],
];

export function toCsv(records: RequestRecordView[]): string {
  const cell = (v: unknown): string => {
    if (v === undefined || v === null) return '';
    const s = String(v);
    // Quote when needed; neutralise spreadsheet formulas.
    const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [CSV_COLUMNS.map(([h]) => h).join(',')];
  for (const r of records) lines.push(CSV_COLUMNS.map(([, get]) => cell(get(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
