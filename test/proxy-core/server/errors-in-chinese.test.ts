import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureJson } from '../../support/fixtures.js';
import { type RunningProxy, rawRequest, startProxy } from '../../support/proxy-harness.js';
import { type MockServer, startMock } from '../../upstreams/support.js';

// The errors people see most in the window (the live log's details, notifications) reach the
// request record with a catalog code beside the English sentence, so a Chinese window can say them
// in Chinese: a foreign Host, an unknown model, an outbound proxy that cannot be reached, every key
// of an account cooling down, the request deadline.

type Json = Record<string, unknown>;
const answer = fixtureJson<Json>('openai/openai-text.json');

let upstream: MockServer;
let px: RunningProxy;
let viaProxy: RunningProxy;
let keyed: RunningProxy;
let deadPort: number;

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as { port: number }).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

beforeAll(async () => {
  upstream = await startMock(async (_req, res, seen) => {
    const model = String((JSON.parse(seen.body) as Json).model);
    if (model === 'busy') {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '30' });
      return void res.end(JSON.stringify({ error: { message: 'Rate limit reached', type: 'rate_limit' } }));
    }
    if (model === 'hang') return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...answer, model }));
  });
  const acct = (id: string, models: string[]) => ({
    id,
    provider: 'openai-compatible',
    baseUrl: `${upstream.url}/v1`,
    apiKey: 'sk-test-upstream',
    models,
  });
  px = await startProxy({
    accounts: [{ ...acct('busy-acct', ['busy']), apiKeys: ['sk-test-second'] }, acct('slow-acct', ['hang'])],
    timeouts: { firstByteMs: 5_000, deadlineMs: 700 },
    outboundProxy: 'none',
  });
  keyed = await startProxy({
    accounts: [acct('up', ['ok'])],
    server: { requireAccessKey: true, accessKey: 'kb-access-key-for-tests-0001' },
  });
  deadPort = await closedPort();
  viaProxy = await startProxy({
    accounts: [acct('up', ['ok'])],
    outboundProxy: `http://127.0.0.1:${deadPort}`,
  });
});
afterAll(async () => {
  await px?.close();
  await viaProxy?.close();
  await keyed?.close();
  await upstream?.close();
});

const chat = (on: RunningProxy, model: string, headers: Record<string, string> = {}) =>
  rawRequest(on.origin, {
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('errors reach the record with their catalog code', () => {
  it('a foreign Host', async () => {
    const recorded = px.nextRecord();
    const r = await chat(px, 'busy', { host: 'attacker.example' });
    expect(r.status).toBe(403);
    const rec = await recorded;
    expect(rec.error?.message).toBe('Host "attacker.example" is not allowed');
    expect(rec.error?.messageRef).toEqual({ code: 'gateHostRefused', params: { host: 'attacker.example' } });
    expect(rec.error?.hintRef).toEqual({ code: 'gateHostHint' });
  });

  it('a wrong access key', async () => {
    const recorded = keyed.nextRecord();
    const r = await chat(keyed, 'ok', { authorization: 'Bearer not-the-key' });
    expect(r.status).toBe(401);
    const rec = await recorded;
    expect(rec.error?.message).toBe('Wrong access key');
    expect(rec.error?.messageRef).toEqual({ code: 'gateWrongKey' });
    expect(rec.error?.hintRef).toEqual({ code: 'gateKeyHint' });
  });

  it('a model no account serves', async () => {
    const recorded = px.nextRecord();
    const r = await chat(px, 'no-such-model');
    expect(r.status).toBe(404);
    const rec = await recorded;
    expect(rec.error?.messageRef).toEqual({ code: 'modelNotAvailable', params: { model: 'no-such-model' } });
  });

  it('an outbound proxy that cannot be reached', async () => {
    const recorded = viaProxy.nextRecord();
    const r = await chat(viaProxy, 'ok');
    expect(r.status).toBe(502);
    const rec = await recorded;
    expect(rec.error?.message).toBe(
      `openai-compatible account "up": The proxy at 127.0.0.1:${deadPort} refused the connection`,
    );
    expect(rec.error?.messageRef).toEqual({
      code: 'proxyRefused',
      params: { where: `127.0.0.1:${deadPort}` },
    });
    expect(rec.error?.hintRef).toEqual({ code: 'proxyCheckHint' });
    expect(rec.attempts.at(-1)?.error?.messageRef?.code).toBe('proxyRefused');
  });

  it('every key of an account cooling down', async () => {
    const first = px.nextRecord();
    await chat(px, 'busy');
    await first;
    const recorded = px.nextRecord();
    const r = await chat(px, 'busy');
    expect(r.status).toBe(429);
    const rec = await recorded;
    expect(rec.error?.message).toMatch(/^Every key of account "busy-acct" is rate-limited or out of quota/);
    expect(rec.error?.messageRef?.code).toBe('keysAllCooling');
    expect(rec.error?.messageRef?.params?.account).toBe('busy-acct');
    expect(rec.error?.messageRef?.params?.seconds).toBeGreaterThan(20);
    expect(rec.error?.hintRef).toEqual({ code: 'keysAllCoolingHint' });
  });

  it('the deadline', async () => {
    const recorded = px.nextRecord();
    const r = await chat(px, 'hang');
    expect(r.status).toBe(504);
    const rec = await recorded;
    expect(rec.error?.message).toBe('No answer within 700 ms, the upstream had not started answering');
    expect(rec.error?.messageRef).toEqual({ code: 'deadlineMs', params: { ms: 700 } });
    expect(rec.error?.hintRef).toEqual({ code: 'deadlineHint' });
  });

  it('a request the client dialect cannot read (OpenAI and Gemini)', async () => {
    const recorded = px.nextRecord();
    const r = await rawRequest(px.origin, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'busy', messages: 'hello' }),
    });
    expect(r.status).toBe(400);
    const rec = await recorded;
    expect(rec.error?.message).toMatch(/^Invalid OpenAI chat request: messages: /);
    expect(rec.error?.messageRef?.code).toBe('invalidClientRequest');
    expect(rec.error?.messageRef?.params?.api).toBe('OpenAI chat');
    expect(rec.error?.hintRef).toEqual({ code: 'invalidClientRequestHint' });

    const gemini = px.nextRecord();
    const g = await rawRequest(px.origin, {
      method: 'POST',
      path: '/v1beta/models/busy:generateContent',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'assistant', parts: [{ text: 'hi' }] }] }),
    });
    expect(g.status).toBe(400);
    const grec = await gemini;
    expect(grec.error?.messageRef).toEqual({
      code: 'geminiBadRole',
      params: { index: 0, role: 'assistant' },
    });
    expect(grec.error?.hintRef).toEqual({ code: 'geminiBadRoleHint' });
  });
});
