import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../proxy-core/src/observability/types.js';
import { UsageStore } from '../../../proxy-core/src/observability/usage-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kb-usage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function rec(over: Partial<RequestRecord>): RequestRecord {
  return {
    id: Math.random().toString(36).slice(2),
    time: '2026-11-20T10:00:00.000Z',
    dialect: 'openai',
    endpoint: 'chat',
    method: 'POST',
    path: '/v1/chat/completions',
    publicModel: 'gpt-4o',
    account: 'azure-east',
    provider: 'azure',
    upstreamModel: 'my-gpt4o',
    stream: true,
    passthrough: true,
    status: 200,
    latencyMs: 100,
    attempts: [],
    ...over,
  };
}

describe('UsageStore', () => {
  it('aggregates per day, per model and per account, keeping unknown costs apart', async () => {
    const store = await UsageStore.open();
    store.record(rec({ usage: { inputTokens: 100, outputTokens: 50, cacheReadTokens: 40 }, costUsd: 0.01 }));
    store.record(rec({ account: 'bedrock', usage: { inputTokens: 10, outputTokens: 5 }, costUsd: 0.002 }));
    store.record(
      rec({
        publicModel: 'llama',
        account: 'ollama',
        usage: { inputTokens: 7, outputTokens: 3 },
        costUsd: null,
      }),
    );
    store.record(
      rec({
        time: '2026-11-21T01:00:00Z',
        status: 429,
        error: { status: 429, kind: 'rate_limit', message: 'x' },
      }),
    );

    const all = store.summary();
    expect(all.total).toMatchObject({
      requests: 4,
      errors: 1,
      inputTokens: 117,
      outputTokens: 58,
      cacheReadTokens: 40,
    });
    expect(all.total.costUsd).toBeCloseTo(0.012, 10);
    expect(all.total.unknownCostRequests).toBe(1);
    expect(all.byModel['gpt-4o']?.requests).toBe(3);
    expect(all.byModel.llama?.unknownCostRequests).toBe(1);
    expect(all.byAccount.bedrock?.costUsd).toBeCloseTo(0.002, 10);
    expect(all.byDay.map((d) => [d.day, d.total.requests])).toEqual([
      ['2026-11-20', 3],
      ['2026-11-21', 1],
    ]);
    expect(store.summary({ from: '2026-11-21' }).total.requests).toBe(1);
  });

  it('survives a restart: a new store reads what the last one saved', async () => {
    const path = join(dir, 'usage.json');
    const first = await UsageStore.open({ path, flushDelayMs: 60_000 });
    first.record(rec({ usage: { inputTokens: 1000, outputTokens: 200 }, costUsd: 0.5 }));
    first.record(rec({ usage: { inputTokens: 1, outputTokens: 2 }, costUsd: 0.25 }));
    await first.close();

    const second = await UsageStore.open({ path });
    expect(second.summary().total).toMatchObject({
      requests: 2,
      inputTokens: 1001,
      outputTokens: 202,
      costUsd: 0.75,
    });
    second.record(rec({ usage: { inputTokens: 5, outputTokens: 5 }, costUsd: 0.25 }));
    await second.close();

    const third = await UsageStore.open({ path });
    expect(third.summary().total.requests).toBe(3);
    expect(third.summary().byAccount['azure-east']?.costUsd).toBe(1);
    // Written atomically: no temp file left behind.
    expect((await readdir(dir)).sort()).toEqual(['usage.json']);
  });

  it('flushes on its own after the debounce', async () => {
    const path = join(dir, 'usage.json');
    const store = await UsageStore.open({ path, flushDelayMs: 10 });
    store.record(rec({ usage: { inputTokens: 3, outputTokens: 4 } }));
    for (let i = 0; i < 200; i++) {
      const text = await readFile(path, 'utf8').catch(() => '');
      if (text) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(JSON.parse(await readFile(path, 'utf8')).days['2026-11-20'].total.inputTokens).toBe(3);
    await store.close();
  });

  it('keeps a corrupt file aside, warns plainly, and starts fresh', async () => {
    const path = join(dir, 'usage.json');
    await writeFile(path, '{"version":1,"days":{"2026-11-20":{"total":');
    const warnings: string[] = [];
    const store = await UsageStore.open({
      path,
      warn: (m) => warnings.push(m),
      now: () => Date.parse('2026-11-23T12:00:00Z'),
    });
    expect(store.summary().total.requests).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('could not be read');
    const files = await readdir(dir);
    expect(files).toContain('usage.json.corrupt-2026-11-23T12-00-00-000Z');
    expect(await readFile(join(dir, 'usage.json.corrupt-2026-11-23T12-00-00-000Z'), 'utf8')).toContain(
      '"total":',
    );
    store.record(rec({ usage: { inputTokens: 1, outputTokens: 1 } }));
    await store.close();
    expect((await UsageStore.open({ path })).summary().total.requests).toBe(1);
  });

  it('keeps only the most recent days', async () => {
    const store = await UsageStore.open({ maxDays: 3 });
    for (const d of ['01', '02', '03', '04', '05']) store.record(rec({ time: `2026-11-${d}T00:00:00Z` }));
    expect(store.summary().byDay.map((d) => d.day)).toEqual(['2026-11-03', '2026-11-04', '2026-11-05']);
  });

  it('shortening the kept days at run time drops the older days, also from the file', async () => {
    const path = join(dir, 'usage.json');
    const store = await UsageStore.open({ path, maxDays: 400 });
    for (const d of ['2026-08-01', '2026-11-01', '2026-11-20']) store.record(rec({ time: `${d}T10:00:00Z` }));
    expect(store.summary().byDay).toHaveLength(3);
    store.setMaxDays(30);
    expect(store.summary().byDay.map((d) => d.day)).toEqual(['2026-11-01', '2026-11-20']);
    await store.close();
    expect(Object.keys(JSON.parse(await readFile(path, 'utf8')).days).sort()).toEqual([
      '2026-11-01',
      '2026-11-20',
    ]);
  });

  it.skipIf(process.platform === 'win32')(
    'keeps its file private (0600): new, rewritten, and tightened when it was readable by others',
    async () => {
      const path = join(dir, 'usage.json');
      await writeFile(path, JSON.stringify({ version: 1, days: {} }), { mode: 0o644 });
      const store = await UsageStore.open({ path, flushDelayMs: 60_000 });
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      store.record(rec({ publicModel: 'm', usage: { inputTokens: 1, outputTokens: 1 } }));
      await store.close();
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const fresh = join(dir, 'fresh', 'usage.json');
      const other = await UsageStore.open({ path: fresh });
      other.record(rec({ publicModel: 'm' }));
      await other.close();
      expect((await stat(fresh)).mode & 0o777).toBe(0o600);
    },
  );

  it('does not count requests that name no model and report no usage (model lists)', async () => {
    const store = await UsageStore.open();
    store.record(
      rec({ endpoint: 'models', method: 'GET', publicModel: undefined, upstreamModel: undefined }),
    );
    store.record(rec({ usage: { inputTokens: 1, outputTokens: 1 } }));
    expect(store.summary().total.requests).toBe(1);
  });

  it('keeps what prompt caching saved, and reads a file written before it was kept', async () => {
    const path = join(dir, 'usage.json');
    await writeFile(
      path,
      JSON.stringify({
        version: 1,
        days: {
          '2026-11-19': {
            total: {
              requests: 1,
              errors: 0,
              inputTokens: 10,
              outputTokens: 5,
              cacheReadTokens: 0,
              cacheWriteTokens: 0,
              reasoningTokens: 0,
              costUsd: 0.001,
              unknownCostRequests: 0,
            },
            byModel: {},
            byAccount: {},
          },
        },
      }),
    );
    const store = await UsageStore.open({ path, flushDelayMs: 10 });
    expect(store.summary().total.cacheSavedUsd).toBe(0);
    const usage = { inputTokens: 12_000, outputTokens: 50, cacheReadTokens: 11_000 };
    store.record(rec({ publicModel: 'claude', account: 'vx', usage, cacheSavedUsd: 0.0297 }));
    store.record(rec({ publicModel: 'claude', account: 'vx', usage, cacheSavedUsd: -0.0081 }));
    await store.close();
    const again = await UsageStore.open({ path });
    const total = again.summary().total;
    expect(total.cacheSavedUsd).toBeCloseTo(0.0216, 10);
    expect(again.summary().byAccount.vx?.cacheSavedUsd).toBeCloseTo(0.0216, 10);
    expect(total.cacheReadTokens).toBe(22_000);
  });
});
