import { readFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { tightenFileMode } from '../security/private-file.js';
import { JsonFileWriter, type JsonStoreOptions } from './json-file-writer.js';
import type { RequestRecord } from './types.js';

/**
 * Usage aggregates — requests, errors, tokens by kind and cost — per day, per model and per
 * account, kept in memory and (in headless mode) in a small JSON file that survives restarts.
 *
 * The file is written atomically (temp file + rename) after a short debounce and on close.
 * A corrupt file is kept aside as `<file>.corrupt-<time>` and the store starts fresh with a
 * warning. Only the `maxDays` calendar days up to the most recent day with usage are kept.
 * Requests that neither name a model nor report usage (model lists, health checks) are not
 * counted. Used by the headless CLI and, through the app's RequestLog, by the desktop app.
 */

const totalsSchema = z.object({
  requests: z.number().nonnegative(),
  errors: z.number().nonnegative(),
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  cacheReadTokens: z.number().nonnegative(),
  cacheWriteTokens: z.number().nonnegative(),
  reasoningTokens: z.number().nonnegative(),
  /** Sum of the known cost estimates, USD. */
  costUsd: z.number().nonnegative(),
  /** Requests with usage but no price (model not in the table): their cost is NOT in costUsd. */
  unknownCostRequests: z.number().nonnegative(),
  /** USD prompt caching saved (reads' saving less writes' extra cost); absent in older files. */
  cacheSavedUsd: z.number().default(0),
});
export type UsageTotals = z.infer<typeof totalsSchema>;

const daySchema = z.object({
  total: totalsSchema,
  byModel: z.record(z.string(), totalsSchema),
  byAccount: z.record(z.string(), totalsSchema),
});
export type DayUsage = z.infer<typeof daySchema>;

const fileSchema = z.object({
  version: z.literal(1),
  days: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), daySchema),
});
type UsageFile = z.infer<typeof fileSchema>;

/** Aggregates over a range of days. */
export interface UsageSummary {
  total: UsageTotals;
  byModel: Record<string, UsageTotals>;
  byAccount: Record<string, UsageTotals>;
  /** Per day, oldest first. */
  byDay: Array<{ day: string; total: UsageTotals }>;
}

/** The file (omit `path` for a memory-only store; writes 2 s after a change by default), and: */
export interface UsageStoreOptions extends JsonStoreOptions {
  /** Calendar days kept, counted back from the most recent day with usage. Default 400. */
  maxDays?: number;
  /** Day a record belongs to (YYYY-MM-DD), from its ISO time. Default: the UTC date. */
  dayOf?: (isoTime: string) => string;
}

/** What the aggregates read from a request record (the app's record view carries the same). */
export type UsageInput = Pick<
  RequestRecord,
  'time' | 'status' | 'publicModel' | 'upstreamModel' | 'account' | 'usage' | 'costUsd' | 'cacheSavedUsd'
> & { error?: unknown };

export function emptyTotals(): UsageTotals {
  return {
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    unknownCostRequests: 0,
    cacheSavedUsd: 0,
  };
}

function addRecord(t: UsageTotals, r: UsageInput): void {
  t.requests++;
  if (r.status >= 400 || r.error !== undefined) t.errors++;
  const u = r.usage;
  if (u) {
    t.inputTokens += u.inputTokens;
    t.outputTokens += u.outputTokens;
    t.cacheReadTokens += u.cacheReadTokens ?? 0;
    t.cacheWriteTokens += u.cacheWriteTokens ?? 0;
    t.reasoningTokens += u.reasoningTokens ?? 0;
  }
  if (typeof r.costUsd === 'number') t.costUsd += r.costUsd;
  else if (u && (u.inputTokens > 0 || u.outputTokens > 0)) t.unknownCostRequests++;
  if (typeof r.cacheSavedUsd === 'number' && Number.isFinite(r.cacheSavedUsd))
    t.cacheSavedUsd += r.cacheSavedUsd;
}

/** The totals under `key`, created empty when missing. */
function slot(map: Record<string, UsageTotals>, key: string): UsageTotals {
  // Own entries only, defined (not assigned): a model named `__proto__` is a plain key.
  let t = Object.hasOwn(map, key) ? map[key] : undefined;
  if (!t) {
    t = emptyTotals();
    Object.defineProperty(map, key, { value: t, enumerable: true, writable: true, configurable: true });
  }
  return t;
}

function addTotals(into: UsageTotals, from: UsageTotals): void {
  for (const k of Object.keys(into) as Array<keyof UsageTotals>) into[k] += from[k];
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/;

const utcDay = (iso: string) => {
  // Records carry `Date#toISOString()` times: the day is their first ten characters.
  if (ISO_UTC.test(iso)) return iso.slice(0, 10);
  const d = new Date(iso);
  return (Number.isNaN(d.getTime()) ? new Date() : d).toISOString().slice(0, 10);
};

/** The day key `days` calendar days before `day` (both YYYY-MM-DD). */
function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

export class UsageStore {
  private data: UsageFile = { version: 1, days: {} };
  private maxDays: number;
  private readonly dayOf: (iso: string) => string;
  private readonly warn: (message: string) => void;
  private readonly file: JsonFileWriter;
  private closed = false;

  private constructor(private readonly opts: UsageStoreOptions) {
    this.maxDays = opts.maxDays ?? 400;
    this.dayOf = opts.dayOf ?? utcDay;
    this.file = new JsonFileWriter(
      opts,
      { flushDelayMs: 2_000, failure: 'Could not save usage statistics' },
      () => this.data,
    );
    this.warn = this.file.warn;
  }

  /** Opens a store, loading its file if there is one. */
  static async open(opts: UsageStoreOptions = {}): Promise<UsageStore> {
    const store = new UsageStore(opts);
    await store.load();
    return store;
  }

  private async load(): Promise<void> {
    const path = this.opts.path;
    if (!path) return;
    await tightenFileMode(path);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      this.data = fileSchema.parse(JSON.parse(text));
    } catch {
      const backup = this.file.corruptBackupPath(path);
      await rename(path, backup);
      this.warn(
        `Usage statistics file ${path} could not be read; it was kept as ${backup} and statistics start afresh.`,
      );
      this.data = { version: 1, days: {} };
    }
    if (this.prune()) this.file.schedule();
  }

  /** Adds one request to the aggregates. */
  record(r: UsageInput): void {
    if (this.closed) return;
    if (!r.publicModel && !r.usage) return;
    const key = this.dayOf(r.time);
    let day = this.data.days[key];
    if (!day) {
      day = { total: emptyTotals(), byModel: {}, byAccount: {} };
      this.data.days[key] = day;
      this.prune();
    }
    addRecord(day.total, r);
    const model = r.publicModel ?? r.upstreamModel;
    if (model) addRecord(slot(day.byModel, model), r);
    if (r.account) addRecord(slot(day.byAccount, r.account), r);
    this.file.schedule();
  }

  /** Changes how many days are kept (a settings change), dropping older days now. */
  setMaxDays(maxDays: number): void {
    this.maxDays = maxDays;
    if (this.prune()) this.file.schedule();
  }

  /** Drops the days before the kept window; true when something was dropped. */
  private prune(): boolean {
    const newest = Object.keys(this.data.days).sort().at(-1);
    if (!newest) return false;
    const oldest = daysBefore(newest, Math.max(1, this.maxDays) - 1);
    let changed = false;
    for (const k of Object.keys(this.data.days)) {
      if (k < oldest) {
        delete this.data.days[k];
        changed = true;
      }
    }
    return changed;
  }

  /** One day's aggregates (a copy), if any. */
  day(day: string): DayUsage | undefined {
    const d = this.data.days[day];
    return d ? (structuredClone(d) as DayUsage) : undefined;
  }

  /** Aggregates over [from, to] (inclusive day keys; both optional). */
  summary(range: { from?: string; to?: string } = {}): UsageSummary {
    const out: UsageSummary = { total: emptyTotals(), byModel: {}, byAccount: {}, byDay: [] };
    for (const key of Object.keys(this.data.days).sort()) {
      if (range.from && key < range.from) continue;
      if (range.to && key > range.to) continue;
      const d = this.data.days[key] as DayUsage;
      addTotals(out.total, d.total);
      out.byDay.push({ day: key, total: { ...d.total } });
      for (const [m, t] of Object.entries(d.byModel)) addTotals(slot(out.byModel, m), t);
      for (const [a, t] of Object.entries(d.byAccount)) addTotals(slot(out.byAccount, a), t);
    }
    return out;
  }

  /** Writes pending changes now (atomically, private to the user). */
  flush(): Promise<void> {
    return this.file.flush();
  }

  /** Flushes and stops accepting records. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }
}
