import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageStore } from '../../../proxy-core/src/observability/usage-store.js';
import { mockOpenAiAccount, type RunningProxy, rawRequest, startProxy } from '../../support/proxy-harness.js';
import { type OpenAIMock, startOpenAIMock } from '../../upstreams/openai-mock.js';

// Issue 15, item 3: names that are also Object.prototype members are plain ids everywhere —
// model ids, account ids, aliases — in every dialect's model position; never a 500.

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

let mock: OpenAIMock;
let px: RunningProxy;
let empty: RunningProxy;
let usage: UsageStore;
const dir = mkdtempSync(join(tmpdir(), 'kb-proto-'));

beforeAll(async () => {
  mock = await startOpenAIMock({ models: NAMES });
  px = await startProxy(
    {
      accounts: [
        // Account ids that are prototype names too (an id starts with a letter or digit).
        {
          id: 'constructor',
          provider: 'openai-compatible',
          baseUrl: `${mock.url}/v1`,
          apiKey: 'sk-test-upstream',
          models: NAMES,
        },
        {
          id: 'hasOwnProperty',
          provider: 'openai-compatible',
          baseUrl: `${mock.url}/v1`,
          apiKey: 'sk-test-upstream',
          models: [],
        },
      ],
      // Aliases named like prototype members, pointing at prototype-named models.
      aliases: { toLocaleString: 'constructor', propertyIsEnumerable: '__proto__' },
      logging: { accessLog: 'access.jsonl' },
    },
    { baseDir: dir },
  );
  usage = await UsageStore.open({ path: join(dir, 'usage.json'), warn: () => {} });
  px.proxy.onRequest((r) => usage.record(r));
  empty = await startProxy({
    accounts: [mockOpenAiAccount(mock.url)],
  });
});
afterAll(async () => {
  await px?.close();
  await empty?.close();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

const json = { 'content-type': 'application/json' };
const ask = {
  openai: (origin: string, model: string) =>
    rawRequest(origin, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: json,
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    }),
  anthropic: (origin: string, model: string) =>
    rawRequest(origin, {
      method: 'POST',
      path: '/v1/messages',
      headers: { ...json, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
    }),
  gemini: (origin: string, model: string) =>
    rawRequest(origin, {
      method: 'POST',
      path: `/v1beta/models/${encodeURIComponent(model)}:generateContent`,
      headers: json,
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    }),
};
const dialects = Object.keys(ask) as Array<keyof typeof ask>;

describe.each(dialects)('%s dialect', (dialect) => {
  it.each(NAMES)('model "%s" is served like any other model', async (name) => {
    const r = await ask[dialect](px.origin, name);
    expect(r.status, r.body).toBe(200);
    expect(mock.chats().at(-1)?.body.model).toBe(name);
  });

  it.each(['toLocaleString', 'propertyIsEnumerable'])('alias "%s" resolves to its model', async (alias) => {
    const r = await ask[dialect](px.origin, alias);
    expect(r.status, r.body).toBe(200);
    expect(mock.chats().at(-1)?.body.model).toBe(alias === 'toLocaleString' ? 'constructor' : '__proto__');
  });

  it.each([...NAMES, '__proto__/gpt-4.1-nano', 'constructor/x'])(
    'an unknown "%s" is a clear 404, not a 500',
    async (name) => {
      const r = await ask[dialect](empty.origin, name);
      expect(r.status, r.body).toBe(404);
      expect(r.body).toContain('is not available');
    },
  );
});

it('the account/model form reaches a prototype-named account', async () => {
  const r = await ask.openai(px.origin, 'hasOwnProperty/toString');
  expect(r.status, r.body).toBe(200);
  expect(mock.chats().at(-1)?.body.model).toBe('toString');
});

it('lists the models and keeps usage per model and account as plain keys', async () => {
  const list = (await rawRequest(px.origin, { path: '/v1/models' })).json() as {
    data: Array<{ id: string }>;
  };
  expect(list.data.map((m) => m.id)).toEqual(expect.arrayContaining([...NAMES, 'toLocaleString']));
  const one = await rawRequest(px.origin, { path: '/v1beta/models/hasOwnProperty' });
  expect(one.status).toBe(200);
  expect(({} as Record<string, unknown>).requests).toBeUndefined(); // Object.prototype untouched
  await px.close();
  expect(
    Object.getOwnPropertyDescriptor(usage.summary().byModel, '__proto__')?.value.requests,
  ).toBeGreaterThan(0);
  await usage.close();
  const saved = JSON.parse(readFileSync(join(dir, 'usage.json'), 'utf8')) as {
    days: Record<
      string,
      { byModel: Record<string, { requests: number }>; byAccount: Record<string, unknown> }
    >;
  };
  const day = Object.values(saved.days)[0]!;
  expect(Object.hasOwn(day.byModel, '__proto__')).toBe(true);
  expect(day.byModel['constructor' as string]?.requests).toBeGreaterThan(0);
  expect(Object.keys(day.byAccount)).toEqual(expect.arrayContaining(['constructor', 'hasOwnProperty']));
});
