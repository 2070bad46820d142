/**
 * ProxyController with the REAL proxy-core: start/stop, port conflict, and settings changes and
 * restarts while a stream is in flight (the stream must finish whole).
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultCreateProxy } from '../../app/dev-host/index.js';
import { canBind } from '../../app/services/proxy-controller.js';
import { type MockServer, sendJson, sseFrame, startMock } from '../upstreams/support.js';
import { testServices } from './support/services.js';

type Services = Awaited<ReturnType<typeof testServices>>;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** An OpenAI-compatible upstream whose streams pause after the first chunk until released. */
async function gatedUpstream(): Promise<MockServer & { release(): void; streaming(): Promise<void> }> {
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => (release = r));
  let signalStreaming: () => void = () => {};
  let streaming = new Promise<void>((r) => (signalStreaming = r));
  const chunk = (content: string, finish: string | null = null) =>
    sseFrame(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'up-model',
        choices: [{ index: 0, delta: content ? { content } : {}, finish_reason: finish }],
      }),
    );
  const mock = await startMock(async (req, res, seen) => {
    if (req.headers.authorization !== 'Bearer sk-upstream-key-123456') {
      sendJson(res, 401, {
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
      return;
    }
    if (req.url?.endsWith('/models')) {
      sendJson(res, 200, { object: 'list', data: [{ id: 'up-model', object: 'model', owned_by: 'test' }] });
      return;
    }
    if (req.headers.authorization !== 'Bearer sk-upstream-key-123456') {
      sendJson(res, 401, {
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
      return;
    }
    const body = JSON.parse(seen.body || '{}') as { stream?: boolean };
    if (!body.stream) {
      sendJson(res, 200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'up-model',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'Hello from upstream' }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 },
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(chunk('first '));
    const fire = signalStreaming;
    streaming = new Promise<void>((r) => (signalStreaming = r));
    fire();
    await gate;
    res.write(chunk('second '));
    res.write(chunk('third', 'stop'));
    res.end('data: [DONE]\n\n');
  });
  return Object.assign(mock, {
    release() {
      release();
      gate = new Promise<void>((r) => (release = r));
    },
    /** Resolves when the next stream has sent its first chunk and is waiting. */
    streaming() {
      return streaming;
    },
  });
}

async function freePortRun(length: number): Promise<number> {
  for (let base = 20000 + Math.floor(Math.random() * 20000); ; base += length + 1) {
    let ok = true;
    for (let p = base; p < base + length; p++) if (!(await canBind('127.0.0.1', p))) ok = false;
    if (ok) return base;
  }
}

async function hold(port: number): Promise<void> {
  const s: Server = createServer();
  await new Promise<void>((resolve) => s.listen({ host: '127.0.0.1', port }, () => resolve()));
  cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
}

async function setup(
  port: number,
): Promise<{ services: Services; upstream: Awaited<ReturnType<typeof gatedUpstream>> }> {
  const upstream = await gatedUpstream();
  cleanups.push(() => upstream.close());
  const services = await testServices({ createProxy: defaultCreateProxy, port: null });
  cleanups.push(() => services.shutdown(200));
  services.settings.updateSettings({ port });
  const add = await services.api.call('accounts.add', {
    account: {
      provider: 'openai-compatible',
      id: 'up',
      baseUrl: `${upstream.url}/v1`,
      apiKey: 'sk-upstream-key-123456',
    },
  });
  expect(add.ok, JSON.stringify(add)).toBe(true);
  const models = await services.api.call('models.update', {
    models: [{ id: 'my-model', enabled: true, routes: [{ account: 'up', model: 'up-model' }] }],
    aliases: {},
    defaultModel: 'my-model',
  });
  expect(models.ok, JSON.stringify(models)).toBe(true);
  return { services, upstream };
}

/** Starts a streamed chat through the proxy; resolves the full text once it ends. */
async function streamChat(port: number): Promise<{ firstChunk: Promise<void>; done: Promise<string> }> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'my-model', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let raw = '';
  let markFirst: () => void = () => {};
  const firstChunk = new Promise<void>((r) => (markFirst = r));
  const done = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      raw += decoder.decode(value, { stream: true });
      if (raw.includes('first')) markFirst();
    }
    expect(raw).toContain('data: [DONE]');
    return raw
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)).choices?.[0]?.delta?.content ?? '')
      .join('');
  })();
  return { firstChunk, done };
}

describe('ProxyController with the real proxy', () => {
  it('starts, answers a real test message, and stops', async () => {
    const port = await freePortRun(1);
    const { services } = await setup(port);
    const started = await services.controller.start();
    expect(started).toMatchObject({ state: 'running', port, url: `http://127.0.0.1:${port}/v1` });
    const reply = await services.api.call('connect.sendTestMessage', {});
    expect(reply).toMatchObject({
      ok: true,
      value: { ok: true, reply: 'Hello from upstream', model: 'my-model' },
    });
    // The Connect page's test for the Claude and Google AI Studio sources goes through the codecs.
    for (const source of ['claude', 'gemini'] as const) {
      const r = await services.api.call('connect.sendTestMessage', { source });
      expect(r, source).toMatchObject({ ok: true, value: { ok: true, reply: 'Hello from upstream' } });
    }
    const log = await services.api.call('log.recent', {});
    expect(log.ok && (log.value as Array<{ publicModel?: string }>).at(-1)?.publicModel).toBe('my-model');
    expect((await services.controller.stop()).state).toBe('stopped');
    expect(await canBind('127.0.0.1', port)).toBe(true);
  });

  it('a failing test message shows the upstream reason and a hint, and the account test says the same', async () => {
    const port = await freePortRun(1);
    const { services } = await setup(port);
    await services.controller.start();
    const changed = await services.api.call('accounts.update', {
      id: 'up',
      patch: { apiKey: 'sk-wrong-key-000000000' },
    });
    expect(changed.ok).toBe(true);
    const r = await services.api.call('connect.sendTestMessage', {});
    expect(r.ok).toBe(true);
    const v = r.ok ? (r.value as { ok: boolean; status?: number; error?: string; hint?: string }) : null;
    expect(v?.ok).toBe(false);
    expect(v?.status).toBe(401);
    expect(v?.error).toMatch(/Incorrect API key|key/i);
    expect(v?.hint).toBeTruthy();
    // …and the same as catalog codes, read from the proxy's record of the request, for the window's language
    expect(r.ok && r.value).toMatchObject({
      errorRef: {
        code: 'upstreamSaidModel',
        params: { account: 'up', detail: expect.stringMatching(/Incorrect API key/) },
      },
      hintRef: { code: 'upstreamHint401' },
    });
    const test = await services.api.call('accounts.test', { id: 'up' });
    expect(test).toMatchObject({ ok: true, value: { ok: false, error: { message: expect.any(String) } } });
    expect(test.ok && test.value).toMatchObject({
      error: { messageRef: { code: 'upstreamSaid' }, hintRef: { code: 'upstreamHint401' } },
    });
  });

  it('takes the next free port when the wanted one is taken, and says which', async () => {
    const port = await freePortRun(2);
    await hold(port);
    const { services } = await setup(port);
    const s = await services.controller.start();
    expect(s).toMatchObject({ state: 'running', port: port + 1 });
    expect(s.portNote).toContain(`Port ${port} is used by another program`);
    expect(s.portNoteRef).toEqual({ code: 'portMoved', params: { wanted: port, port: port + 1 } });
    const info = await services.api.call('connect.info', {});
    expect(info.ok && (info.value as { origin: string }).origin).toBe(`http://127.0.0.1:${port + 1}`);
  });

  it('applies a settings change while a stream is in flight without cutting it', async () => {
    const port = await freePortRun(1);
    const { services, upstream } = await setup(port);
    await services.controller.start();
    const streaming = upstream.streaming();
    const chat = await streamChat(port);
    await streaming;
    await chat.firstChunk;
    const changed = await services.api.call('settings.update', { allowedOrigins: ['http://localhost:8000'] });
    expect(changed.ok).toBe(true);
    expect(services.controller.status()).toMatchObject({ state: 'running', port });
    upstream.release();
    expect(await chat.done).toBe('first second third');
  });

  it('moves to a new port while a stream is in flight; the stream still finishes', async () => {
    const port = await freePortRun(3);
    const { services, upstream } = await setup(port);
    await services.controller.start();
    const streaming = upstream.streaming();
    const chat = await streamChat(port);
    await streaming;
    await chat.firstChunk;
    const moving = services.api.call('settings.update', { port: port + 2 });
    setTimeout(() => upstream.release(), 100);
    expect(await chat.done).toBe('first second third');
    expect((await moving).ok).toBe(true);
    expect(services.controller.status()).toMatchObject({ state: 'running', port: port + 2 });
    // The old port is released once its stream has ended.
    await vi.waitFor(async () => expect(await canBind('127.0.0.1', port)).toBe(true));
    const reply = await services.api.call('connect.sendTestMessage', {});
    expect(reply).toMatchObject({ ok: true, value: { ok: true, reply: 'Hello from upstream' } });
  });

  it('restart drains a stream in flight, then serves again', async () => {
    const port = await freePortRun(1);
    const { services, upstream } = await setup(port);
    await services.controller.start();
    const streaming = upstream.streaming();
    const chat = await streamChat(port);
    await streaming;
    await chat.firstChunk;
    const restarting = services.controller.restart();
    setTimeout(() => upstream.release(), 100);
    expect(await chat.done).toBe('first second third');
    expect(await restarting).toMatchObject({ state: 'running', port });
    const reply = await services.api.call('connect.sendTestMessage', {});
    expect(reply).toMatchObject({ ok: true, value: { ok: true, reply: 'Hello from upstream' } });
  });
});
