import type { ProxyError } from '../canonical/errors.js';
import type { Provider } from '../providers/types.js';
import { KeyPool } from './key-pool.js';

/** The provider (with one of its account's keys) to use for one attempt, and how it went. */
export interface ProviderLease {
  provider: Provider;
  succeeded(): void;
  failed(err: ProxyError): void;
  /** After a failure: is another key of this account usable right now? */
  hasAlternate(): boolean;
}

/** The providers of one account: one per API key when it has a pool of keys. */
export interface AccountKeys {
  /** The provider for the account's first key (catalog, discovery, credential test). */
  primary: Provider;
  pool?: KeyPool;
  byKey: ReadonlyMap<string, Provider>;
}

/** All API keys of an account: `apiKey` then `apiKeys`, without repeats or blanks. */
export function accountApiKeys(account: { apiKey?: string; apiKeys?: string[] }): string[] {
  const keys = [account.apiKey, ...(account.apiKeys ?? [])].filter(
    (k): k is string => !!k && k.trim() !== '',
  );
  return [...new Set(keys)];
}

/**
 * Builds an account's providers: a single one, or one per key behind a least-recently-used pool
 * (cooldown on 429 honouring retry-after, keys marked invalid on 401/403).
 */
export function buildAccountKeys(
  accountId: string,
  keys: string[],
  make: (apiKey: string | undefined) => Provider,
  now: () => number,
): AccountKeys {
  if (keys.length <= 1) {
    const primary = make(keys[0]);
    return { primary, byKey: new Map() };
  }
  const pool = new KeyPool(
    accountId,
    keys.map((secret) => ({ secret })),
    { now },
  );
  const byKey = new Map<string, Provider>();
  for (const [i, k] of pool.snapshot().entries()) byKey.set(k.id, make(keys[i]));
  return { primary: byKey.values().next().value as Provider, pool, byKey };
}

/** The provider (and key) to use for one attempt. */
export function leaseProvider(keys: AccountKeys): ProviderLease {
  const { pool } = keys;
  if (!pool) {
    return { provider: keys.primary, succeeded() {}, failed() {}, hasAlternate: () => false };
  }
  const lease = pool.acquire();
  if (!lease) throw pool.unavailableError();
  return {
    provider: keys.byKey.get(lease.id) ?? keys.primary,
    succeeded: () => pool.reportSuccess(lease.id),
    failed: (err) => void pool.reportFailure(lease.id, err),
    hasAlternate: () => pool.hasUsableKey(lease.id),
  };
}
