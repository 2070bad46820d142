import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, rawRequest, startProxy } from '../../support/proxy-harness.js';
import { type MockServer, sseFrame, startMock } from '../../upstreams/support.js';

// Issue 15, item 7: a stream that ends in an error ends in the client dialect's error form, and
// nothing after it claims a normal stop (Anthropic message_delta/message_stop, a Gemini
// finishReason, an OpenAI finish_reason or [DONE]).

type Json = Record<string, unknown>;

/** How the scripted upstream ends its stream, chosen by the upstream model id. */
const ENDINGS = ['inband-error', 'reset'] as const;

async function anthropicStream(res: ServerResponse, ending: string) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const ev = (e: Json) => res.write(sseFrame(JSON.stringify(e), String(e.type)));
  ev({
    type: 'message_start',
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 1 },
    },
  });
  ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'The answer is' } });
  await new Promise((r) => setTimeout(r, 20));
  if (ending === 'reset') {
    res.socket?.destroy();
    return;
  }
  ev({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  res.end();
}

async function openaiStream(res: ServerResponse, ending: string) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: Json) =>
    res.write(
      sseFrame(
        JSON.stringify({
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'gpt-x',
          choices: [{ index: 0, delta, finish_reason: null }],
        }),
      ),
    );
  chunk({ role: 'assistant', content: '' });
  chunk({ content: 'The answer is' });
  await new Promise((r) => setTimeout(r, 20));
  if (ending === 'reset') {
    res.socket?.destroy();
    return;
  }
  res.write(
    sseFrame(JSON.stringify({ error: { message: 'The server had an error', type: 'server_error' } })),
  );
  res.end();
}

let upstream: MockServer;
let px: RunningProxy;

beforeAll(async () => {
  upstream = await startMock(async (req, res, seen) => {
    const body = JSON.parse(seen.body) as Json;
    const model = String(body.model);
    const ending = model.split(':')[1] ?? 'reset';
    if (req.url?.startsWith('/v1/messages')) return anthropicStream(res, ending);
    return openaiStream(res, ending);
  });
  const models = (prefix: string) => ENDINGS.map((e) => ({ id: `${prefix}-${e}`, upstream: `m:${e}` }));
  px = await startProxy({
    accounts: [
      {
        id: 'claude',
        provider: 'anthropic',
        baseUrl: upstream.url,
        apiKey: 'sk-ant-test',
        models: models('claude'),
      },
      {
        id: 'oai',
        provider: 'openai-compatible',
        baseUrl: `${upstream.url}/v1`,
        apiKey: 'sk-x',
        models: models('gpt'),
      },
    ],
    timeouts: { idleMs: 2000 },
  });
});
afterAll(async () => {
  await px?.close();
  await upstream?.close();
});

interface Sse {
  event?: string;
  data: string;
}

function parseSse(text: string): Sse[] {
  return text
    .split(/\n\n/)
    .map((block) => {
      const lines = block.split('\n');
      const event = lines
        .find((l) => l.startsWith('event:'))
        ?.slice(6)
        .trim();
      const data = lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      return { event, data };
    })
    .filter((e) => e.data !== '' || e.event);
}

const json = { 'content-type': 'application/json' };
const messages = [{ role: 'user', content: 'hi' }];

const clients = {
  anthropic: (model: string) =>
    rawRequest(px.origin, {
      method: 'POST',
      path: '/v1/messages',
      headers: { ...json, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model, max_tokens: 50, stream: true, messages }),
    }),
  gemini: (model: string) =>
    rawRequest(px.origin, {
      method: 'POST',
      path: `/v1beta/models/${model}:streamGenerateContent?alt=sse`,
      headers: json,
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    }),
  openai: (model: string) =>
    rawRequest(px.origin, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: json,
      body: JSON.stringify({ model, stream: true, messages }),
    }),
};

/** Index of the first error event in the client's stream, and what follows it. */
function afterError(events: Sse[], isError: (e: Sse) => boolean) {
  const at = events.findIndex(isError);
  return { at, after: at === -1 ? [] : events.slice(at + 1) };
}

const cases = ENDINGS.flatMap((ending) =>
  (['claude', 'gpt'] as const).map((upstreamKind) => ({ ending, model: `${upstreamKind}-${ending}` })),
);

describe.each(cases)('upstream $model', ({ model }) => {
  it('Anthropic clients: the stream ends with event: error; no message_delta or message_stop after it', async () => {
    const r = await clients.anthropic(model);
    expect(r.status).toBe(200);
    const events = parseSse(r.body);
    expect(events.some((e) => e.event === 'content_block_delta')).toBe(true);
    const { at, after } = afterError(events, (e) => e.event === 'error');
    expect(at, r.body).toBeGreaterThan(0);
    expect(JSON.parse(events[at]!.data)).toMatchObject({
      type: 'error',
      error: { message: expect.any(String) },
    });
    expect(after.map((e) => e.event)).toEqual([]);
    expect(r.body).not.toMatch(/"stop_reason":"end_turn"/);
  });

  it('Gemini clients: the stream ends with an error; no finishReason after it', async () => {
    const r = await clients.gemini(model);
    expect(r.status).toBe(200);
    const events = parseSse(r.body);
    const { at, after } = afterError(events, (e) => e.data.includes('"error"'));
    expect(at, r.body).toBeGreaterThan(0);
    expect(after).toEqual([]);
    expect(r.body).not.toMatch(/finishReason/);
  });

  it('OpenAI clients: the stream ends with an error; no finish_reason chunk or [DONE] after it', async () => {
    const r = await clients.openai(model);
    expect(r.status).toBe(200);
    const events = parseSse(r.body);
    const { at, after } = afterError(events, (e) => e.data.startsWith('{"error"'));
    expect(at, r.body).toBeGreaterThan(0);
    expect(after).toEqual([]);
    expect(r.body).not.toMatch(/"finish_reason":"(stop|length)"/);
    expect(r.body).not.toContain('[DONE]');
  });
});
