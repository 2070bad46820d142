import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureJson } from '../../support/fixtures.js';
import { type RunningProxy, rawRequest, startProxy } from '../../support/proxy-harness.js';
import { type MockServer, sseFrame, startMock } from '../../upstreams/support.js';

// Issue 15, item 6: one overall deadline per request across its attempts. An upstream that hangs
// before its headers no longer holds the client for attempts × firstByteMs: the client hears
// within the deadline, with the reason. An answer already streaming is never cut by it.

type Json = Record<string, unknown>;

let upstream: MockServer;
let px: RunningProxy;
const hits = new Map<string, number>();
const answer = fixtureJson<Json>('openai/openai-text.json');

const FIRST_BYTE_MS = 1_500;
const DEADLINE_MS = 1_000;

beforeAll(async () => {
  upstream = await startMock(async (_req, res, seen) => {
    const body = JSON.parse(seen.body) as Json;
    const model = String(body.model);
    hits.set(model, (hits.get(model) ?? 0) + 1);
    if (model === 'hang') return; // never answers (the proxy's abort closes the socket)
    if (model === 'fail500') {
      res.writeHead(500, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { message: 'upstream exploded', type: 'server_error' } }));
    }
    if (model === 'slow-stream') {
      // 15 text events 100 ms apart: the whole answer takes longer than the deadline.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 15; i++) {
        if (res.destroyed) return;
        const chunk = {
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 1,
          model,
          choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }],
        };
        res.write(sseFrame(JSON.stringify(chunk)));
        await new Promise((r) => setTimeout(r, 100));
      }
      res.write(
        sseFrame(
          JSON.stringify({
            id: 'c1',
            object: 'chat.completion.chunk',
            created: 1,
            model,
            choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
          }),
        ),
      );
      res.write(sseFrame('[DONE]'));
      return void res.end();
    }
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
    accounts: [acct('a', ['fail500', 'slow-stream']), acct('b', ['hang'])],
    models: [
      { id: 'hanging', routes: [{ account: 'b', model: 'hang' }] },
      {
        id: 'retrying',
        routes: [
          { account: 'a', model: 'fail500' },
          { account: 'b', model: 'hang' },
        ],
      },
    ],
    timeouts: { firstByteMs: FIRST_BYTE_MS, deadlineMs: DEADLINE_MS },
  });
});
afterAll(async () => {
  await px?.close();
  await upstream?.close();
});

const chat = (model: string, extra: Json = {}) =>
  rawRequest(px.origin, {
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
  });

describe('one deadline per request, across attempts', () => {
  it.each([
    ['a hanging upstream', 'hanging', /the upstream had not started answering/],
    ['a retrying route (500, then a hang)', 'retrying', /last try: .*upstream exploded/],
  ])('%s: the client hears within the deadline, with the reason', async (_name, model, reason) => {
    const recorded = px.nextRecord();
    const started = Date.now();
    const r = await chat(model);
    const elapsed = Date.now() - started;
    expect(r.status).toBe(504);
    expect(r.body).toMatch(/No answer within 1 s/);
    expect(r.body).toMatch(reason);
    expect(r.body).toContain('timeouts.deadlineMs');
    // Without one deadline this takes 4 attempts × 1.5 s plus backoff (≥ 6 s).
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(3_500);
    const rec = await recorded;
    expect(rec.status).toBe(504);
    expect(rec.error?.message).toMatch(/No answer within/);
  });

  it('a stream that has started is never cut by the deadline', async () => {
    const r = await chat('slow-stream', { stream: true });
    expect(r.status).toBe(200);
    for (let i = 0; i < 15; i++) expect(r.body).toContain(`w${i} `);
    expect(r.body).toContain('[DONE]');
    expect(r.body).not.toMatch(/No answer within/);
  });

  it('defaults to 5 minutes', async () => {
    const { parseConfig } = await import('../../../proxy-core/src/config/load.js');
    expect(parseConfig({}).timeouts.deadlineMs).toBe(300_000);
  });
});
