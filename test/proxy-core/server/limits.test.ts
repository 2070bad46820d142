import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { LimitStatus } from '../../../proxy-core/src/index.js';
import { type RunningProxy, rawRequest, startProxy } from '../../support/proxy-harness.js';
import { type MockServer, sseFrame, startMock } from '../../upstreams/support.js';

// Spend limits and keys for friends (issue 19), end to end: real SDK clients in each dialect,
// a real proxy on 127.0.0.1, and an OpenAI-compatible upstream that checks its key and reports
// the usage each test sets. gpt-4.1 lists at $2 / $8 per million tokens, so 100k tokens in and
// 25k out cost $0.40; local-llama has no price.

type Json = Record<string, unknown>;

const ANNA = 'anna-key-0123456789abcdef';
const BOB = 'bob-key-0123456789abcdefgh';
const OWNER = 'owner-key-0123456789abcdef';

interface UsageMock extends MockServer {
  /** Usage the next answers report. */
  usage: { prompt: number; completion: number };
  /** Chat requests seen: the model and the upstream key used. */
  chats: Array<{ model: string; auth: string }>;
  /** When set, a stream pauses after its first words until this resolves. */
  hold?: Promise<void>;
}

async function startUsageMock(): Promise<UsageMock> {
  const state: Pick<UsageMock, 'usage' | 'chats' | 'hold'> = {
    usage: { prompt: 100_000, completion: 25_000 },
    chats: [],
  };
  const server = await startMock(async (req, res, seen) => {
    const auth = String(req.headers.authorization ?? '');
    if (!/^Bearer sk-(a|b)$/.test(auth)) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key', type: 'invalid_request_error' } }));
      return;
    }
    const body = JSON.parse(seen.body) as Json;
    const model = String(body.model);
    state.chats.push({ model, auth });
    const usage = {
      prompt_tokens: state.usage.prompt,
      completion_tokens: state.usage.completion,
      total_tokens: state.usage.prompt + state.usage.completion,
    };
    const base = { id: 'chatcmpl-1', created: 1_700_000_000, model };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [
            { index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop' },
          ],
          usage,
        }),
      );
      return;
    }
    const chunk = (delta: Json, finish: string | null = null) =>
      sseFrame(
        JSON.stringify({
          ...base,
          object: 'chat.completion.chunk',
          choices: [{ index: 0, delta, finish_reason: finish }],
        }),
      );
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(chunk({ role: 'assistant', content: 'Hello' }));
    if (state.hold) await state.hold;
    res.write(chunk({ content: ' there' }));
    res.write(chunk({}, 'stop'));
    if ((body.stream_options as Json | undefined)?.include_usage)
      res.write(sseFrame(JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })));
    res.end(sseFrame('[DONE]'));
  });
  return Object.assign(server, state) as UsageMock;
}

function accountsFor(mock: MockServer, limits: { a?: Json; b?: Json } = {}) {
  return [
    {
      id: 'acct-a',
      provider: 'openai-compatible',
      baseUrl: `${mock.url}/v1`,
      apiKey: 'sk-a',
      models: ['gpt-4.1', 'local-llama'],
      ...(limits.a ? { limits: limits.a } : {}),
    },
    {
      id: 'acct-b',
      provider: 'openai-compatible',
      baseUrl: `${mock.url}/v1`,
      apiKey: 'sk-b',
      models: [{ id: 'b-model', upstream: 'gpt-4.1' }],
      ...(limits.b ? { limits: limits.b } : {}),
    },
  ];
}

const openai = (px: RunningProxy, apiKey = 'anything') => new OpenAI({ baseURL: `${px.origin}/v1`, apiKey }); // the SDK's own retries stay on: a limit must stop them
const ask = (client: OpenAI, model = 'gpt-4.1') =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });

let mock: UsageMock | undefined;
let px: RunningProxy | undefined;
afterEach(async () => {
  await px?.close();
  await mock?.close();
  px = undefined;
  mock = undefined;
});

async function serve(config: Json, opts: Parameters<typeof startProxy>[1] = {}) {
  px = await startProxy(config, opts);
  return px;
}

describe("a friend's key with a $1 daily limit", () => {
  it('stops at $1 with a message that says so, while the owner goes on', async () => {
    mock = await startUsageMock();
    const p = await serve({
      server: { accessKeys: [{ name: 'Anna', key: ANNA, limits: { dailyUsd: 1 } }] },
      accounts: accountsFor(mock),
    });
    const anna = openai(p, ANNA);
    for (let i = 0; i < 3; i++) {
      const r = await ask(anna);
      expect(r.choices[0]?.message.content).toBe('Hello there');
    }
    expect(p.records.map((r) => r.accessKey)).toEqual(['Anna', 'Anna', 'Anna']);
    // $0.40 + $0.40 + $0.40: the third started under $1, so it ran; now $1.20 is used.
    const refused = await ask(anna).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const err = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err.status).toBe(429);
    expect(err.message).toContain(
      'Keybridge: the daily limit of $1.00 for the key "Anna" is used up ($1.20); it resets at 00:00, or ask whoever gave you this key to raise it',
    );
    expect((err.error as Json).type).toBe('rate_limit_error');
    // Nothing reached the upstream, and the SDK did not retry a limit that lasts until midnight.
    expect(mock.chats).toHaveLength(3);
    expect(p.records.filter((r) => r.status === 429)).toHaveLength(1);
    expect(p.records.at(-1)).toMatchObject({ status: 429, accessKey: 'Anna' });
    // The window shows the same sentence in the user's language from its catalog code.
    expect(p.records.at(-1)?.error?.messageRef).toEqual({
      code: 'limitKeyDailyUsd',
      params: { name: 'Anna', limit: '$1.00', used: '$1.20', resets: '00:00' },
    });

    // The owner (no key on loopback) is not held to Anna's limit.
    expect((await ask(openai(p))).choices[0]?.message.content).toBe('Hello there');
    const [usage] = p.proxy.keyUsage();
    expect(usage).toMatchObject({ name: 'Anna', requests: 3, tokens: 375_000 });
    expect(usage?.today.costUsd).toBeCloseTo(1.2, 6);
    expect(usage?.month.requests).toBe(3);
    const status = p.proxy.limits();
    expect(status).toHaveLength(1);
    expect(status[0]).toMatchObject({
      scope: { kind: 'key', name: 'Anna' },
      period: 'daily',
      measure: 'usd',
      limit: 1,
      state: 'reached',
    });
    const midnight = new Date();
    midnight.setHours(24, 0, 0, 0);
    expect(status[0]?.resetsAt).toBe(midnight.toISOString());
  });
});

describe('limits in each dialect, streaming and not', () => {
  it('Anthropic clients: an account token limit refuses with a rate_limit_error, streamed or not', async () => {
    mock = await startUsageMock();
    const p = await serve({ accounts: accountsFor(mock, { a: { dailyTokens: 200_000 } }) });
    const claude = new Anthropic({ baseURL: p.origin, apiKey: 'x' });
    const params = {
      model: 'gpt-4.1',
      max_tokens: 100,
      messages: [{ role: 'user' as const, content: 'Hi' }],
    };
    const first = await claude.messages.stream(params).finalMessage();
    expect(first.content.map((b) => (b.type === 'text' ? b.text : '')).join('')).toBe('Hello there');
    await claude.messages.create(params); // 125k used before it: allowed; 250k after
    const streamed = await claude.messages
      .stream(params)
      .finalMessage()
      .catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(Anthropic.RateLimitError);
    expect((streamed as Error).message).toContain(
      'the daily limit of 200,000 tokens for account acct-a is used up (250,000 tokens); it resets at 00:00, or raise it in Settings → Limits',
    );
    const whole = await rawRequest(p.origin, {
      method: 'POST',
      path: '/v1/messages',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'x' },
      body: JSON.stringify(params),
    });
    expect(whole.status).toBe(429);
    // SillyTavern shows only the status line of a failed request: it says the same, in Latin-1.
    expect(whole.reason).toBe(
      'Keybridge: the daily limit of 200,000 tokens for account acct-a is used up (250,000 tokens); it resets at 00:00, or raise it in Settings -> Limits',
    );
    expect(whole.headers['x-should-retry']).toBe('false');
    expect(whole.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(mock.chats).toHaveLength(2);
  });

  it('Gemini clients: a global monthly USD limit refuses with RESOURCE_EXHAUSTED, streamed or not', async () => {
    mock = await startUsageMock();
    const p = await serve({ accounts: accountsFor(mock), limits: { monthlyUsd: 0.5 } });
    const ai = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: p.origin } });
    const chunks: string[] = [];
    for await (const c of await ai.models.generateContentStream({ model: 'gpt-4.1', contents: 'Hi' }))
      chunks.push(c.text ?? '');
    expect(chunks.join('')).toBe('Hello there');
    await ai.models.generateContent({ model: 'gpt-4.1', contents: 'Hi' }); // $0.40 before: allowed
    const next = new Date();
    const firstOfNext = new Date(next.getFullYear(), next.getMonth() + 1, 1);
    const day = `${firstOfNext.getFullYear()}-${String(firstOfNext.getMonth() + 1).padStart(2, '0')}-01`;
    const refused = await ai.models
      .generateContent({ model: 'gpt-4.1', contents: 'Hi' })
      .catch((e: unknown) => e);
    expect(String((refused as Error).message)).toContain(
      `the monthly limit of $0.50 for all requests is used up ($0.80); it resets on ${day}`,
    );
    const streamed = await rawRequest(p.origin, {
      method: 'POST',
      path: '/v1beta/models/gpt-4.1:streamGenerateContent?alt=sse',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
    });
    expect(streamed.status).toBe(429);
    expect(streamed.json()).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
    expect(mock.chats).toHaveLength(2);
  });

  it('OpenAI clients streaming: a stream in flight that crosses the limit completes; the next is refused', async () => {
    mock = await startUsageMock();
    const p = await serve({ accounts: accountsFor(mock), limits: { dailyUsd: 0.5 } });
    const client = openai(p);
    await ask(client); // $0.40
    let release!: () => void;
    mock.hold = new Promise((ok) => {
      release = ok;
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const it = stream[Symbol.asyncIterator]();
    const firstWords = await it.next();
    expect(firstWords.value?.choices[0]?.delta.content).toBe('Hello');
    // While it streams, nothing is counted yet; when it ends it is counted whole and not cut.
    release();
    let rest = '';
    for (let n = await it.next(); !n.done; n = await it.next())
      rest += n.value.choices[0]?.delta.content ?? '';
    expect(rest).toBe(' there');
    expect(p.proxy.limits()[0]).toMatchObject({ state: 'reached' });
    expect(p.proxy.limits()[0]?.used).toBeCloseTo(0.8, 6);
    const refused = await client.chat.completions
      .create({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as Error).message).toContain(
      'the daily limit of $0.50 for all requests is used up ($0.80)',
    );
    expect(mock.chats).toHaveLength(2);
  });
});

describe('account limits and failover', () => {
  it('an account over its limit is passed over for the next route; refused when none is left', async () => {
    mock = await startUsageMock();
    const p = await serve({
      accounts: accountsFor(mock, { a: { dailyUsd: 0.3 } }),
      models: [
        {
          id: 'shared',
          routes: [
            { account: 'acct-a', model: 'gpt-4.1' },
            { account: 'acct-b', model: 'gpt-4.1' },
          ],
        },
      ],
    });
    const client = openai(p);
    await ask(client, 'shared');
    await ask(client, 'shared');
    expect(mock.chats.map((c) => c.auth)).toEqual(['Bearer sk-a', 'Bearer sk-b']);
    expect(p.records.map((r) => r.account)).toEqual(['acct-a', 'acct-b']);
    // gpt-4.1 goes only through acct-a, whose limit is used up.
    const refused = await ask(client, 'gpt-4.1').catch((e: unknown) => e);
    expect((refused as Error).message).toContain(
      'the daily limit of $0.30 for account acct-a is used up ($0.40)',
    );
  });

  it('a model without a price counts against token limits only, and is named', async () => {
    mock = await startUsageMock();
    const p = await serve({ accounts: accountsFor(mock), limits: { dailyUsd: 0.1, dailyTokens: 300_000 } });
    const client = openai(p);
    await ask(client, 'local-llama');
    await ask(client, 'local-llama');
    expect(p.proxy.unpricedModels()).toEqual(['local-llama']);
    const [usd, tokens] = p.proxy.limits();
    expect(usd).toMatchObject({ measure: 'usd', used: 0, state: 'ok' });
    expect(tokens).toMatchObject({ measure: 'tokens', used: 250_000, state: 'warning' });
    await ask(client, 'local-llama'); // 250k before: allowed
    const refused = await ask(client, 'local-llama').catch((e: unknown) => e);
    expect((refused as Error).message).toContain(
      'the daily limit of 300,000 tokens for all requests is used up (375,000 tokens)',
    );
  });
});

describe('warnings', () => {
  it('tells once at 80 % and once when reached', async () => {
    mock = await startUsageMock();
    const p = await serve({ accounts: accountsFor(mock), limits: { dailyUsd: 1 } });
    const told: LimitStatus[] = [];
    p.proxy.onLimit((s) => told.push(s));
    const client = openai(p);
    await ask(client); // 0.40: ok
    expect(told).toEqual([]);
    await ask(client); // 0.80: warning
    expect(told.map((s) => s.state)).toEqual(['warning']);
    await ask(client); // 1.20: reached
    await ask(client).catch(() => undefined); // refused: nothing new
    expect(told.map((s) => s.state)).toEqual(['warning', 'reached']);
    expect(told[1]).toMatchObject({ scope: { kind: 'global' }, period: 'daily', measure: 'usd', limit: 1 });
  });
});

describe('the ledger survives restarts', () => {
  it('a limit used up before a restart is still used up after it; the file is private', async () => {
    mock = await startUsageMock();
    const dir = mkdtempSync(join(tmpdir(), 'kb-ledger-'));
    const ledgerPath = join(dir, 'limits.json');
    const config = {
      server: { accessKeys: [{ name: 'Anna', key: ANNA, limits: { dailyUsd: 0.5 } }] },
      accounts: accountsFor(mock),
    };
    let p = await serve(config, { ledgerPath });
    await ask(openai(p, ANNA));
    await ask(openai(p, ANNA));
    await p.close();
    if (process.platform !== 'win32') expect(statSync(ledgerPath).mode & 0o777).toBe(0o600);

    p = await serve(config, { ledgerPath });
    const refused = await ask(openai(p, ANNA)).catch((e: unknown) => e);
    expect((refused as Error).message).toContain(
      'the daily limit of $0.50 for the key "Anna" is used up ($0.80)',
    );
    expect(p.proxy.keyUsage()[0]).toMatchObject({ name: 'Anna', requests: 2 });
    // The key is never in the ledger: only its name.
    expect(readFileSync(ledgerPath, 'utf8')).not.toContain(ANNA);
  });

  it('two proxies on one ledger (the app moving to another port) count into it together', async () => {
    mock = await startUsageMock();
    const ledgerPath = join(mkdtempSync(join(tmpdir(), 'kb-ledger-')), 'limits.json');
    const config = { accounts: accountsFor(mock), limits: { dailyUsd: 5 } };
    const old = await serve(config, { ledgerPath });
    const moved = await startProxy(config, { ledgerPath });
    try {
      await ask(openai(old));
      await ask(openai(moved));
      await old.close(); // the old one drains and stops; the new one goes on
      await ask(openai(moved));
      expect(moved.proxy.limits()[0]?.used).toBeCloseTo(1.2, 6);
    } finally {
      await moved.close();
    }
    px = await startProxy(config, { ledgerPath });
    expect(px.proxy.limits()[0]?.used).toBeCloseTo(1.2, 6);
  });

  it('a damaged ledger is kept aside with a clear warning and counting starts afresh', async () => {
    mock = await startUsageMock();
    const dir = mkdtempSync(join(tmpdir(), 'kb-ledger-'));
    const ledgerPath = join(dir, 'limits.json');
    writeFileSync(ledgerPath, '{"version":1,"day":');
    const warnings: string[] = [];
    const p = await serve(
      { accounts: accountsFor(mock), limits: { dailyUsd: 5 } },
      { ledgerPath, warn: (m) => warnings.push(m) },
    );
    expect(warnings.join('\n')).toMatch(/ledger .*limits\.json was damaged; it was kept as .*corrupt/);
    expect(readdirSync(dir).some((f) => f.startsWith('limits.json.corrupt-'))).toBe(true);
    expect((await ask(openai(p))).choices[0]?.message.content).toBe('Hello there');
    expect(p.proxy.limits()[0]?.used).toBeCloseTo(0.4, 6);
  });
});

describe('access keys: models and who may call', () => {
  it('refuses other models with 403 naming the allowed ones; /v1/models lists only those', async () => {
    mock = await startUsageMock();
    const p = await serve({
      server: {
        accessKeys: [
          { name: 'Bob', key: BOB, models: ['gpt-4.1'] },
          { name: 'Anna', key: ANNA },
        ],
      },
      accounts: accountsFor(mock),
    });
    const bob = openai(p, BOB);
    expect((await ask(bob)).choices[0]?.message.content).toBe('Hello there');
    const refused = await ask(bob, 'local-llama').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refused as Error).message).toContain(
      'Keybridge: the key "Bob" may not use the model local-llama — This key may use: gpt-4.1',
    );
    expect((await bob.models.list()).data.map((m) => m.id)).toEqual(['gpt-4.1']);
    const gemini = await rawRequest(p.origin, { path: `/v1beta/models?key=${BOB}` });
    expect((gemini.json() as { models: Array<{ name: string }> }).models.map((m) => m.name)).toEqual([
      'models/gpt-4.1',
    ]);
    // Anna's key has no list; the owner sees everything.
    expect((await openai(p, ANNA).models.list()).data.map((m) => m.id).sort()).toEqual([
      'b-model',
      'gpt-4.1',
      'local-llama',
    ]);
    expect((await openai(p).models.list()).data).toHaveLength(3);
    expect(mock.chats).toHaveLength(1);
  });

  it('with requireAccessKey, an access key is a valid key and others are refused', async () => {
    mock = await startUsageMock();
    const p = await serve({
      server: { requireAccessKey: true, accessKeys: [{ name: 'Anna', key: ANNA }] },
      accounts: accountsFor(mock),
    });
    expect((await ask(openai(p, ANNA))).choices[0]?.message.content).toBe('Hello there');
    const wrong = await ask(openai(p, OWNER)).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(p.records.at(-1)?.accessKey).toBeUndefined();
  });
});
