/**
 * Spend limits and keys for other people, through the app's contract (issue 19, window side):
 * the settings reach proxy-core's config under the agreed names, a friend's key is a strong random
 * string kept in the vault (never in the settings file, a list, diagnostics or the app log), shown
 * only by "create" and "copy", and revoking it takes it out of the running proxy at once.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeybridgeApi, type KeybridgeApi } from '../../app/contract/index.js';
import { SHARE_KEYS_ENTRY } from '../../app/services/access-keys.js';
import { lanAddress } from '../../app/services/api/share.js';
import { fakeProxyFactory } from './support/fake-proxy.js';
import { memoryKeytar, testServices } from './support/services.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(keytar = memoryKeytar()) {
  const factory = fakeProxyFactory();
  const services = await testServices({ createProxy: factory.createProxy, keytar });
  cleanups.push(() => services.shutdown(100));
  const api: KeybridgeApi = createKeybridgeApi({
    invoke: (m, input) => services.api.call(m, input),
    subscribe: () => () => {},
  });
  const added = await api.accounts.add({
    account: { provider: 'openai', id: 'main', apiKey: 'sk-upstream-0123456789abcdef' },
  });
  expect(added.ok, JSON.stringify(added)).toBe(true);
  await api.proxy.start();
  const lastConfig = () => {
    const h = factory.log.handles.at(-1)!;
    return h.reconfigured.at(-1) ?? h.config;
  };
  return { services, api, keytar, lastConfig };
}

function ok<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('limits', () => {
  it('carries global and per-account limits and cost choices into the running proxy', async () => {
    const { api, lastConfig, services } = await setup();
    ok(await api.limits.setGlobal({ dailyUsd: 5, monthlyTokens: 2_000_000 }));
    const view = ok(
      await api.limits.setAccount({
        id: 'main',
        limits: { monthlyUsd: 40 },
        promptCaching: 'off',
        promptCacheTtl: '1h',
        unsupportedParams: 'refuse',
      }),
    );
    expect(view.global).toEqual({ dailyUsd: 5, monthlyTokens: 2_000_000 });
    expect(view.accounts).toEqual([
      {
        id: 'main',
        provider: 'openai',
        limits: { monthlyUsd: 40 },
        promptCaching: 'off',
        promptCacheTtl: '1h',
        unsupportedParams: 'refuse',
      },
    ]);
    const config = lastConfig() as unknown as Record<string, unknown> & {
      accounts: Array<Record<string, unknown>>;
    };
    expect(config.limits).toEqual({ dailyUsd: 5, monthlyTokens: 2_000_000 });
    expect(config.accounts[0]).toMatchObject({ id: 'main', limits: { monthlyUsd: 40 } });
    // Back to the defaults: nothing written, the proxy's defaults apply; a cleared limit is gone.
    ok(
      await api.limits.setAccount({
        id: 'main',
        limits: {},
        promptCaching: 'auto',
        unsupportedParams: 'drop',
      }),
    );
    const stored = services.settings.getAccount('main')!;
    expect(stored.limits).toBeUndefined();
    expect(stored.promptCaching).toBeUndefined();
    expect(stored.unsupportedParams).toBeUndefined();
    expect(stored.promptCacheTtl).toBe('1h');
  });

  it('refuses a bad limit with a field error and keeps the old one', async () => {
    const { api, services } = await setup();
    ok(await api.limits.setGlobal({ dailyUsd: 5 }));
    const bad = await api.limits.setGlobal({ dailyUsd: -1 });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload', fields: [{ path: 'dailyUsd' }] },
    });
    const unknown = await api.limits.setAccount({ id: 'nobody', limits: { dailyUsd: 1 } });
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'not_found', messageRef: { code: 'noSuchAccount' } },
    });
    expect(services.settings.getLimits()).toEqual({ dailyUsd: 5 });
  });

  it('keeps limits and keys across a restart of the app', async () => {
    const keytar = memoryKeytar();
    const first = await setup(keytar);
    ok(await first.api.limits.setGlobal({ monthlyUsd: 20 }));
    const made = ok(await first.api.share.create({ name: 'Anna', limits: { dailyUsd: 1 } }));
    await first.services.shutdown(100);
    cleanups.length = 0;
    const factory = fakeProxyFactory();
    const again = await testServices({
      createProxy: factory.createProxy,
      keytar,
      dataDir: first.services.dataDir,
    });
    cleanups.push(() => again.shutdown(100));
    await again.controller.start();
    const config = factory.log.handles.at(-1)!.config;
    expect(config.limits).toEqual({ monthlyUsd: 20 });
    expect(config.server.accessKeys).toEqual([
      { name: 'Anna', key: made.accessKey, limits: { dailyUsd: 1 } },
    ]);
  });
});

describe('keys for other people', () => {
  it('makes a strong random key, stores it in the vault only, and hands it to the proxy', async () => {
    const { api, services, keytar, lastConfig } = await setup();
    const made = ok(
      await api.share.create({ name: "Anna's SillyTavern", models: ['gpt-4o'], limits: { dailyUsd: 1 } }),
    );
    expect(made.accessKey).toMatch(/^kb-share-[A-Za-z0-9_-]{43}$/);
    expect(made.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(made.lan).toBe(false);
    expect(made.key).toMatchObject({
      name: "Anna's SillyTavern",
      hint: `…${made.accessKey.slice(-4)}`,
      usable: true,
    });
    const second = ok(await api.share.create({ name: '小明', limits: {} }));
    expect(second.accessKey).not.toBe(made.accessKey);

    expect(lastConfig().server.accessKeys).toEqual([
      { name: "Anna's SillyTavern", key: made.accessKey, models: ['gpt-4o'], limits: { dailyUsd: 1 } },
      { name: '小明', key: second.accessKey },
    ]);
    // In the vault, not in the settings file.
    expect([...keytar.entries.keys()].some((k) => k.endsWith(SHARE_KEYS_ENTRY))).toBe(true);
    const file = readFileSync(services.settings.path, 'utf8');
    expect(file).toContain("Anna's SillyTavern");
    expect(file).not.toContain(made.accessKey);

    // The list, diagnostics and the app log never carry it.
    const list = ok(await api.share.list());
    expect(list.keys.map((k) => k.name)).toEqual(["Anna's SillyTavern", '小明']);
    expect(JSON.stringify(list)).not.toContain(made.accessKey);
    const diag = ok(await api.app.diagnostics());
    expect(diag.text).not.toContain(made.accessKey);
    expect(readFileSync(services.appLog.file!, 'utf8')).not.toContain(made.accessKey);
    // A log export with the key inside a record is masked too.
    services.requestLog.add({
      id: 'r1',
      time: new Date().toISOString(),
      dialect: 'openai',
      endpoint: 'chat',
      method: 'POST',
      path: '/v1/chat/completions',
      stream: false,
      passthrough: false,
      status: 401,
      latencyMs: 1,
      attempts: [],
      error: { message: `bad key ${made.accessKey}` },
    });
    const exported = ok(await api.log.export({ format: 'jsonl' }));
    expect(exported.content).not.toContain(made.accessKey);

    // Copy gives it back, with the address.
    const copy = ok(await api.share.copy({ name: '小明' }));
    expect(copy.accessKey).toBe(second.accessKey);
  });

  it('refuses a second key with the same name, and an empty or odd name', async () => {
    const { api } = await setup();
    ok(await api.share.create({ name: 'Anna', limits: {} }));
    const again = await api.share.create({ name: 'anna', limits: {} });
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'conflict', messageRef: { code: 'shareKeyExists', params: { name: 'anna' } } },
    });
    const empty = await api.share.create({ name: '  ', limits: {} });
    expect(empty).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload', fields: [{ path: 'name' }] },
    });
    const odd = await api.share.create({ name: '<script>', limits: {} });
    expect(odd.ok).toBe(false);
    expect(ok(await api.share.list()).keys).toHaveLength(1);
  });

  it('revoking takes the key out of the running proxy and the vault', async () => {
    const { api, lastConfig, services } = await setup();
    const made = ok(await api.share.create({ name: 'Anna', limits: { dailyUsd: 1 } }));
    ok(await api.share.create({ name: 'Ben', limits: {} }));
    const after = ok(await api.share.revoke({ name: 'Anna' }));
    expect(after.keys.map((k) => k.name)).toEqual(['Ben']);
    expect(lastConfig().server.accessKeys.map((k) => k.name)).toEqual(['Ben']);
    const stored = await services.vault.get(SHARE_KEYS_ENTRY);
    expect(Object.keys(stored ?? {})).toEqual(['Ben']);
    expect(JSON.stringify(stored)).not.toContain(made.accessKey);
    const copy = await api.share.copy({ name: 'Anna' });
    expect(copy).toMatchObject({
      ok: false,
      error: { code: 'not_found', messageRef: { code: 'noSuchShareKey' } },
    });
    const twice = await api.share.revoke({ name: 'Anna' });
    expect(twice.ok).toBe(false);
  });

  it("changing a key's models and limit keeps the key itself; the proxy gets the new rules at once", async () => {
    const { api, lastConfig, services } = await setup();
    const made = ok(await api.share.create({ name: 'Anna', models: ['gpt-4o'], limits: { dailyUsd: 1 } }));
    const after = ok(await api.share.update({ name: 'Anna', limits: { monthlyUsd: 5 } }));
    expect(after.keys[0]).toMatchObject({ name: 'Anna', limits: { monthlyUsd: 5 }, usable: true });
    expect(after.keys[0]!.models).toBeUndefined();
    expect(lastConfig().server.accessKeys).toEqual([
      { name: 'Anna', key: made.accessKey, limits: { monthlyUsd: 5 } },
    ]);
    ok(await api.share.update({ name: 'Anna', models: ['gpt-4o-mini'], limits: {} }));
    expect(lastConfig().server.accessKeys).toEqual([
      { name: 'Anna', key: made.accessKey, models: ['gpt-4o-mini'] },
    ]);
    expect(ok(await api.share.copy({ name: 'Anna' })).accessKey).toBe(made.accessKey);
    expect(readFileSync(services.settings.path, 'utf8')).not.toContain(made.accessKey);
    const missing = await api.share.update({ name: 'Nobody', limits: {} });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'not_found', messageRef: { code: 'noSuchShareKey' } },
    });
    const bad = await api.share.update({ name: 'Anna', limits: { dailyUsd: -1 } });
    expect(bad.ok).toBe(false);
    expect(ok(await api.share.list()).keys[0]!.models).toEqual(['gpt-4o-mini']);
  });

  it('a key whose secret is gone is listed as unusable and left out of the proxy', async () => {
    const { api, services, lastConfig } = await setup();
    ok(await api.share.create({ name: 'Anna', limits: {} }));
    await services.vault.delete(SHARE_KEYS_ENTRY);
    const list = ok(await api.share.list());
    expect(list.keys[0]).toMatchObject({ name: 'Anna', usable: false, hint: '' });
    const copy = await api.share.copy({ name: 'Anna' });
    expect(copy).toMatchObject({ ok: false, error: { messageRef: { code: 'shareKeyLost' } } });
    ok(await api.settings.update({ theme: 'dark' }));
    expect(lastConfig().server.accessKeys).toEqual([]);
  });

  it('shares the LAN address when LAN access is on', async () => {
    const { api } = await setup();
    ok(await api.settings.update({ lan: true }));
    const list = ok(await api.share.list());
    expect(list.address.lan).toBe(true);
    if (!list.address.noLanAddress) expect(list.address.baseUrl).not.toContain('127.0.0.1');
    expect(
      lanAddress({
        lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true } as never],
        docker0: [{ address: '172.17.0.1', family: 'IPv4', internal: false } as never],
        wlan0: [
          { address: 'fe80::1', family: 'IPv6', internal: false } as never,
          { address: '192.168.1.20', family: 'IPv4', internal: false } as never,
        ],
      }),
    ).toBe('172.17.0.1');
    expect(
      lanAddress({
        eth0: [{ address: '169.254.3.3', family: 'IPv4', internal: false } as never],
        wlan0: [{ address: '192.168.1.20', family: 'IPv4', internal: false } as never],
      }),
    ).toBe('192.168.1.20');
    expect(
      lanAddress({ lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true } as never] }),
    ).toBeNull();
  });
});
