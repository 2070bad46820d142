/**
 * `keybridge serve --ui` on a machine with no keychain (a server, Termux): the dev host with the
 * real services and the real proxy, stopped and started again over the same data folder. With
 * "this session only" the keys are gone after the restart (and the window says so); with "a file
 * only you can read" the account still answers a test message through the proxy.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../app/contract/index.js';
import { type DevHost, startDevHost } from '../../app/dev-host/index.js';
import type { KeytarApi } from '../../app/services/secret-vault.js';
import { type OpenAIMock, startOpenAIMock } from '../upstreams/openai-mock.js';

const noBus: KeytarApi = new Proxy({} as KeytarApi, {
  get: () => async () => {
    throw new Error('Platform secure storage failure: zbus error: Failed to connect to address');
  },
});

let openai: OpenAIMock;
beforeAll(async () => {
  openai = await startOpenAIMock();
});
afterAll(async () => {
  await openai?.close();
});

async function serveUi(dataDir: string): Promise<DevHost> {
  return startDevHost({
    port: 0,
    dataDir,
    services: { keytar: noBus, port: 0, drainMs: 100 },
    log: () => {},
  });
}

async function call<T>(host: DevHost, method: string, input: unknown = {}): Promise<T> {
  const r = (await host.services.api.call(method, input)) as Result<T>;
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value;
}

async function addAccount(host: DevHost): Promise<string> {
  const added = await call<{ id: string }>(host, 'accounts.add', {
    account: {
      provider: 'openai-compatible',
      label: 'Gateway',
      baseUrl: `${openai.url}/v1`,
      apiKey: 'sk-test-upstream',
    },
  });
  await call(host, 'models.update', {
    models: [{ id: 'gpt-4.1-nano', enabled: true, routes: [{ account: added.id, model: 'gpt-4.1-nano' }] }],
    aliases: {},
    defaultModel: 'gpt-4.1-nano',
  });
  return added.id;
}

describe('serve --ui with no keychain, across a restart', () => {
  it('with "a file only you can read", the account keeps its key and answers a test message', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kb-restart-'));
    const first = await serveUi(dataDir);
    const before = await call<{ secretStorage?: { backend: string; file?: string } }>(
      first,
      'settings.update',
      {
        keysWithoutKeychain: 'file',
      },
    );
    expect(before.secretStorage).toEqual({
      backend: 'file',
      noKeychainReason: 'no-bus',
      file: path.join(dataDir, 'secrets.json'),
    });
    const notice = (await call<Array<{ id: string; message: string }>>(first, 'app.notices')).find(
      (n) => n.id === 'no-keychain',
    );
    expect(notice?.message).toMatch(/kept in .*secrets\.json, a file only you can read/);
    const id = await addAccount(first);
    await first.close();

    const second = await serveUi(dataDir);
    try {
      const [account] = await call<Array<{ id: string; missingSecrets: string[]; secretStorage: string }>>(
        second,
        'accounts.list',
      );
      expect(account).toMatchObject({ id, missingSecrets: [], secretStorage: 'file' });
      const reply = await call<{ ok: boolean }>(second, 'connect.sendTestMessage', { model: 'gpt-4.1-nano' });
      expect(reply.ok).toBe(true);
      // The settings file still holds no secret.
      const settings = JSON.stringify(second.services.settings.document());
      expect(settings).not.toContain('sk-test-upstream');
    } finally {
      await second.close();
    }
  });

  it('with "this session only" (the default), the key is gone after the restart and the account says so', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kb-restart-'));
    const first = await serveUi(dataDir);
    const view = await call<{ secretStorage?: { backend: string } }>(first, 'settings.get');
    expect(view.secretStorage?.backend).toBe('session');
    await addAccount(first);
    await first.close();

    const second = await serveUi(dataDir);
    try {
      const [account] = await call<Array<{ missingSecrets: string[] }>>(second, 'accounts.list');
      expect(account?.missingSecrets).toContain('apiKey');
    } finally {
      await second.close();
    }
  });
});
