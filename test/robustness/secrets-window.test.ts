/**
 * The settings window's side of "secrets never cross a boundary" (issue 15, item 1): the app's
 * real services around the real proxy, an upstream that answers every call with a 401 echoing
 * the key. The live log's events, `log.recent`, `log.export`, the credential test, the model
 * list and "Copy diagnostics" carry no key — and the live log keeps answering (it used to refuse
 * every call with "withheld an answer that contained a secret" until the record aged out).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecordView } from '../../app/contract/index.js';
import { defaultCreateProxy } from '../../app/dev-host/index.js';
import { testServices } from '../app/support/services.js';
import { type MockServer, sendJson, startMock } from '../upstreams/support.js';
import { findLeak } from './secrets-support.js';

type Services = Awaited<ReturnType<typeof testServices>>;
const KEY = `sk-proj-${'Zq8'.repeat(6)}${Math.random().toString(36).slice(2, 14)}`;
let upstream: MockServer;
let services: Services;
let origin: string;
const events: string[] = [];

beforeAll(async () => {
  upstream = await startMock(async (req, res) => {
    const key = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    sendJson(res, 401, {
      error: {
        message: `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      },
    });
  });
  services = await testServices({ createProxy: defaultCreateProxy, port: 0 });
  services.api.subscribe((event, payload) => events.push(`${event} ${JSON.stringify(payload)}`));
  const add = await services.api.call('accounts.add', {
    account: {
      provider: 'openai-compatible',
      id: 'up',
      baseUrl: `${upstream.url}/v1`,
      apiKey: KEY,
      models: ['up-model'],
    },
  });
  expect(add.ok, JSON.stringify(add)).toBe(true);
  const models = await services.api.call('models.update', {
    models: [{ id: 'my-model', enabled: true, routes: [{ account: 'up', model: 'up-model' }] }],
    aliases: {},
    defaultModel: 'my-model',
  });
  expect(models.ok, JSON.stringify(models)).toBe(true);
  const started = await services.api.call('proxy.start', {});
  expect(started.ok, JSON.stringify(started)).toBe(true);
  const status = services.controller.status();
  origin = `http://127.0.0.1:${status.port}`;
}, 60_000);
afterAll(async () => {
  await services?.shutdown(200);
  await upstream?.close();
});

const chat = (stream: boolean) =>
  fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'my-model', stream, messages: [{ role: 'user', content: 'Hi' }] }),
  });

describe('the window, when an upstream echoes the key', () => {
  it('the live log keeps answering, with the key masked everywhere', async () => {
    for (const stream of [false, true]) {
      const res = await chat(stream);
      const text = `${res.status} ${res.statusText} ${await res.text()}`;
      expect(res.status).toBe(401);
      expect(text).toContain('Incorrect API key provided');
      expect(findLeak(text, [KEY])).toBeUndefined();
    }
    await new Promise((r) => setTimeout(r, 50));
    const recent = await services.api.call('log.recent', {});
    expect(recent.ok, JSON.stringify(recent)).toBe(true);
    const records = (recent as { value: RequestRecordView[] }).value;
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(records.at(-1)!.error?.message).toContain(
      `Incorrect API key provided: ${KEY.slice(0, 4)}…${KEY.slice(-4)}`,
    );
    expect(findLeak(JSON.stringify(records), [KEY])).toBeUndefined();
    for (const format of ['jsonl', 'csv'] as const) {
      const exported = await services.api.call('log.export', { format });
      expect(exported.ok, JSON.stringify(exported)).toBe(true);
      expect(findLeak(JSON.stringify(exported), [KEY])).toBeUndefined();
    }
    const live = events.filter((e) => e.startsWith('request.record'));
    expect(live.length).toBeGreaterThanOrEqual(2);
    expect(findLeak(events.join('\n'), [KEY])).toBeUndefined();
  });

  it('the credential test and the model list say what went wrong, without the key', async () => {
    const test = await services.api.call('accounts.test', { id: 'up' });
    // An answer (the key did not work), not a refusal to answer.
    expect(test.ok, JSON.stringify(test)).toBe(true);
    expect((test as { value: { ok: boolean } }).value.ok).toBe(false);
    expect(findLeak(JSON.stringify(test), [KEY])).toBeUndefined();
    const list = await services.api.call('accounts.models', { id: 'up' });
    expect(findLeak(JSON.stringify(list), [KEY])).toBeUndefined();
  });

  it('a secret that slipped into a record is masked, never a reason to stop answering', async () => {
    const base = (await services.api.call('log.recent', {})) as { value: RequestRecordView[] };
    services.requestLog.add({
      ...base.value.at(-1)!,
      id: 'slipped',
      error: { message: `upstream said ${KEY}` },
    });
    const recent = await services.api.call('log.recent', {});
    expect(recent.ok, JSON.stringify(recent)).toBe(true);
    expect(findLeak(JSON.stringify(recent), [KEY])).toBeUndefined();
    expect(JSON.stringify(recent)).toContain('upstream said sk-p…');
  });

  it('Copy diagnostics carries no key', async () => {
    const diag = await services.api.call('app.diagnostics', {});
    expect(diag.ok, JSON.stringify(diag)).toBe(true);
    expect(findLeak(JSON.stringify(diag), [KEY])).toBeUndefined();
  });
});
