import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureChunks, fixtureJson } from '../../support/fixtures.js';
import { type RunningProxy, startProxy } from '../../support/proxy-harness.js';
import { type OpenAIMock, startOpenAIMock } from '../../upstreams/openai-mock.js';

// The real `openai` SDK → Keybridge → a faithful OpenAI-compatible upstream (real captures).

let mock: OpenAIMock;
let px: RunningProxy;
let client: OpenAI;

const capturedText = fixtureJson<{ choices: Array<{ message: { content: string } }> }>(
  'openai/openai-text.json',
).choices[0]!.message.content;
const streamedText = fixtureChunks('openai/openai-text.chunks.txt')
  .map(
    (l) =>
      (JSON.parse(l) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ??
      '',
  )
  .join('');

beforeAll(async () => {
  mock = await startOpenAIMock();
  px = await startProxy({
    accounts: [
      {
        id: 'up',
        provider: 'openai-compatible',
        baseUrl: `${mock.url}/v1`,
        apiKey: 'sk-test-upstream',
        models: ['gpt-4.1-nano', 'deepseek-reasoner', { id: 'fast', upstream: 'gpt-4.1-nano' }],
      },
    ],
  });
  client = new OpenAI({ baseURL: `${px.origin}/v1`, apiKey: 'anything', maxRetries: 0 });
});

afterAll(async () => {
  await px?.close();
  await mock?.close();
});

describe('OpenAI-compatible passthrough with the openai SDK', () => {
  it('answers a non-streaming chat with the upstream reply, and logs its tokens', async () => {
    const recorded = px.nextRecord();
    const res = await client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'Invent a holiday' }],
    });
    expect(res.choices[0]?.message.content).toBe(capturedText);
    const rec = await recorded;
    expect(rec).toMatchObject({
      status: 200,
      dialect: 'openai',
      account: 'up',
      publicModel: 'gpt-4.1-nano',
      passthrough: true,
    });
    expect(rec.usage?.inputTokens).toBeGreaterThan(0);
    expect(JSON.stringify(rec)).not.toContain('sk-test-upstream');
  });

  it('streams event by event; usage appears in the log even when the client did not ask for it', async () => {
    const recorded = px.nextRecord();
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'Invent a holiday' }],
      stream: true,
    });
    let text = '';
    let sawUsage = false;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) sawUsage = true;
    }
    expect(text).toBe(streamedText);
    expect(finish).toBe('stop');
    expect(sawUsage).toBe(false);
    const rec = await recorded;
    expect(rec.usage).toMatchObject({ inputTokens: 16, outputTokens: 300 });
    expect(rec.ttftMs).toBeTypeOf('number');
  });

  it('passes the usage chunk through when the client asks for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage?.completion_tokens).toBe(300);
  });

  it('relays DeepSeek reasoning_content deltas untouched', async () => {
    const stream = await client.chat.completions.create({
      model: 'deepseek-reasoner',
      messages: [{ role: 'user', content: 'think' }],
      stream: true,
    });
    let reasoning = '';
    for await (const chunk of stream) {
      reasoning +=
        (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
    }
    expect(reasoning.length).toBeGreaterThan(100);
  });

  it('serves a model under a public name that maps to another upstream id', async () => {
    await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] });
    expect(mock.chats().at(-1)?.body.model).toBe('gpt-4.1-nano');
  });

  it('lists the configured models for SillyTavern', async () => {
    const list = await client.models.list();
    expect(list.data.map((m) => m.id)).toEqual(['gpt-4.1-nano', 'deepseek-reasoner', 'fast']);
  });

  it('accepts a doubled slash from a base URL pasted with a trailing slash', async () => {
    const sloppy = new OpenAI({ baseURL: `${px.origin}/v1/`, apiKey: 'x', maxRetries: 0 });
    const res = await fetch(`${px.origin}/v1//chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect((await sloppy.models.list()).data.length).toBe(3);
  });

  it('passes /v1/completions through for text-completion models', async () => {
    const res = await client.completions.create({ model: 'gpt-4.1-nano', prompt: 'Once upon' });
    expect(res.choices[0]?.text).toBe(capturedText);
  });
});

describe('upstream failures reach the client clearly', () => {
  const fail = (status: number, message: string, times = 4, headers?: Record<string, string>) => {
    for (let i = 0; i < times; i++) {
      mock.next({ kind: 'error', status, body: { error: { message, type: 'x', code: null } }, headers });
    }
  };

  // 404 is the request's fault: never retried. 401 fails over (there is no other route). 500 is retried.
  it.each([
    [401, 'Incorrect API key', 1],
    [404, 'no such deployment', 1],
    [500, 'upstream exploded', 4],
  ])(
    'an upstream %i keeps its status and message, and names the account and model',
    async (status, message, tries) => {
      fail(status, message, tries);
      const recorded = px.nextRecord();
      const err = await client.chat.completions
        .create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      const e = err as InstanceType<typeof OpenAI.APIError>;
      expect(e.status).toBe(status);
      expect(e.message).toContain(message);
      expect(e.message).toContain('"up"');
      expect(e.message).toContain('gpt-4.1-nano');
      const rec = await recorded;
      expect(rec.status).toBe(status);
      expect(rec.error?.message).toContain(message);
      expect(rec.attempts.length).toBe(tries);
    },
  );

  it('a single 500 is retried and the client gets the answer; the log shows both attempts', async () => {
    mock.next({
      kind: 'error',
      status: 500,
      body: { error: { message: 'blip', type: 'server_error', code: null } },
    });
    const recorded = px.nextRecord();
    const res = await client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.choices[0]?.message.content).toBe(capturedText);
    const rec = await recorded;
    expect(rec.status).toBe(200);
    expect(rec.attempts.map((a) => a.status)).toEqual([500, 200]);
    expect(rec.attempts[0]?.error?.message).toContain('blip');
  });

  it('a 429 asking for a long wait is not waited out: retry-after reaches the client', async () => {
    fail(429, 'Rate limit reached', 1, { 'retry-after': '60' });
    const err = (await client.chat.completions
      .create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(429);
    expect(err.headers?.get('retry-after')).toBe('60');
  });

  it('a connection reset mid-stream ends the stream with an error the SDK raises', async () => {
    mock.next({ kind: 'reset-mid-stream', afterEvents: 5 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    const run = async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    };
    await expect(run()).rejects.toThrow(/connection|cut|closed|terminated/i);
    expect(text.length).toBeGreaterThan(0);
  });

  it('a connection that keeps being reset before any byte is a clear 502, after one retry', async () => {
    for (let i = 0; i < 2; i++) mock.next({ kind: 'reset-before-headers' });
    const recorded = px.nextRecord();
    const err = (await client.chat.completions
      .create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(502);
    expect(err.message).toMatch(/connection|cut/i);
    expect((await recorded).attempts.length).toBe(2);
  });

  it('a 200 answer that is not JSON (a web page at the base URL) is retried once, then a clear 502', async () => {
    const page = { kind: 'raw', contentType: 'text/html', body: '<!doctype html><p>Welcome</p>' } as const;
    mock.next(page);
    const res = await client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.choices[0]?.message.content).toBe(capturedText);

    for (let i = 0; i < 2; i++)
      mock.next(i % 2 ? page : { ...page, contentType: 'application/json', body: '{"id":"cut' });
    const recorded = px.nextRecord();
    const err = (await client.chat.completions
      .create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(502);
    expect(err.message).toContain('answered with something that is not JSON');
    expect((await recorded).attempts.length).toBe(2);
  });

  it('a slow upstream still answers', async () => {
    mock.next({ kind: 'slow', delayMs: 300 });
    const res = await client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.choices[0]?.message.content).toBe(capturedText);
  });

  it('when the client goes away, the upstream request is aborted at once', async () => {
    mock.next({ kind: 'slow', delayMs: 200 });
    const before = mock.chats().length;
    const ac = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { signal: ac.signal },
    );
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    ac.abort();
    await it.next().catch(() => undefined);
    const seen = mock.chats()[before]!.seen;
    await expect.poll(() => seen.aborted, { timeout: 3000 }).toBe(true);
  });
});
