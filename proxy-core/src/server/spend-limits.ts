import type { KeybridgeConfig } from '../config/schema.js';
import type { KeyUsage, LimitStatus } from '../observability/limit-types.js';
import {
  accountLimit,
  configuredLimits,
  globalLimit,
  keyLimit,
  limitPartId,
  statusesOf,
} from '../observability/limits.js';
import { type LedgerOptions, type LimitsLedger, openLedger } from '../observability/limits-ledger.js';
import type { RequestRecord } from '../observability/types.js';

/**
 * A proxy's spend limits (issue 19): the ledger of use per local day and month (kept across
 * restarts and reconfigures, shared with any other proxy of this process on the same file), what
 * finished requests count into it, and the warnings at 80 % and when a limit runs out. The check
 * before sending is server/limit-check.ts; this is the bookkeeping after.
 */
export class SpendLimits {
  readonly ledger: LimitsLedger;
  private readonly listeners = new Set<(s: LimitStatus) => void>();
  private readonly now: () => number;
  private readonly warn: (message: string) => void;

  constructor(opts: LedgerOptions & { now: () => number }) {
    this.ledger = openLedger(opts).ledger;
    this.now = opts.now;
    this.warn = opts.warn ?? ((m) => console.warn(m));
  }

  /** Counts a finished request, then tells of limits that crossed 80 % or ran out (once each). */
  count(r: RequestRecord, config: KeybridgeConfig): void {
    if (!r.usage && !r.account) return;
    this.ledger.add({
      time: Date.parse(r.time) || this.now(),
      account: r.account,
      accessKey: r.accessKey,
      tokens: r.usage ? r.usage.inputTokens + r.usage.outputTokens : 0,
      costUsd: r.usage ? (r.costUsd ?? null) : 0,
      model: r.responseModel ?? r.upstreamModel ?? r.publicModel,
    });
    const touched = [
      globalLimit(config),
      r.account ? accountLimit(config, r.account) : undefined,
      r.accessKey ? keyLimit(config, r.accessKey) : undefined,
    ];
    const at = this.now();
    for (const scoped of touched) {
      if (!scoped) continue;
      for (const st of statusesOf(scoped, this.ledger, at, 'warning')) {
        const id = limitPartId(st);
        const told = this.ledger.notified(id);
        if (st.state === 'ok' || told === 'reached' || told === st.state) continue;
        this.ledger.markNotified(id, st.state);
        for (const l of this.listeners) {
          try {
            l(st);
          } catch {
            // a listener's failure must not break serving
          }
        }
      }
    }
  }

  /** Every configured limit with its use now. */
  statuses(config: KeybridgeConfig): LimitStatus[] {
    const at = this.now();
    return configuredLimits(config).flatMap((s) => statusesOf(s, this.ledger, at));
  }

  onLimit(listener: (s: LimitStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  keyUsage(config: KeybridgeConfig): KeyUsage[] {
    return config.server.accessKeys.map((k) => {
      const u = this.ledger.keyUsage(k.name);
      const out: KeyUsage = { name: k.name, ...u.total, today: u.today, month: u.month };
      if (!u.total.lastUsed) delete out.lastUsed;
      return out;
    });
  }

  unpriced(): string[] {
    return this.ledger.unpriced();
  }

  /** Writes the ledger now (the CLI exits right after stop()). */
  async flush(): Promise<void> {
    await this.ledger
      .flush()
      .catch((err: unknown) => this.warn(`Could not save the spend-limit ledger: ${String(err)}`));
  }
}
