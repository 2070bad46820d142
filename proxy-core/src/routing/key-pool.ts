import { ProxyError, QUOTA_EXHAUSTED_CODE } from '../canonical/errors.js';
import { proxyMsg } from '../messages.js';

/**
 * A pool of credentials (keys) for one provider account.
 *
 * - `acquire()` picks the least-recently-used usable key.
 * - A 429 cools the key down for `retryAfterMs` (a default when absent, capped); a quota-exhausted
 *   failure (the provider sets `code: QUOTA_EXHAUSTED_CODE` on its ProxyError) cools it down longer.
 * - A 401/403 marks the key invalid, keeping the reason for the UI, until `revive()`.
 * - No timers: every state is computed from the injected clock.
 */

export type KeyState = 'ready' | 'cooling' | 'exhausted' | 'invalid';

export interface PoolKeyInput {
  /** Stable id for logs and the UI; defaults to `key-<n>` (1-based). Never the secret itself. */
  id?: string;
  secret: string;
  label?: string;
}

export interface KeyPoolOptions {
  now: () => number;
  /** Cooldown after a 429 without retry-after. Default 30 s. */
  defaultCooldownMs?: number;
  /** Longest cooldown a 429's retry-after may impose. Default 10 min. */
  maxCooldownMs?: number;
  /** Cooldown after the provider says the quota is exhausted. Default 1 h. */
  quotaCooldownMs?: number;
}

/** A key handed out by `acquire()`. Report the outcome with its id. */
export interface KeyLease {
  id: string;
  secret: string;
}

/** What the UI sees of a key: never the secret, only a masked form. */
export interface KeySnapshot {
  id: string;
  label?: string;
  masked: string;
  state: KeyState;
  /** Epoch ms when a cooling/exhausted key becomes usable again. */
  cooldownUntil?: number;
  /** Why the key is cooling, exhausted or invalid, in plain words. */
  reason?: string;
  /** Epoch ms of the last time the key was handed out. */
  lastUsed?: number;
  /** Consecutive failures since the last success. */
  failures: number;
}

/** Why `acquire()` found no key, with when one frees up (if ever). */
export interface PoolUnavailable {
  /** Epoch ms when the first cooling key becomes usable; undefined when every key is invalid. */
  retryAt?: number;
  /** Whole seconds until `retryAt`, as the reason says them. */
  seconds?: number;
  reason: string;
}

interface KeyEntry {
  id: string;
  secret: string;
  label?: string;
  cooldownUntil?: number;
  exhausted: boolean;
  invalidReason?: string;
  reason?: string;
  lastUsed?: number;
  /** Monotonic use order, so LRU is exact even when the clock does not move. */
  useSeq: number;
  failures: number;
}

/** Masks a secret for display: a known prefix (or first 3 characters) … last 4, e.g. `sk-…7Q2X`. */
export function maskSecret(secret: string): string {
  const s = secret.trim();
  if (s.length < 12) return '••••';
  const known = /^(sk-ant-|sk-proj-|sk-or-v1-|sk-|AKIA|ASIA|AIza|ya29\.)/.exec(s)?.[0];
  const head = known ?? s.slice(0, 3);
  return `${head}…${s.slice(-4)}`;
}

export class KeyPool {
  private readonly entries: KeyEntry[];
  private readonly now: () => number;
  private readonly defaultCooldownMs: number;
  private readonly maxCooldownMs: number;
  private readonly quotaCooldownMs: number;
  private seq = 0;

  constructor(
    readonly accountId: string,
    keys: ReadonlyArray<PoolKeyInput>,
    opts: KeyPoolOptions,
  ) {
    this.now = opts.now;
    this.defaultCooldownMs = opts.defaultCooldownMs ?? 30_000;
    this.maxCooldownMs = opts.maxCooldownMs ?? 10 * 60_000;
    this.quotaCooldownMs = opts.quotaCooldownMs ?? 60 * 60_000;
    const seen = new Set<string>();
    this.entries = keys.map((k, i) => {
      const id = k.id ?? `key-${i + 1}`;
      if (seen.has(id)) throw new Error(`duplicate key id "${id}" in account "${accountId}"`);
      seen.add(id);
      return { id, secret: k.secret, label: k.label, exhausted: false, useSeq: 0, failures: 0 };
    });
  }

  get size(): number {
    return this.entries.length;
  }

  private stateOf(e: KeyEntry, now: number): KeyState {
    if (e.invalidReason !== undefined) return 'invalid';
    if (e.cooldownUntil !== undefined && e.cooldownUntil > now) return e.exhausted ? 'exhausted' : 'cooling';
    return 'ready';
  }

  private find(id: string): KeyEntry {
    const e = this.entries.find((x) => x.id === id);
    if (!e) throw new Error(`no key "${id}" in account "${this.accountId}"`);
    return e;
  }

  /** Number of keys usable right now. */
  usableCount(): number {
    const now = this.now();
    return this.entries.filter((e) => this.stateOf(e, now) === 'ready').length;
  }

  /** True when some key other than `exceptId` is usable now (for trying the next key at once). */
  hasUsableKey(exceptId?: string): boolean {
    const now = this.now();
    return this.entries.some((e) => e.id !== exceptId && this.stateOf(e, now) === 'ready');
  }

  /** The least-recently-used usable key, marked as used now; undefined when none is usable. */
  acquire(): KeyLease | undefined {
    const now = this.now();
    let best: KeyEntry | undefined;
    for (const e of this.entries) {
      if (this.stateOf(e, now) !== 'ready') continue;
      if (!best || e.useSeq < best.useSeq) best = e;
    }
    if (!best) return undefined;
    best.useSeq = ++this.seq;
    best.lastUsed = now;
    return { id: best.id, secret: best.secret };
  }

  /** Why no key is usable (call after `acquire()` returned undefined). */
  unavailable(): PoolUnavailable {
    const now = this.now();
    if (this.entries.length === 0) return { reason: `account "${this.accountId}" has no keys` };
    const waits = this.entries
      .filter((e) => e.invalidReason === undefined && e.cooldownUntil !== undefined && e.cooldownUntil > now)
      .map((e) => e.cooldownUntil as number);
    if (waits.length === 0) {
      return { reason: `every key of account "${this.accountId}" was rejected by the provider` };
    }
    const retryAt = Math.min(...waits);
    const secs = Math.max(1, Math.ceil((retryAt - now) / 1000));
    return {
      retryAt,
      seconds: secs,
      reason: `every key of account "${this.accountId}" is rate-limited or out of quota (next one free in ${secs} s)`,
    };
  }

  /** A ProxyError for "no usable key", retryable so routing moves on to the next route. */
  unavailableError(): ProxyError {
    const u = this.unavailable();
    if (u.retryAt === undefined) {
      return new ProxyError('authentication', `No working key for account "${this.accountId}"`, {
        hint: 'Every key was rejected by the provider. Check or replace the keys in the account settings.',
        messageRef: proxyMsg('keysAllRejected', { account: this.accountId }),
        hintRef: proxyMsg('keysAllRejectedHint'),
        account: this.accountId,
        retryable: true,
        status: 401,
      });
    }
    return new ProxyError('rate_limit', u.reason.charAt(0).toUpperCase() + u.reason.slice(1), {
      hint: 'Wait a little, add another key or account to this model, or raise your quota with the provider.',
      messageRef: proxyMsg('keysAllCooling', { account: this.accountId, seconds: u.seconds ?? 1 }),
      hintRef: proxyMsg('keysAllCoolingHint'),
      account: this.accountId,
      retryAfterMs: Math.max(0, u.retryAt - this.now()),
      retryable: true,
    });
  }

  /** The key worked: clear its failure count (a running cooldown is left to expire). */
  reportSuccess(id: string): void {
    const e = this.find(id);
    e.failures = 0;
  }

  /** Cooldown after a 429: `retryAfterMs` (capped), or the default. */
  markRateLimited(id: string, retryAfterMs?: number, reason?: string): void {
    const e = this.find(id);
    const wait = Math.min(this.maxCooldownMs, Math.max(0, retryAfterMs ?? this.defaultCooldownMs));
    e.cooldownUntil = this.now() + wait;
    e.exhausted = false;
    e.reason = reason ?? 'rate-limited by the provider';
    e.failures++;
  }

  /** Longer cooldown when the provider says the quota (or credit) is used up. */
  markQuotaExhausted(id: string, reason?: string, retryAfterMs?: number): void {
    const e = this.find(id);
    const wait = Math.max(this.quotaCooldownMs, retryAfterMs ?? 0);
    e.cooldownUntil = this.now() + wait;
    e.exhausted = true;
    e.reason = reason ?? 'quota exhausted';
    e.failures++;
  }

  /** The provider rejected the key (401/403): unusable until `revive()`. */
  markInvalid(id: string, reason: string): void {
    const e = this.find(id);
    e.invalidReason = reason;
    e.reason = reason;
    e.failures++;
  }

  /** Puts a key back in service (the user fixed it, or asked to retry). */
  revive(id: string): void {
    const e = this.find(id);
    e.invalidReason = undefined;
    e.cooldownUntil = undefined;
    e.exhausted = false;
    e.reason = undefined;
    e.failures = 0;
  }

  /**
   * Applies an attempt's failure to the key: 401/403 → invalid, quota code → exhausted,
   * 429 → cooldown. Other failures (5xx, network) are not the key's fault and change nothing.
   * Returns the state the key is in afterwards.
   */
  reportFailure(id: string, err: ProxyError): KeyState {
    const reason = err.message;
    if (err.code === QUOTA_EXHAUSTED_CODE) this.markQuotaExhausted(id, reason, err.retryAfterMs);
    else if (err.status === 401 || err.status === 403) this.markInvalid(id, reason);
    else if (err.status === 429) this.markRateLimited(id, err.retryAfterMs, reason);
    return this.stateOf(this.find(id), this.now());
  }

  /** Every key as the UI shows it. */
  snapshot(): KeySnapshot[] {
    const now = this.now();
    return this.entries.map((e) => {
      const state = this.stateOf(e, now);
      const snap: KeySnapshot = { id: e.id, masked: maskSecret(e.secret), state, failures: e.failures };
      if (e.label !== undefined) snap.label = e.label;
      if (state === 'cooling' || state === 'exhausted') snap.cooldownUntil = e.cooldownUntil;
      if (state !== 'ready' && e.reason !== undefined) snap.reason = e.reason;
      if (e.lastUsed !== undefined) snap.lastUsed = e.lastUsed;
      return snap;
    });
  }
}
