import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockOpenAiAccount, type RunningProxy, rawRequest, startProxy } from '../../support/proxy-harness.js';
import { type OpenAIMock, startOpenAIMock } from '../../upstreams/openai-mock.js';

// Issue 15, item 8 (proxy side): a browser request that says it comes from another web site
// (Sec-Fetch-Site: cross-site) is refused like a foreign Origin, and malformed paths are a 400.

let mock: OpenAIMock;
let px: RunningProxy;
const KEY = 'kb-a-long-enough-access-key';

beforeAll(async () => {
  mock = await startOpenAIMock();
  px = await startProxy({
    server: { accessKey: KEY, allowedOrigins: ['http://allowed.example'] },
    accounts: [mockOpenAiAccount(mock.url)],
  });
});
afterAll(async () => {
  await px?.close();
  await mock?.close();
});

const chatBody = JSON.stringify({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'spend' }] });

describe('Sec-Fetch-Site: cross-site', () => {
  it('is refused without an Origin too (a navigation, an <img>, a form), GET or POST', async () => {
    const before = mock.chats().length;
    const get = await rawRequest(px.origin, {
      path: '/v1/models',
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(get.status).toBe(403);
    expect(get.json()).toMatchObject({ error: { message: expect.stringMatching(/another web site/) } });
    const post = await rawRequest(px.origin, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      body: chatBody,
    });
    expect(post.status).toBe(403);
    expect(mock.chats().length).toBe(before);
  });

  it('passes with the access key or from an allow-listed origin; same-site and none pass', async () => {
    const keyed = await rawRequest(px.origin, {
      path: '/v1/models',
      headers: { 'sec-fetch-site': 'cross-site', authorization: `Bearer ${KEY}` },
    });
    expect(keyed.status).toBe(200);
    const listed = await rawRequest(px.origin, {
      path: '/v1/models',
      headers: { 'sec-fetch-site': 'cross-site', origin: 'http://allowed.example' },
    });
    expect(listed.status).toBe(200);
    for (const site of ['same-site', 'same-origin', 'none']) {
      const r = await rawRequest(px.origin, { path: '/v1/models', headers: { 'sec-fetch-site': site } });
      expect(r.status, site).toBe(200);
    }
  });
});

describe('malformed paths', () => {
  it.each([
    ['GET', '/%E0%A4%A?token=x'],
    ['GET', '/v1/models%zz'],
    ['GET', '/v1beta/models/%E0%A4%A'],
    ['POST', '/v1beta/models/%E0%A4%A:generateContent'],
    ['POST', '/v1/chat/completions%C0'],
  ])('%s %s → 400 with a JSON error, and the proxy keeps serving', async (method, path) => {
    const r = await rawRequest(px.origin, {
      method,
      path,
      headers: { 'content-type': 'application/json' },
      body: method === 'POST' ? chatBody : undefined,
    });
    expect(r.status).toBe(400);
    expect(String(r.headers['content-type'])).toMatch(/application\/json/);
    expect(r.body).toMatch(/malformed %-escape/);
    expect((await rawRequest(px.origin, { path: '/healthz' })).status).toBe(200);
  });
});
