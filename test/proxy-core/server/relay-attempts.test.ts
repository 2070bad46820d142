import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, rawRequest, startProxy } from '../../support/proxy-harness.js';
import { type MockServer, sseFrame, startMock } from '../../upstreams/support.js';

// Issue 17: /v1/completions and count_tokens go through the same attempt as chat: failover across
// routes (and keys), the first-byte timeout and the one deadline per request.

type Json = Record<string, unknown>;

const FIRST_BYTE_MS = 400;
const DEADLINE_MS = 1_500;

let upstream: MockServer;
let px: RunningProxy;

const completion = (model: string) => ({
  id: 'cmpl-1',
  object: 'text_completion',
  created: 1,
  model,
  choices: [{ index: 0, text: `from ${model}`, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
});

beforeAll(async () => {
  upstream = await startMock(async (req, res, seen) => {
    const body = JSON.parse(seen.body) as Json;
    const model = String(body.model);
    if (model.startsWith('hang')) return; // never answers (the proxy's abort closes the socket)
    if (model.startsWith('fail')) {
      res.writeHead(500, { 'content-type': 'application/json' });
      const error = req.url?.includes('count_tokens')
        ? { type: 'error', error: { type: 'api_error', message: 'upstream exploded' } }
        : { error: { message: 'upstream exploded', type: 'server_error' } };
      return void res.end(JSON.stringify(error));
    }
    if (req.url?.includes('count_tokens')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ input_tokens: model === 'ok-b' ? 42 : 1 }));
    }
    if (body.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { ...completion(model), usage: undefined };
      res.write(sseFrame(JSON.stringify(chunk)));
      res.write(sseFrame(JSON.stringify({ ...completion(model), choices: [] })));
      res.write(sseFrame('[DONE]'));
      return void res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(completion(model)));
  });
  const oa = (id: string) => ({
    id,
    provider: 'openai-compatible',
    baseUrl: `${upstream.url}/v1`,
    apiKey: 'sk-test-upstream',
    models: ['fail-a', 'ok-b', 'hang-a'],
  });
  const ant = (id: string) => ({
    id,
    provider: 'anthropic',
    baseUrl: upstream.url,
    apiKey: 'sk-ant-test-upstream',
    models: ['fail-a', 'ok-b', 'hang-a'],
  });
  const both = (id: string, first: string, second?: string) => ({
    id,
    routes: [{ account: first.split(':')[0], model: first.split(':')[1] }].concat(
      second ? [{ account: second.split(':')[0], model: second.split(':')[1] }] : [],
    ),
  });
  px = await startProxy({
    accounts: [oa('oa1'), oa('oa2'), ant('an1'), ant('an2')],
    models: [
      both('text-failover', 'oa1:fail-a', 'oa2:ok-b'),
      both('text-slow-then-ok', 'oa1:hang-a', 'oa2:ok-b'),
      both('text-hang', 'oa1:hang-a'),
      both('claude-failover', 'an1:fail-a', 'an2:ok-b'),
      both('claude-slow-then-ok', 'an1:hang-a', 'an2:ok-b'),
      both('claude-hang', 'an1:hang-a'),
    ],
    timeouts: { firstByteMs: FIRST_BYTE_MS, deadlineMs: DEADLINE_MS },
  });
});
afterAll(async () => {
  await px?.close();
  await upstream?.close();
});

const openai = () => new OpenAI({ baseURL: `${px.origin}/v1`, apiKey: 'x', maxRetries: 0 });
const anthropic = () => new Anthropic({ baseURL: px.origin, apiKey: 'x', maxRetries: 0 });

describe('/v1/completions goes through the attempt path', () => {
  it('fails over from a route that answers 500 to the next one, and logs both attempts', async () => {
    const recorded = px.nextRecord();
    const res = await openai().completions.create({ model: 'text-failover', prompt: 'Once upon' });
    expect(res.choices[0]?.text).toBe('from ok-b');
    const rec = await recorded;
    expect(rec.status).toBe(200);
    expect(rec.account).toBe('oa2');
    expect(rec.attempts?.map((a) => [a.account, a.status])).toEqual([
      ['oa1', 500],
      ['oa2', 200],
    ]);
    expect(rec.usage?.outputTokens).toBe(4);
  });

  it('fails over while streaming too, before the first byte', async () => {
    const stream = await openai().completions.create({
      model: 'text-failover',
      prompt: 'Once upon',
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe('from ok-b');
  });

  it('a route that never starts answering is left after the first-byte timeout', async () => {
    const started = Date.now();
    const res = await openai().completions.create({ model: 'text-slow-then-ok', prompt: 'Once upon' });
    expect(res.choices[0]?.text).toBe('from ok-b');
    expect(Date.now() - started).toBeGreaterThanOrEqual(FIRST_BYTE_MS - 50);
  });

  it('a hung upstream gets the 504 with the deadline, like chat', async () => {
    const recorded = px.nextRecord();
    const started = Date.now();
    const r = await rawRequest(px.origin, {
      method: 'POST',
      path: '/v1/completions',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'text-hang', prompt: 'Once upon' }),
    });
    expect(r.status).toBe(504);
    expect(r.body).toMatch(/No answer within 2 s/);
    expect(r.body).toContain('timeouts.deadlineMs');
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_500);
    expect((await recorded).status).toBe(504);
  });
});

describe('count_tokens goes through the attempt path', () => {
  it('fails over from a route that answers 500 to the next one', async () => {
    const recorded = px.nextRecord();
    const res = await anthropic().messages.countTokens({
      model: 'claude-failover',
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    expect(res.input_tokens).toBe(42);
    const rec = await recorded;
    expect(rec.account).toBe('an2');
    expect(rec.attempts?.map((a) => [a.account, a.status])).toEqual([
      ['an1', 500],
      ['an2', 200],
    ]);
  });

  it('a route that never starts answering is left after the first-byte timeout', async () => {
    const res = await anthropic().messages.countTokens({
      model: 'claude-slow-then-ok',
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    expect(res.input_tokens).toBe(42);
  });

  it('a hung upstream gets the 504 with the deadline, like chat', async () => {
    const started = Date.now();
    const err = (await anthropic()
      .messages.countTokens({ model: 'claude-hang', messages: [{ role: 'user', content: 'Hello' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(err.status).toBe(504);
    expect(err.message).toMatch(/No answer within 2 s/);
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_500);
  });
});
