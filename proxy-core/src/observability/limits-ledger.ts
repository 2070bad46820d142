import { readFileSync, renameSync } from 'node:fs';
import { z } from 'zod';
import { tightenFileModeSync } from '../security/private-file.js';
import { JsonFileWriter, type JsonStoreOptions } from './json-file-writer.js';
import type { LimitPeriod, UsageAmount } from './limit-types.js';

/**
 * The spend-limit ledger: requests, tokens and known cost per scope (everything, each account,
 * each access key) for the current local day and month, each key's totals since its first use,
 * the models used that have no price, and which limit warnings were already given this period.
 *
 * Days and months follow the computer's local time. The file is written atomically (temp file +
 * rename, private mode) after a short debounce and on close; a corrupt file is kept aside as
 * `<file>.corrupt-<time>` and the ledger starts afresh with a warning, never a crash.
 */

const amountSchema = z.object({
  requests: z.number().nonnegative(),
  tokens: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
});

/** A key's totals; `lastUsed` in ms since the epoch (an ISO string is made only when asked). */
const keySchema = amountSchema.extend({ lastUsed: z.number().optional() });

const fileSchema = z.object({
  version: z.literal(1),
  /** The local day (YYYY-MM-DD) `daily` counts. */
  day: z.string(),
  /** The local month (YYYY-MM) `monthly` counts. */
  month: z.string(),
  daily: z.record(z.string(), amountSchema),
  monthly: z.record(z.string(), amountSchema),
  keys: z.record(z.string(), keySchema),
  unpriced: z.array(z.string()),
  /** Warnings given: `<scope>|<period>|<measure>` → the highest state told this period. */
  notified: z.record(z.string(), z.enum(['warning', 'reached'])),
});
type LedgerFile = z.infer<typeof fileSchema>;

/** The ledger's name for a scope: `global`, `account:<id>`, `key:<name>`. */
export type ScopeKey = string;
export const GLOBAL_SCOPE: ScopeKey = 'global';
export const accountScope = (id: string): ScopeKey => `account:${id}`;
export const keyScope = (name: string): ScopeKey => `key:${name}`;

/** One request's use, as the ledger counts it. */
export interface LedgerEntry {
  /** When the request arrived (ms since the epoch). */
  time: number;
  account?: string;
  /** The access key's name, when one was presented. */
  accessKey?: string;
  tokens: number;
  /** Known cost, USD; null when the model has no price (it then counts against token limits only). */
  costUsd: number | null;
  /** The model, named when it has no price. */
  model?: string;
}

/** The file (omit `path` for a memory-only ledger), its clock and warnings; writes 1 s after a change by default. */
export type LedgerOptions = JsonStoreOptions;

const pad = (n: number) => String(n).padStart(2, '0');
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
export function localMonth(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
}
/** The next local midnight after `ms`. */
export function nextLocalMidnight(ms: number): Date {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1);
}
/** 00:00 local on the 1st of the month after `ms`. */
export function nextLocalMonth(ms: number): Date {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth() + 1, 1);
}

const zero = (): UsageAmount => ({ requests: 0, tokens: 0, costUsd: 0 });
const ZERO: Readonly<UsageAmount> = Object.freeze(zero());

function emptyFile(now: number): LedgerFile {
  return {
    version: 1,
    day: localDay(now),
    month: localMonth(now),
    daily: {},
    monthly: {},
    keys: {},
    unpriced: [],
    notified: {},
  };
}

function add(into: Record<string, UsageAmount>, scope: ScopeKey, e: LedgerEntry): void {
  const a = into[scope] ?? zero();
  a.requests += 1;
  a.tokens += e.tokens;
  if (e.costUsd !== null) a.costUsd += e.costUsd;
  into[scope] = a;
}

function keyTotals(k: z.infer<typeof keySchema> | undefined): UsageAmount & { lastUsed?: string } {
  if (!k) return zero();
  const out: UsageAmount & { lastUsed?: string } = {
    requests: k.requests,
    tokens: k.tokens,
    costUsd: k.costUsd,
  };
  if (k.lastUsed !== undefined) out.lastUsed = new Date(k.lastUsed).toISOString();
  return out;
}

export class LimitsLedger {
  private data: LedgerFile;
  private readonly now: () => number;
  private readonly warn: (message: string) => void;
  /** Until when the loaded day and month are current (ms): a cheap check on every read. */
  private dayEndsAt = 0;
  private monthEndsAt = 0;
  private readonly file: JsonFileWriter;

  constructor(private readonly opts: LedgerOptions = {}) {
    this.file = new JsonFileWriter(
      opts,
      { flushDelayMs: 1_000, failure: 'Could not save the spend-limit ledger' },
      () => this.data,
    );
    this.now = this.file.now;
    this.warn = this.file.warn;
    this.data = this.load();
    this.roll(this.now());
  }

  private load(): LedgerFile {
    const path = this.opts.path;
    const now = this.now();
    if (!path) return emptyFile(now);
    tightenFileModeSync(path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.warn(`Spend-limit ledger ${path} could not be read (${String(err)}); limits count from zero.`);
      return emptyFile(now);
    }
    try {
      return fileSchema.parse(JSON.parse(text));
    } catch {
      const backup = this.file.corruptBackupPath(path);
      try {
        renameSync(path, backup);
        this.warn(
          `Spend-limit ledger ${path} was damaged; it was kept as ${backup} and limits count from zero.`,
        );
      } catch {
        this.warn(`Spend-limit ledger ${path} was damaged and limits count from zero.`);
      }
      this.file.markDirty();
      return emptyFile(now);
    }
  }

  /** Starts a new day or month when the local calendar has moved on. */
  private roll(now: number): void {
    if (now < this.dayEndsAt && now < this.monthEndsAt) return;
    this.startPeriod('daily', 'day', localDay(now));
    this.startPeriod('monthly', 'month', localMonth(now));
    this.dayEndsAt = nextLocalMidnight(now).getTime();
    this.monthEndsAt = nextLocalMonth(now).getTime();
  }

  /**
   * Starts counting a new period when the calendar has moved on to `stamp` (its day or month):
   * nothing used yet, and its warnings may be given again.
   */
  private startPeriod(period: LimitPeriod, stampField: 'day' | 'month', stamp: string): void {
    if (this.data[stampField] === stamp) return;
    this.data[stampField] = stamp;
    this.data[period] = {};
    for (const k of Object.keys(this.data.notified))
      if (k.includes(`|${period}|`)) delete this.data.notified[k];
    this.file.markDirty();
  }

  /** Counts one request against everything, its account and its key. */
  add(e: LedgerEntry): void {
    this.roll(Math.max(e.time, this.now()));
    const scopes = [GLOBAL_SCOPE];
    if (e.account) scopes.push(accountScope(e.account));
    if (e.accessKey) scopes.push(keyScope(e.accessKey));
    for (const s of scopes) {
      add(this.data.daily, s, e);
      add(this.data.monthly, s, e);
    }
    if (e.accessKey) {
      const k = this.data.keys[e.accessKey] ?? { ...zero() };
      k.requests += 1;
      k.tokens += e.tokens;
      if (e.costUsd !== null) k.costUsd += e.costUsd;
      k.lastUsed = e.time;
      this.data.keys[e.accessKey] = k;
    }
    if (e.costUsd === null && e.model && e.tokens > 0 && !this.data.unpriced.includes(e.model))
      this.data.unpriced.push(e.model);
    this.file.schedule();
  }

  /** What a scope used in the current local day or month. */
  used(scope: ScopeKey, period: LimitPeriod): Readonly<UsageAmount> {
    this.roll(this.now());
    return (period === 'daily' ? this.data.daily : this.data.monthly)[scope] ?? ZERO;
  }

  /** A key's totals since its first use, with today and this month. */
  keyUsage(name: string): {
    total: UsageAmount & { lastUsed?: string };
    today: UsageAmount;
    month: UsageAmount;
  } {
    const scope = keyScope(name);
    return {
      total: keyTotals(this.data.keys[name]),
      today: { ...this.used(scope, 'daily') },
      month: { ...this.used(scope, 'monthly') },
    };
  }

  /** Models used that have no price, in the order first seen. */
  unpriced(): string[] {
    return [...this.data.unpriced];
  }

  /** The highest warning state already told for a limit this period. */
  notified(id: string): 'warning' | 'reached' | undefined {
    this.roll(this.now());
    return this.data.notified[id];
  }

  markNotified(id: string, state: 'warning' | 'reached'): void {
    this.data.notified[id] = state;
    this.file.schedule();
  }

  /** Writes pending changes now (atomically, private to the user). */
  flush(): Promise<void> {
    return this.file.flush();
  }
}

/** Ledgers open in this process by file: two proxies on one file share one ledger. */
const open = new Map<string, { ledger: LimitsLedger; refs: number }>();

/**
 * The ledger of a file, shared by every proxy of this process that uses it: when the app moves the
 * proxy to another port, the new one starts while the old one finishes its streams, and both must
 * count into the same ledger. `release` flushes it, and forgets it after the last user is gone (a
 * later open reads the file again). Without a path the ledger is the caller's own, in memory.
 */
export function openLedger(opts: LedgerOptions): { ledger: LimitsLedger; release(): Promise<void> } {
  const path = opts.path;
  if (!path) {
    const ledger = new LimitsLedger(opts);
    return { ledger, release: async () => {} };
  }
  let entry = open.get(path);
  if (!entry) {
    entry = { ledger: new LimitsLedger(opts), refs: 0 };
    open.set(path, entry);
  }
  entry.refs++;
  const held = entry;
  let released = false;
  return {
    ledger: held.ledger,
    async release() {
      if (released) return;
      released = true;
      held.refs--;
      if (held.refs === 0 && open.get(path) === held) open.delete(path);
      await held.ledger.flush();
    },
  };
}
