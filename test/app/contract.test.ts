/**
 * The contract at the boundary: every call rejects malformed payloads, and no call ever returns
 * an account secret (every answer and event is walked for the planted values).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createKeybridgeApi,
  METHOD_NAMES,
  type MethodInput,
  type MethodName,
  type Result,
} from '../../app/contract/index.js';
import { makeTestServiceAccount } from '../upstreams/vertex-mock.js';
import { testServices } from './support/services.js';

const rand = (n: number) =>
  Array.from(
    { length: n },
    () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)],
  ).join('');

/** A valid payload for every call (a new call without one is a type error here). */
function validInputs(ids: { account: string }): { [M in MethodName]: MethodInput<M> } {
  return {
    'app.info': {},
    'app.notices': {},
    'app.dismissNotice': { id: 'nothing' },
    'app.diagnostics': {},
    'proxy.status': {},
    'proxy.start': {},
    'proxy.stop': {},
    'accounts.list': {},
    'accounts.add': { account: { provider: 'deepseek', label: 'Second', apiKey: `sk-${rand(30)}` } },
    'accounts.update': { id: ids.account, patch: { label: 'Renamed', apiKey: '' } },
    'accounts.remove': { id: 'second' },
    'accounts.validate': { account: { provider: 'openai', apiKey: `sk-${rand(30)}` } },
    'accounts.detectCredential': { text: `sk-ant-${rand(40)}` },
    'accounts.test': { id: ids.account },
    'accounts.models': { id: ids.account },
    'models.get': {},
    'models.update': {
      models: [{ id: 'gpt-test', enabled: true, routes: [{ account: ids.account, model: 'gpt-4o' }] }],
      aliases: { fast: 'gpt-test' },
      defaultModel: 'gpt-test',
    },
    'models.public': {},
    'settings.get': {},
    'settings.update': { theme: 'dark', logBodies: false },
    'settings.generateAccessKey': {},
    'settings.getAccessKey': {},
    'settings.clearAccessKey': {},
    'connect.info': {},
    'connect.sendTestMessage': { source: 'openai' },
    'log.recent': { limit: 10 },
    'log.clear': {},
    'log.export': { format: 'csv' },
    'usage.summary': { days: 7 },
    'limits.get': {},
    'limits.setGlobal': { dailyUsd: 5 },
    'limits.setAccount': { id: ids.account, limits: { dailyUsd: 1 }, promptCaching: 'off' },
    'limits.status': {},
    'share.list': {},
    'share.create': { name: 'Friend', limits: { dailyUsd: 1 } },
    'share.copy': { name: 'Friend' },
    'share.update': { name: 'Friend', limits: { monthlyUsd: 5 } },
    'share.revoke': { name: 'Friend' },
  };
}

/** Every string inside a value, deeply. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const services = await testServices();
  cleanups.push(() => services.shutdown(100));
  const api = createKeybridgeApi({
    invoke: (m, input) => services.api.call(m, input),
    subscribe: () => () => {},
  });
  return { services, api };
}

describe('contract boundary', () => {
  it('rejects malformed payloads on every call', async () => {
    const { services } = await setup();
    const malformed: unknown[] = ['not an object', 42, [], { __unexpected: true }];
    for (const method of METHOD_NAMES) {
      for (const bad of malformed) {
        const r = await services.api.call(method, bad);
        expect(r.ok, `${method} accepted ${JSON.stringify(bad)}`).toBe(false);
        if (!r.ok) expect(r.error.code, method).toBe('invalid_payload');
      }
    }
    const unknown = await services.api.call('accounts.steal', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it('answers precise field errors for a bad account, and saves nothing', async () => {
    const { api, services } = await setup();
    const r = await api.accounts.add({
      account: { provider: 'openai', id: 'bad id!', baseUrl: 'ftp://x' } as never,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.fields?.map((f) => f.path)).toContain('account.id');
    const v = await api.accounts.validate({
      account: { provider: 'openai', apiKey: 'sk-test', baseUrl: 'not a url' },
    });
    expect(v).toMatchObject({ ok: true, value: { valid: false, errors: [{ path: 'baseUrl' }] } });
    expect(services.settings.getAccounts()).toEqual([]);
    const vx = await api.accounts.validate({
      account: { provider: 'vertex', serviceAccount: '{"type":"service_account"' },
    });
    expect(vx.ok && vx.value.errors.map((e) => e.path)).toEqual(['serviceAccount']);
    const region = await api.accounts.validate({
      account: {
        provider: 'vertex',
        serviceAccount: makeTestServiceAccount({ tokenUri: 'http://127.0.0.1:9/t' }).text,
        region: 'Not A Region!',
      },
    });
    expect(region.ok && region.value.errors).toEqual([
      {
        path: 'region',
        message: expect.stringMatching(/region such as global/),
        messageRef: { code: 'fieldVertexRegion' },
      },
    ]);
  });

  it('recognises pasted credentials without echoing them', async () => {
    const { api } = await setup();
    const sa = makeTestServiceAccount({ tokenUri: 'http://127.0.0.1:9/token', projectId: 'my-proj' });
    const found = await api.accounts.detectCredential({ text: sa.text });
    expect(found).toMatchObject({
      ok: true,
      value: { provider: 'vertex', facts: { projectId: 'my-proj' }, errors: [] },
    });
    expect(JSON.stringify(found)).not.toContain(sa.json.private_key!.slice(40, 80));
    const aws = await api.accounts.detectCredential({ text: `AKIA${'ABCDEFGHIJKLMNOP'}` });
    expect(aws).toMatchObject({
      ok: true,
      value: { provider: 'bedrock', errors: [{ path: 'secretAccessKey' }] },
    });
    const user = await api.accounts.detectCredential({
      text: '{"type":"authorized_user","refresh_token":"x"}',
    });
    expect(user.ok && user.value.errors[0]?.message).toMatch(/service-account key/);
    const broken = await api.accounts.detectCredential({ text: sa.text.slice(0, 200) });
    expect(broken.ok && broken.value.errors[0]?.message).toMatch(/not valid JSON/);
  });

  it('never returns a secret from any call or event', async () => {
    const { api, services } = await setup();
    const planted = [`sk-${rand(40)}`, `sk-or-${rand(40)}`, `hdr-${rand(30)}`];
    const events: unknown[] = [];
    services.api.subscribe((event, payload) => events.push({ event, payload }));

    const added = await api.accounts.add({
      account: { provider: 'openai', id: 'main', label: 'Main', apiKey: planted[0] },
    });
    expect(added.ok).toBe(true);
    const second = await api.accounts.add({
      account: {
        provider: 'openrouter',
        id: 'router',
        apiKey: planted[1],
        headers: { 'HTTP-Referer': 'https://sillytavern.app', 'X-Custom-Key': planted[2] },
      },
    });
    expect(second.ok, JSON.stringify(second)).toBe(true);
    if (second.ok) expect(second.value.secrets.headers).toBe('HTTP-Referer, X-Custom-Key');
    const sa = makeTestServiceAccount({ tokenUri: 'http://127.0.0.1:9/token' });
    const vertex = await api.accounts.add({
      account: { provider: 'vertex', label: 'My Google Cloud', serviceAccount: sa.text, region: 'global' },
    });
    expect(vertex.ok, JSON.stringify(vertex)).toBe(true);
    if (vertex.ok) {
      expect(vertex.value.id).toBe('my-google-cloud');
      expect(vertex.value.secrets.serviceAccount).toBe(
        `${sa.clientEmail} (key ${sa.json.private_key_id!.slice(0, 4)}…)`,
      );
    }
    const anthropicKey = `sk-ant-api03-${rand(40)}`;
    expect(
      (await api.accounts.add({ account: { provider: 'anthropic', id: 'claude', apiKey: anthropicKey } })).ok,
    ).toBe(true);
    planted.push(
      anthropicKey,
      sa.json.private_key!,
      sa.text,
      ...sa.json.private_key!.split('\n').filter((l) => l.length > 40),
    );
    if (added.ok)
      expect(added.value.secrets.apiKey).toBe(`${planted[0]!.slice(0, 4)}…${planted[0]!.slice(-4)}`);
    await api.proxy.start();

    const inputs = validInputs({ account: 'main' });
    const results: Array<[string, Result<unknown>]> = [];
    // proxy.stop last, so the calls that need the running proxy get it.
    const order = [...METHOD_NAMES.filter((m) => m !== 'proxy.stop'), 'proxy.stop' as const];
    for (const method of order) {
      results.push([method, await services.api.call(method, inputs[method])]);
    }
    // Every call worked with its valid payload (so the walk below saw real answers).
    for (const [method, r] of results) expect(r.ok, `${method}: ${JSON.stringify(r)}`).toBe(true);

    const texts = strings([results, events]);
    for (const secret of planted) {
      expect(texts.some((t) => t.includes(secret))).toBe(false);
    }
    // The secrets are in the keychain, not in the settings file.
    const file = readFileSync(services.settings.path, 'utf8');
    for (const secret of planted) expect(file).not.toContain(secret);
    expect(await services.vault.get('main')).toEqual({ apiKey: planted[0] });
  });

  it('keeps a stored secret when an update leaves it empty, and replaces it when given', async () => {
    const { api, services } = await setup();
    const first = `sk-${rand(40)}`;
    const next = `sk-${rand(40)}`;
    await api.accounts.add({ account: { provider: 'openai', id: 'a', apiKey: first } });
    const kept = await api.accounts.update({ id: 'a', patch: { label: 'A', apiKey: '' } });
    expect(kept).toMatchObject({ ok: true, value: { label: 'A' } });
    expect(await services.vault.get('a')).toEqual({ apiKey: first });
    await api.accounts.update({ id: 'a', patch: { apiKey: next } });
    expect(await services.vault.get('a')).toEqual({ apiKey: next });
    await api.accounts.remove({ id: 'a' });
    expect(await services.vault.get('a')).toBeNull();
  });

  it('masks a secret that would reach the renderer, and still answers', async () => {
    const { services } = await setup();
    const secret = `sk-${rand(40)}`;
    await services.api.call('accounts.add', { account: { provider: 'openai', id: 'x', apiKey: secret } });
    // A bug that copies a secret into a plain field must not reach the renderer — nor stop the
    // screen from working (issue 15): the answer comes, with the secret masked.
    services.settings.putAccount({ id: 'x', provider: 'openai', enabled: true, label: secret });
    const r = await services.api.call('accounts.list', {});
    expect(r).toMatchObject({
      ok: true,
      value: [{ id: 'x', label: `${secret.slice(0, 4)}…${secret.slice(-4)}` }],
    });
    expect(JSON.stringify(r)).not.toContain(secret);
  });
});
