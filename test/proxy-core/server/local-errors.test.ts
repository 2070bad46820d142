import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureJson } from '../../support/fixtures.js';
import { type RunningProxy, rawRequest, startProxy } from '../../support/proxy-harness.js';
import { type MockServer, startMock } from '../../upstreams/support.js';

// Issue 15, items 4 and 5: errors of our own making (bad input, limits, bugs) stay local — a
// clear status, never retried, never blamed on an account — and an upstream that resets or
// answers unreadably is a 502 retried at most once.

type Json = Record<string, unknown>;

/** An OpenAI-compatible upstream whose behaviour is chosen by the upstream model id. */
let upstream: MockServer;
const hits = new Map<string, number>();
const answer = fixtureJson<Json>('openai/openai-text.json');

let px: RunningProxy;
let buggy: RunningProxy;

const account = (id: string, models: unknown[]) => ({
  id,
  provider: 'openai-compatible',
  baseUrl: `${upstream.url}/v1`,
  apiKey: 'sk-test-upstream',
  models,
});

beforeAll(async () => {
  upstream = await startMock(async (_req, res, seen) => {
    const model = String((JSON.parse(seen.body) as Json).model);
    hits.set(model, (hits.get(model) ?? 0) + 1);
    if (model === 'reset-headers') return void res.socket?.destroy();
    if (model === 'reset-body') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"mess');
      await new Promise((r) => setTimeout(r, 20));
      return void res.socket?.destroy();
    }
    if (model === 'not-json') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<!doctype html><p>Welcome</p>');
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...answer, model }));
  });
  px = await startProxy({
    accounts: [account('up', ['ok', 'reset-headers', 'reset-body', 'not-json'])],
  });
  buggy = await startProxy(
    { accounts: [account('up', ['ok'])] },
    {
      hooks: {
        beforeEncode: async () => {
          throw new TypeError("Cannot read properties of undefined (reading 'parts')");
        },
      },
    },
  );
});
afterAll(async () => {
  await px?.close();
  await buggy?.close();
  await upstream?.close();
});

const json = { 'content-type': 'application/json' };

/** One chat request in `dialect` with `extra` members merged into the body. */
function ask(origin: string, dialect: 'openai' | 'anthropic' | 'gemini', model: string, extra: Json = {}) {
  const bodies: Record<string, { path: string; headers: Record<string, string>; body: Json }> = {
    openai: {
      path: '/v1/chat/completions',
      headers: json,
      body: { model, messages: [{ role: 'user', content: 'hi' }], ...extra },
    },
    anthropic: {
      path: '/v1/messages',
      headers: { ...json, 'anthropic-version': '2023-06-01' },
      body: { model, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }], ...extra },
    },
    gemini: {
      path: `/v1beta/models/${model}:generateContent`,
      headers: json,
      body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], ...extra },
    },
  };
  const b = bodies[dialect]!;
  return rawRequest(origin, {
    method: 'POST',
    path: b.path,
    headers: b.headers,
    body: JSON.stringify(b.body),
  });
}

/** `[[[…[0]…]]]`, `depth` arrays deep, built as text (JSON.stringify would recurse). */
const deepArrays = (depth: number) => `${'['.repeat(depth)}0${']'.repeat(depth)}`;
const DEEP = deepArrays(100_000);

/** A tool in each dialect's shape whose parameter schema holds `schemaText` under `enum`. */
function deepTool(dialect: string): string {
  const params = `{"type":"object","properties":{"x":{"type":"array","items":{"type":"array"},"enum":${DEEP}}}}`;
  if (dialect === 'openai')
    return `"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":${params}}}]`;
  if (dialect === 'anthropic') return `"tools":[{"name":"f","description":"d","input_schema":${params}}]`;
  return `"tools":[{"functionDeclarations":[{"name":"f","description":"d","parameters":${params}}]}]`;
}

/** Sends a raw body text, with `member` spliced in as the first member. */
async function askRaw(dialect: 'openai' | 'anthropic' | 'gemini', member: string) {
  const probe = await captureBody(dialect);
  return rawRequest(px.origin, {
    method: 'POST',
    path: probe.path,
    headers: probe.headers,
    body: `{${member},${probe.body.slice(1)}`,
  });
}

async function captureBody(dialect: 'openai' | 'anthropic' | 'gemini') {
  const paths = {
    openai: '/v1/chat/completions',
    anthropic: '/v1/messages',
    gemini: '/v1beta/models/ok:generateContent',
  };
  const bodies = {
    openai: { model: 'ok', messages: [{ role: 'user', content: 'hi' }] },
    anthropic: { model: 'ok', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] },
    gemini: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
  };
  return {
    path: paths[dialect],
    headers: dialect === 'anthropic' ? { ...json, 'anthropic-version': '2023-06-01' } : json,
    body: JSON.stringify(bodies[dialect]),
  };
}

const DIALECTS = ['openai', 'anthropic', 'gemini'] as const;

describe.each(DIALECTS)('%s dialect: depth and size limits on request JSON', (dialect) => {
  it.each([
    ['10⁵ nested arrays in an extra field', () => `"extra":${DEEP}`, /nested more than 128 levels/],
    ['10⁵ nested arrays in a tool schema', () => deepTool(dialect), /nested more than 128 levels/],
    [
      '1.2 million values in an extra field',
      () => `"extra":[${'0,'.repeat(1_200_000)}0]`,
      /more than 1,000,000 values/,
    ],
  ])(
    '%s → a clear 400 naming the limit; nothing sent upstream, no account blamed',
    async (_n, member, why) => {
      const before = hits.get('ok') ?? 0;
      const recorded = px.nextRecord();
      const r = await askRaw(dialect, member());
      expect(r.status, r.body.slice(0, 300)).toBe(400);
      expect(r.body).toMatch(why);
      expect(r.body).toContain('(the limit)');
      expect(hits.get('ok') ?? 0).toBe(before);
      const rec = await recorded;
      expect(rec.attempts).toEqual([]);
      expect(rec.account).toBeUndefined();
    },
  );

  it('JSON within the limits (nested 100 deep, 100,000 values) is served', async () => {
    const r = await askRaw(
      dialect,
      `"metadata_extra":${deepArrays(100)},"wide_extra":[${'1,'.repeat(99_000)}1]`,
    );
    expect(r.status, r.body.slice(0, 300)).toBe(200);
  });
});

describe('upstream resets and unreadable answers', () => {
  it.each([
    ['reset before the headers', 'reset-headers', /connection .* was cut/],
    ['reset in the middle of a non-streaming body', 'reset-body', /connection .* was cut/],
    ['an answer that is not JSON', 'not-json', /not JSON/],
  ])('%s → 502, an upstream error, retried exactly once', async (_n, model, why) => {
    hits.set(model, 0);
    const recorded = px.nextRecord();
    const r = await ask(px.origin, 'openai', model);
    expect(r.status).toBe(502);
    expect(r.body).toMatch(why);
    expect(r.body).not.toMatch(/Internal error/);
    const rec = await recorded;
    expect(rec.error?.kind).toBe('upstream');
    expect(rec.attempts.length).toBe(2);
    expect(hits.get(model)).toBe(2);
  });
});

describe('errors of our own making', () => {
  // Conversion runs the hooks (an OpenAI client on an OpenAI-compatible account is relayed as is).
  it.each(['anthropic', 'gemini'] as const)(
    '%s: a bug in Keybridge is a 500 that is not retried and names no account',
    async (dialect) => {
      const before = hits.get('ok') ?? 0;
      const recorded = buggy.nextRecord();
      const r = await ask(buggy.origin, dialect, 'ok');
      expect(r.status).toBe(500);
      expect(r.body).toContain('Internal error');
      expect(r.body).not.toMatch(/account "up"/);
      const rec = await recorded;
      expect(rec.attempts.length).toBe(1);
      expect(rec.error?.kind).toBe('internal');
      expect(rec.error?.message).not.toMatch(/"up"/);
      expect(rec.account).toBeUndefined();
      expect(hits.get('ok') ?? 0).toBe(before);
    },
  );
});
