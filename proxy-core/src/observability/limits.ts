import { ProxyError } from '../canonical/errors.js';
import type { LimitConfig } from '../config/account-base.js';
import type { KeybridgeConfig } from '../config/schema.js';
import { type ProxyMessageCode, proxyMsg } from '../messages.js';
import type { LimitMeasure, LimitPeriod, LimitScope, LimitStatus, UsageAmount } from './limit-types.js';
import {
  accountScope,
  GLOBAL_SCOPE,
  keyScope,
  type LimitsLedger,
  nextLocalMidnight,
  nextLocalMonth,
  type ScopeKey,
} from './limits-ledger.js';

/** A limit from the config with what it is on. */
export interface ScopedLimit {
  scope: LimitScope;
  key: ScopeKey;
  limit: LimitConfig;
}

const PARTS: ReadonlyArray<[LimitPeriod, LimitMeasure, keyof LimitConfig]> = [
  ['daily', 'usd', 'dailyUsd'],
  ['daily', 'tokens', 'dailyTokens'],
  ['monthly', 'usd', 'monthlyUsd'],
  ['monthly', 'tokens', 'monthlyTokens'],
];

/** The error code of a refusal because a spend limit is used up (clients should not retry it). */
export const LIMIT_REACHED = 'limit_reached';

/** Share of a limit at which the window warns. */
export const WARN_SHARE = 0.8;

interface ScopedLimits {
  global?: ScopedLimit;
  accounts: Map<string, ScopedLimit>;
  keys: Map<string, ScopedLimit>;
}

/** The limits of a config, built once per config object (the per-request paths only look them up). */
const byConfig = new WeakMap<object, ScopedLimits>();

function scopedLimits(
  config: Pick<KeybridgeConfig, 'limits' | 'accounts'> & Partial<Pick<KeybridgeConfig, 'server'>>,
) {
  let s = byConfig.get(config);
  if (!s) {
    s = { accounts: new Map(), keys: new Map() };
    if (config.limits) s.global = { scope: { kind: 'global' }, key: GLOBAL_SCOPE, limit: config.limits };
    for (const a of config.accounts)
      if (a.limits)
        s.accounts.set(a.id, {
          scope: { kind: 'account', id: a.id },
          key: accountScope(a.id),
          limit: a.limits,
        });
    for (const k of config.server?.accessKeys ?? [])
      if (k.limits)
        s.keys.set(k.name, { scope: { kind: 'key', name: k.name }, key: keyScope(k.name), limit: k.limits });
    byConfig.set(config, s);
  }
  return s;
}

export const globalLimit = (config: Pick<KeybridgeConfig, 'limits' | 'accounts'>): ScopedLimit | undefined =>
  scopedLimits(config).global;

export function accountLimit(
  config: Pick<KeybridgeConfig, 'limits' | 'accounts'>,
  id: string,
): ScopedLimit | undefined {
  return scopedLimits(config).accounts.get(id);
}

/** An access key's limit (the key as configured: its name and limits). */
export function keyLimit(
  config: Pick<KeybridgeConfig, 'limits' | 'accounts' | 'server'>,
  name: string,
): ScopedLimit | undefined {
  return scopedLimits(config).keys.get(name);
}

/** Every limit the config sets: on everything, on each account, on each access key. */
export function configuredLimits(config: KeybridgeConfig): ScopedLimit[] {
  const s = scopedLimits(config);
  return [...(s.global ? [s.global] : []), ...s.accounts.values(), ...s.keys.values()];
}

const RANK = { ok: 0, warning: 1, reached: 2 } as const;

/**
 * The status of each part (daily/monthly × USD/tokens) a scoped limit sets; with `atLeast`, only
 * the parts in that state or worse (the per-request paths: nothing is built for a part that is ok).
 */
export function statusesOf(
  s: ScopedLimit,
  ledger: LimitsLedger,
  now: number,
  atLeast: LimitStatus['state'] = 'ok',
): LimitStatus[] {
  const out: LimitStatus[] = [];
  let amount: Readonly<UsageAmount> | undefined;
  let amountOf: LimitPeriod | undefined;
  for (const [period, measure, field] of PARTS) {
    const limit = s.limit[field];
    if (limit === undefined) continue;
    if (amountOf !== period) {
      amount = ledger.used(s.key, period);
      amountOf = period;
    }
    if (!amount) continue;
    const used = measure === 'usd' ? amount.costUsd : amount.tokens;
    const state = used >= limit ? 'reached' : used >= limit * WARN_SHARE ? 'warning' : 'ok';
    if (RANK[state] < RANK[atLeast]) continue;
    const resets = period === 'daily' ? nextLocalMidnight(now) : nextLocalMonth(now);
    out.push({ scope: s.scope, period, measure, limit, used, resetsAt: resets.toISOString(), state });
  }
  return out;
}

/** The first part of a scoped limit that is used up, if any. */
export function reachedPart(s: ScopedLimit | undefined, ledger: LimitsLedger, now: number) {
  if (!s) return undefined;
  return statusesOf(s, ledger, now, 'reached')[0];
}

/** A stable id for one part of one limit (for "already told" bookkeeping). */
export function limitPartId(st: LimitStatus): string {
  const scope =
    st.scope.kind === 'global'
      ? GLOBAL_SCOPE
      : st.scope.kind === 'account'
        ? accountScope(st.scope.id)
        : keyScope(st.scope.name);
  return `${scope}|${st.period}|${st.measure}`;
}

/** `$5.00`; small amounts keep their first significant digits (`$0.0031`). */
export function formatUsd(n: number): string {
  if (n === 0 || Math.abs(n) >= 0.1) return `$${n.toFixed(2)}`;
  return `$${Number(n.toPrecision(2))}`;
}

const formatTokens = (n: number) => Math.round(n).toLocaleString('en-US');

const pad = (n: number) => String(n).padStart(2, '0');

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The refusal for a used-up limit: 429 in the caller's dialect, saying which limit, how much was
 * used and when it resets ("Keybridge: the daily limit of $5.00 for account my-vertex is used up
 * ($5.03); it resets at 00:00, or raise it in Settings → Limits").
 */
export function limitReachedError(st: LimitStatus, now: number): ProxyError {
  const usd = st.measure === 'usd';
  const limit = usd ? formatUsd(st.limit) : formatTokens(st.limit);
  const used = usd ? formatUsd(st.used) : formatTokens(st.used);
  const unit = usd ? '' : ' tokens';
  const at = new Date(st.resetsAt);
  const resets =
    st.period === 'daily'
      ? `${pad(at.getHours())}:${pad(at.getMinutes())}`
      : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  const name = st.scope.kind === 'account' ? st.scope.id : st.scope.kind === 'key' ? st.scope.name : '';
  const whose =
    st.scope.kind === 'global'
      ? 'all requests'
      : st.scope.kind === 'account'
        ? `account ${name}`
        : `the key "${name}"`;
  const when = st.period === 'daily' ? `at ${resets}` : `on ${resets}`;
  const then =
    st.scope.kind === 'key'
      ? 'or ask whoever gave you this key to raise it'
      : 'or raise it in Settings → Limits';
  const message = `Keybridge: the ${st.period} limit of ${limit}${unit} for ${whose} is used up (${used}${unit}); it resets ${when}, ${then}`;
  const code = `limit${cap(st.scope.kind)}${cap(st.period)}${usd ? 'Usd' : 'Tokens'}` as `limit${string}` &
    ProxyMessageCode;
  const messageRef =
    st.scope.kind === 'global'
      ? proxyMsg(code as 'limitGlobalDailyUsd', { limit, used, resets })
      : proxyMsg(code as 'limitAccountDailyUsd', { name, limit, used, resets });
  return new ProxyError('rate_limit', message, {
    code: LIMIT_REACHED,
    retryAfterMs: Math.max(0, at.getTime() - now),
    messageRef,
  });
}
