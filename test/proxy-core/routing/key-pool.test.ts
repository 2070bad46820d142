import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProxyError, QUOTA_EXHAUSTED_CODE } from '../../../proxy-core/src/canonical/errors.js';
import { KeyPool, maskSecret } from '../../../proxy-core/src/routing/key-pool.js';

function testKey(prefix = 'sk-'): string {
  return prefix + randomBytes(18).toString('base64url');
}

function makePool(n: number, extra: Partial<ConstructorParameters<typeof KeyPool>[2]> = {}) {
  const clock = { t: 1_000_000 };
  const secrets = Array.from({ length: n }, () => testKey());
  const pool = new KeyPool(
    'acct',
    secrets.map((secret) => ({ secret })),
    { now: () => clock.t, ...extra },
  );
  return { pool, clock, secrets };
}

describe('KeyPool', () => {
  it('rotates least-recently-used even when the clock does not move', () => {
    const { pool } = makePool(3);
    const ids = Array.from({ length: 6 }, () => pool.acquire()?.id);
    expect(ids).toEqual(['key-1', 'key-2', 'key-3', 'key-1', 'key-2', 'key-3']);
  });

  it('skips a rate-limited key until its retry-after has passed, then uses it again', () => {
    const { pool, clock } = makePool(2);
    const a = pool.acquire()!;
    pool.reportFailure(a.id, new ProxyError('rate_limit', 'slow down', { status: 429, retryAfterMs: 5_000 }));
    expect(pool.acquire()?.id).toBe('key-2');
    expect(pool.acquire()?.id).toBe('key-2');
    const snap = pool.snapshot().find((s) => s.id === 'key-1')!;
    expect(snap.state).toBe('cooling');
    expect(snap.cooldownUntil).toBe(clock.t + 5_000);
    clock.t += 5_001;
    expect(pool.acquire()?.id).toBe('key-1');
    expect(pool.snapshot()[0]?.state).toBe('ready');
  });

  it('uses a default cooldown when retry-after is absent and caps a huge one', () => {
    const { pool, clock } = makePool(1, { defaultCooldownMs: 30_000, maxCooldownMs: 60_000 });
    const k = pool.acquire()!;
    pool.markRateLimited(k.id);
    expect(pool.snapshot()[0]?.cooldownUntil).toBe(clock.t + 30_000);
    pool.markRateLimited(k.id, 3_600_000);
    expect(pool.snapshot()[0]?.cooldownUntil).toBe(clock.t + 60_000);
  });

  it('cools a quota-exhausted key for longer than a plain 429', () => {
    const { pool, clock } = makePool(2, { quotaCooldownMs: 3_600_000 });
    const a = pool.acquire()!;
    const state = pool.reportFailure(
      a.id,
      new ProxyError('rate_limit', 'You exceeded your current quota', {
        status: 429,
        code: QUOTA_EXHAUSTED_CODE,
        retryAfterMs: 1_000,
      }),
    );
    expect(state).toBe('exhausted');
    clock.t += 60_000;
    expect(pool.snapshot()[0]).toMatchObject({
      state: 'exhausted',
      reason: 'You exceeded your current quota',
    });
    expect(pool.acquire()?.id).toBe('key-2');
  });

  it('marks a key invalid on 401/403 with the reason, and never hands it out again until revived', () => {
    const { pool, clock } = makePool(2);
    const a = pool.acquire()!;
    pool.reportFailure(a.id, new ProxyError('authentication', 'Incorrect API key provided', { status: 401 }));
    clock.t += 24 * 3_600_000;
    expect([pool.acquire()?.id, pool.acquire()?.id]).toEqual(['key-2', 'key-2']);
    expect(pool.snapshot()[0]).toMatchObject({ state: 'invalid', reason: 'Incorrect API key provided' });
    pool.revive('key-1');
    expect(pool.acquire()?.id).toBe('key-1');
  });

  it('does not blame the key for a 5xx', () => {
    const { pool } = makePool(1);
    const k = pool.acquire()!;
    expect(pool.reportFailure(k.id, new ProxyError('upstream', 'boom', { status: 502 }))).toBe('ready');
    expect(pool.acquire()?.id).toBe('key-1');
  });

  it('explains why no key is usable, with when one frees up', () => {
    const { pool, clock } = makePool(2);
    pool.markRateLimited('key-1', 10_000);
    pool.markRateLimited('key-2', 4_000);
    expect(pool.acquire()).toBeUndefined();
    const err = pool.unavailableError();
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(4_000);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('next one free in 4 s');
    pool.markInvalid('key-1', 'bad');
    pool.markInvalid('key-2', 'bad');
    clock.t += 60_000;
    expect(pool.unavailableError().status).toBe(401);
  });

  it('snapshots never contain the secret', () => {
    const { pool, secrets } = makePool(2);
    pool.acquire();
    pool.markInvalid('key-2', 'revoked');
    const text = JSON.stringify(pool.snapshot());
    for (const s of secrets) expect(text).not.toContain(s);
    expect(pool.snapshot()[0]?.masked).toMatch(/^sk-….{4}$/);
    expect(pool.snapshot()[0]?.lastUsed).toBe(1_000_000);
  });
});

describe('maskSecret', () => {
  it('keeps a known prefix and the last four characters', () => {
    expect(maskSecret('sk-abcdefghijklmnop7Q2X')).toBe('sk-…7Q2X');
    expect(maskSecret('AKIAABCDEFGHIJKL7Q2X')).toBe('AKIA…7Q2X');
    expect(maskSecret('short')).toBe('••••');
  });
});
