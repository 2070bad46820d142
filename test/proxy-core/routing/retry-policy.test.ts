import { describe, expect, it } from 'vitest';
import { ProxyError, UPSTREAM_CUT } from '../../../proxy-core/src/canonical/errors.js';
import { KeyPool } from '../../../proxy-core/src/routing/key-pool.js';
import {
  backoffDelayMs,
  classifyFailure,
  type RouteRef,
  runWithFailover,
} from '../../../proxy-core/src/routing/retry-policy.js';

const routes: RouteRef[] = [
  { account: 'azure-east', provider: 'azure', upstreamModel: 'gpt-4o' },
  { account: 'azure-west', provider: 'azure', upstreamModel: 'my-gpt4o' },
  { account: 'bedrock', provider: 'bedrock', upstreamModel: 'anthropic.claude' },
];

const rateLimited = (retryAfterMs?: number) =>
  new ProxyError('rate_limit', 'Too many requests', { status: 429, retryAfterMs, retryable: true });
const serverError = () => new ProxyError('upstream', 'Internal error', { status: 500, retryable: true });

/** A fake clock whose sleep advances time and records the waits. */
function fakeTime() {
  const clock = { t: 0, waits: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.waits.push(ms);
      clock.t += ms;
    },
  };
}

describe('classifyFailure', () => {
  it('sorts failures the way users expect', () => {
    expect(classifyFailure(new ProxyError('authentication', 'x', { status: 401 }))).toBe('failover');
    expect(classifyFailure(new ProxyError('permission', 'x', { status: 403 }))).toBe('failover');
    expect(classifyFailure(rateLimited())).toBe('retryable');
    expect(classifyFailure(new ProxyError('upstream', 'x', { status: 503 }))).toBe('retryable');
    expect(classifyFailure(new ProxyError('timeout', 'x', { retryable: true }))).toBe('retryable');
    expect(classifyFailure(new ProxyError('invalid_request', 'x', { status: 400 }))).toBe('fatal');
    expect(classifyFailure(new ProxyError('not_found', 'x', { status: 404 }))).toBe('fatal');
  });
});

describe('backoffDelayMs', () => {
  it('stays within the exponential ceiling and the cap', () => {
    expect(backoffDelayMs(1, () => 0.999, 500, 8000)).toBeLessThan(500);
    expect(backoffDelayMs(3, () => 0.999, 500, 8000)).toBeLessThan(2000);
    expect(backoffDelayMs(3, () => 0.999, 500, 8000)).toBeGreaterThanOrEqual(1990);
    expect(backoffDelayMs(20, () => 0.999, 500, 8000)).toBeLessThan(8000);
    expect(backoffDelayMs(5, () => 0, 500, 8000)).toBe(0);
  });
});

describe('runWithFailover', () => {
  it('fails over in route order and records every attempt for the log', async () => {
    const t = fakeTime();
    const tried: string[] = [];
    const res = await runWithFailover(
      routes,
      async (route) => {
        tried.push(route.account);
        if (route.account === 'azure-east') throw rateLimited(1000);
        if (route.account === 'azure-west') throw serverError();
        return 'answer';
      },
      { now: t.now, sleep: t.sleep, statusOf: () => 200 },
    );
    expect(tried).toEqual(['azure-east', 'azure-west', 'bedrock']);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.value).toBe('answer');
    expect(res.route.account).toBe('bedrock');
    expect(res.attempts.map((a) => [a.account, a.status])).toEqual([
      ['azure-east', 429],
      ['azure-west', 500],
      ['bedrock', 200],
    ]);
    expect(res.attempts[0]?.error?.message).toBe('Too many requests');
    expect(t.clock.waits).toEqual([]);
  });

  it('fails over on a timeout or a cut connection like on a 5xx', async () => {
    const tried: string[] = [];
    const res = await runWithFailover(routes, async (route) => {
      tried.push(route.account);
      if (route.account === 'azure-east')
        throw new ProxyError('timeout', 'did not start answering in time', { retryable: true });
      if (route.account === 'azure-west')
        throw new ProxyError('upstream', 'The connection was cut', { retryable: true });
      return 'ok';
    });
    expect(tried).toEqual(['azure-east', 'azure-west', 'bedrock']);
    expect(res.ok).toBe(true);
    expect(res.attempts.map((a) => a.error?.kind)).toEqual(['timeout', 'upstream', undefined]);
  });

  it('retries a cut connection at most once per route, then only other routes (issue 15)', async () => {
    const t = fakeTime();
    const tried: string[] = [];
    const res = await runWithFailover(
      routes.slice(0, 2),
      async (route) => {
        tried.push(route.account);
        throw new ProxyError('upstream', 'The connection was cut', { retryable: true, code: UPSTREAM_CUT });
      },
      { now: t.now, sleep: t.sleep, maxAttempts: 10 },
    );
    expect(res.ok).toBe(false);
    expect(tried).toEqual(['azure-east', 'azure-west', 'azure-east', 'azure-west']);
  });

  it('never retries an error of our own making, whatever its status (issue 15)', async () => {
    let calls = 0;
    const res = await runWithFailover(routes, async () => {
      calls++;
      throw new ProxyError('internal', 'Internal error: Maximum call stack size exceeded');
    });
    expect(calls).toBe(1);
    expect(res.ok).toBe(false);
    expect(classifyFailure(new ProxyError('internal', 'x', { status: 500, retryable: true }))).toBe('fatal');
  });

  it('one deadline across attempts: an attempt in flight is aborted and the reason returned', async () => {
    const started = Date.now();
    let attempts = 0;
    const res = await runWithFailover(
      routes,
      (_route, ctx) => {
        attempts++;
        if (attempts === 1) return Promise.reject(serverError());
        // Hangs until aborted, like an upstream that never answers.
        return new Promise((_ok, fail) =>
          ctx.signal.addEventListener('abort', () => fail(new Error('aborted'))),
        );
      },
      { deadlineMs: 200 },
    );
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.aborted).toBe(false);
    expect(res.error.status).toBe(504);
    expect(res.error.message).toMatch(/^No answer within 200 ms/);
    expect(res.error.message).toContain('Internal error'); // the last try's reason (the 500)
    expect(attempts).toBe(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('the deadline does not apply once the answer is committed', async () => {
    const res = await runWithFailover(
      routes,
      async (_route, ctx) => {
        await new Promise((r) => setTimeout(r, 150));
        return ctx.signal.aborted ? 'cut' : 'whole';
      },
      { deadlineMs: 50, isCommitted: () => true },
    );
    expect(res.ok && res.value).toBe('whole');
  });

  it('tries every route of a long list by default', async () => {
    const many = Array.from({ length: 6 }, (_, i) => ({
      account: `a${i}`,
      provider: 'p',
      upstreamModel: 'm',
    }));
    const res = await runWithFailover(many, async (route) => {
      if (route.account !== 'a5') throw serverError();
      return 'last one';
    });
    expect(res.ok && res.value).toBe('last one');
  });

  it('does not retry once the attempt committed, even if later routes exist', async () => {
    let calls = 0;
    const res = await runWithFailover(routes, async () => {
      calls++;
      return { committed: true };
    });
    expect(calls).toBe(1);
    expect(res.ok).toBe(true);
  });

  it('stops at once on a request the upstream rejects as invalid', async () => {
    let calls = 0;
    const res = await runWithFailover(routes, async () => {
      calls++;
      throw new ProxyError('invalid_request', 'messages: field required', { status: 400 });
    });
    expect(calls).toBe(1);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.status).toBe(400);
    expect(res.aborted).toBe(false);
  });

  it('never retries a refused credential on the same route', async () => {
    const tried: string[] = [];
    const res = await runWithFailover(
      routes.slice(0, 2),
      async (route) => {
        tried.push(route.account);
        throw new ProxyError('authentication', 'bad key', { status: 401 });
      },
      { maxAttempts: 6 },
    );
    expect(tried).toEqual(['azure-east', 'azure-west']);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.message).toBe('bad key');
  });

  it('retries a single route with bounded, jittered backoff and gives up after maxAttempts', async () => {
    const t = fakeTime();
    let calls = 0;
    const res = await runWithFailover(
      routes.slice(0, 1),
      async () => {
        calls++;
        throw serverError();
      },
      { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250, random: () => 0.99, now: t.now, sleep: t.sleep },
    );
    expect(calls).toBe(4);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.attempts).toHaveLength(4);
    expect(res.error.status).toBe(500);
    expect(t.clock.waits).toHaveLength(3);
    for (const w of t.clock.waits) expect(w).toBeLessThan(250);
    expect(t.clock.waits[0]).toBeLessThan(t.clock.waits[1]!);
  });

  it('honours a short retry-after and drops a route that asks for a long wait', async () => {
    const t = fakeTime();
    const tried: string[] = [];
    await runWithFailover(
      routes.slice(0, 2),
      async (route) => {
        tried.push(route.account);
        throw route.account === 'azure-east' ? rateLimited(3_000) : rateLimited(120_000);
      },
      { maxAttempts: 3, random: () => 0, now: t.now, sleep: t.sleep, maxRetryAfterMs: 20_000 },
    );
    expect(tried).toEqual(['azure-east', 'azure-west', 'azure-east']);
    expect(t.clock.waits).toEqual([3_000]);
  });

  it('returns the retry-after of the last error when every route is rate-limited', async () => {
    const res = await runWithFailover(routes.slice(0, 1), async () => {
      throw rateLimited(600_000);
    });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.retryAfterMs).toBe(600_000);
    expect(res.attempts).toHaveLength(1);
  });

  it('a refusal before sending (a spend limit) moves on to the next route at once, without waiting', async () => {
    const t = fakeTime();
    const limit = new ProxyError('rate_limit', 'The daily limit of azure-east is used up', { status: 429 });
    const tried: string[] = [];
    const res = await runWithFailover(
      routes,
      async (route) => {
        tried.push(route.account);
        if (route.account === 'azure-east') throw limit;
        return `via ${route.account}`;
      },
      { now: t.now, sleep: t.sleep, dropsRoute: (err) => err === limit, hasAlternateKey: () => true },
    );
    expect(res.ok && res.value).toBe('via azure-west');
    expect(tried).toEqual(['azure-east', 'azure-west']);
    expect(t.clock.waits).toEqual([]);
  });

  it('when every route refuses before sending, the request ends with the refusal after one round', async () => {
    const t = fakeTime();
    const limit = new ProxyError('invalid_request', 'The monthly limit is used up', { status: 429 });
    const res = await runWithFailover(
      routes,
      async () => {
        throw limit;
      },
      { now: t.now, sleep: t.sleep, dropsRoute: (err) => err === limit },
    );
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error).toBe(limit);
    expect(res.attempts).toHaveLength(3);
    expect(t.clock.waits).toEqual([]);
  });

  it('tries the next key of the same account before moving to the next route', async () => {
    const pool = new KeyPool(
      'azure-east',
      [{ secret: 'k1-aaaaaaaaaaaaaaaa' }, { secret: 'k2-bbbbbbbbbbbbbbbb' }],
      {
        now: () => 0,
      },
    );
    const used: string[] = [];
    const res = await runWithFailover(
      routes,
      async (route) => {
        if (route.account !== 'azure-east') return `via ${route.account}`;
        const key = pool.acquire();
        if (!key) throw pool.unavailableError();
        used.push(key.id);
        const err = rateLimited(30_000);
        pool.reportFailure(key.id, err);
        throw err;
      },
      { hasAlternateKey: (route) => route.account === 'azure-east' && pool.hasUsableKey() },
    );
    expect(used).toEqual(['key-1', 'key-2']);
    expect(res.ok && res.value).toBe('via azure-west');
  });

  it('aborts at once when the client disconnects during a backoff wait', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const res = await runWithFailover(
      routes.slice(0, 1),
      async () => {
        calls++;
        setTimeout(() => controller.abort(), 20);
        throw serverError();
      },
      { signal: controller.signal, baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 0.99 },
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(calls).toBe(1);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.aborted).toBe(true);
    expect(res.error.status).toBe(499);
  });

  it('reports an abort during an attempt as a client abort, not a route failure', async () => {
    const controller = new AbortController();
    const res = await runWithFailover(
      routes,
      async (_route, ctx) => {
        controller.abort();
        expect(ctx.signal.aborted).toBe(true);
        throw new Error('aborted');
      },
      { signal: controller.signal },
    );
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.aborted).toBe(true);
    expect(res.attempts).toHaveLength(1);
  });

  it('says so plainly when a model has no route', async () => {
    const res = await runWithFailover([], async () => 'x');
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.status).toBe(404);
  });
});
