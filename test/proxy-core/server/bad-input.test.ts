import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockOpenAiAccount, type RunningProxy, rawRequest, startProxy } from '../../support/proxy-harness.js';
import { type OpenAIMock, startOpenAIMock } from '../../upstreams/openai-mock.js';

// Every bad request gets a clear JSON error in the caller's dialect, the message in the status
// line too (SillyTavern shows only that), and the server keeps serving.

let mock: OpenAIMock;
let px: RunningProxy;

beforeAll(async () => {
  mock = await startOpenAIMock();
  px = await startProxy({
    server: { bodyLimitMb: 1, allowedOrigins: ['http://allowed.example'], accessKey: 'kb-secret-key' },
    accounts: [mockOpenAiAccount(mock.url)],
  });
});
afterAll(async () => {
  await px?.close();
  await mock?.close();
});

const json = { 'content-type': 'application/json' };
const chat = (body: unknown, headers: Record<string, string> = json) =>
  rawRequest(px.origin, {
    method: 'POST',
    path: '/v1/chat/completions',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function stillServing() {
  const r = await rawRequest(px.origin, { path: '/healthz' });
  expect(r.status).toBe(200);
}

describe('malformed requests', () => {
  it('malformed JSON → 400 naming the problem', async () => {
    const r = await chat('{"model": "gpt-4.1-nano", "messages": [');
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect((r.json() as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    expect(r.reason).toMatch(/not valid JSON/);
    await stillServing();
  });

  it('wrong types → 400 naming the field', async () => {
    const r = await chat({ model: 'gpt-4.1-nano', messages: 'hello' });
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/messages/);
    await stillServing();
  });

  it('missing model → 400', async () => {
    const r = await chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/model/);
  });

  it('unknown model → 404 listing the available ids', async () => {
    const r = await chat({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(404);
    expect(r.body).toContain('gpt-4.1-nano');
    expect(r.reason).toContain('gpt-9');
    expect(mock.chats().some((c) => c.body.model === 'gpt-9')).toBe(false);
  });

  it('a body over the limit → 413', async () => {
    const big = JSON.stringify({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'x'.repeat(1024 * 1024 + 10) }],
    });
    const r = await chat(big);
    expect(r.status).toBe(413);
    expect(r.body).toMatch(/larger than 1 MiB/);
    await stillServing();
  });

  it('a JSON array body → 400', async () => {
    const r = await chat('[1,2]');
    expect(r.status).toBe(400);
  });

  it('wrong content type → 415', async () => {
    const r = await chat('model=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(415);
    expect(r.body).toMatch(/application\/json/);
  });

  it('an unknown path → 404 with a hint about the base URL', async () => {
    const r = await rawRequest(px.origin, { path: '/v2/whatever' });
    expect(r.status).toBe(404);
    expect(r.body).toMatch(/base URL/);
  });

  it('GET on a POST endpoint → 405', async () => {
    const r = await rawRequest(px.origin, { path: '/v1/chat/completions' });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
  });

  it('errors on Anthropic paths come back in Anthropic’s shape', async () => {
    const r = await rawRequest(px.origin, { method: 'POST', path: '/v1/messages', headers: json, body: '{' });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('errors on Gemini paths come back in Google’s shape', async () => {
    const r = await rawRequest(px.origin, {
      method: 'POST',
      path: '/v1beta/models/nope:generateContent',
      headers: json,
      body: '{}',
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.json()).toMatchObject({ error: { code: r.status, status: expect.any(String) } });
  });
});

describe('security gate', () => {
  it('refuses a foreign Host (DNS rebinding)', async () => {
    const r = await rawRequest(px.origin, { path: '/v1/models', headers: { host: 'evil.example:5731' } });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/not allowed/);
  });

  it('accepts localhost and 127.0.0.1 hosts', async () => {
    for (const host of [`localhost:${px.listen.port}`, `127.0.0.1:${px.listen.port}`]) {
      expect((await rawRequest(px.origin, { path: '/v1/models', headers: { host } })).status).toBe(200);
    }
  });

  it('refuses a web page’s request from a foreign Origin, and does not answer its preflight', async () => {
    const origin = 'https://random-site.example';
    const r = await chat(
      { model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'spend money' }] },
      { ...json, origin },
    );
    expect(r.status).toBe(403);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await rawRequest(px.origin, {
      method: 'OPTIONS',
      path: '/v1/chat/completions',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(403);
    expect(mock.chats().some((c) => JSON.stringify(c.body).includes('spend money'))).toBe(false);
  });

  it('answers an allow-listed origin with CORS headers', async () => {
    const origin = 'http://allowed.example';
    const pre = await rawRequest(px.origin, {
      method: 'OPTIONS',
      path: '/v1/chat/completions',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(origin);
    const r = await rawRequest(px.origin, { path: '/v1/models', headers: { origin } });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe(origin);
    // A page's script can read which of its parameters were not sent (fidelity), not only the request id.
    const exposed = String(r.headers['access-control-expose-headers']).split(/,\s*/);
    expect(exposed).toEqual(
      expect.arrayContaining(['x-request-id', 'retry-after', 'x-keybridge-dropped-params']),
    );
  });

  it('lets a foreign origin through when it presents the access key', async () => {
    const r = await rawRequest(px.origin, {
      path: '/v1/models',
      headers: { origin: 'https://my-tool.example', authorization: 'Bearer kb-secret-key' },
    });
    expect(r.status).toBe(200);
  });

  it('accepts any key from loopback when no key is required (SillyTavern’s Claude source insists on one)', async () => {
    const r = await rawRequest(px.origin, { path: '/v1/models', headers: { 'x-api-key': 'whatever' } });
    expect(r.status).toBe(200);
  });
});

describe('required access key', () => {
  let locked: RunningProxy;
  beforeAll(async () => {
    locked = await startProxy({
      server: { accessKey: 'kb-secret-key', requireAccessKey: true },
      accounts: [mockOpenAiAccount(mock.url)],
    });
  });
  afterAll(() => locked?.close());

  it.each([
    [{ authorization: 'Bearer kb-secret-key' }, '/v1/models'],
    [{ 'x-api-key': 'kb-secret-key' }, '/v1/models'],
    [{ 'x-goog-api-key': 'kb-secret-key' }, '/v1beta/models'],
    [{}, '/v1beta/models?key=kb-secret-key'],
  ])('accepts the key in %o', async (headers, path) => {
    expect((await rawRequest(locked.origin, { path, headers })).status).toBe(200);
  });

  it('refuses a missing or wrong key with 401 and a hint', async () => {
    const none = await rawRequest(locked.origin, { path: '/v1/models' });
    expect(none.status).toBe(401);
    expect(none.body).toMatch(/Access key required/);
    const wrong = await rawRequest(locked.origin, {
      path: '/v1/models',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatch(/Wrong access key/);
    expect(wrong.body).not.toContain('kb-secret-key');
  });
});
