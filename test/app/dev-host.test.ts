import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  connectKeybridge,
  createKeybridgeApi,
  createWebSocketTransport,
  devHostSocketUrl,
  type RequestRecordView,
} from '../../app/contract/index.js';
import { type DevHost, startDevHost } from '../../app/dev-host/index.js';
import { fakeProxyFactory } from './support/fake-proxy.js';
import { memoryKeytar } from './support/services.js';

const hosts: DevHost[] = [];
afterEach(async () => {
  while (hosts.length) await hosts.pop()!.close();
});

async function start(extra: { uiOrigins?: string[] } = {}): Promise<DevHost> {
  const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'kb-renderer-'));
  mkdirSync(path.join(rendererDir, 'assets'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Keybridge UI</title>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  const host = await startDevHost({
    port: 0,
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'kb-devhost-')),
    rendererDir,
    createProxy: fakeProxyFactory().createProxy,
    services: { keytar: memoryKeytar(), port: 0, drainMs: 100 },
    log: () => {},
    ...extra,
  });
  hosts.push(host);
  return host;
}

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function wsRefusal(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => {});
  });
}

describe('dev host', () => {
  it('serves the UI only with the startup token, then by cookie', async () => {
    const host = await start();
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const ok = await get(host.url);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('Keybridge UI');
    expect(String(ok.headers['content-security-policy'])).toContain("default-src 'self'");
    const cookie = String(ok.headers['set-cookie']).split(';')[0]!;
    const base = `http://127.0.0.1:${host.port}`;
    expect((await get(`${base}/assets/app.js`, { cookie })).status).toBe(200);
    expect((await get(`${base}/settings/page`, { cookie })).body).toContain('Keybridge UI');
    expect((await get(`${base}/assets/app.js`)).status).toBe(401);
    expect((await get(`${base}/?token=wrong-token-wrong-token`)).status).toBe(401);
    for (const probe of [
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/assets/..%2f..%2f..%2f..%2fetc%2fhostname',
    ]) {
      const r = await get(`${base}${probe}`, { cookie });
      expect(r.body).not.toMatch(/root:|^[a-z0-9-]+\n$/);
    }
    // DNS rebinding: a foreign Host header is refused even with the token.
    expect((await get(host.url, { host: 'evil.example:80' })).status).toBe(403);
  });

  it('refuses a WebSocket with a wrong token, a foreign origin or a foreign host', async () => {
    const host = await start();
    const base = `ws://127.0.0.1:${host.port}/kb-ws`;
    expect(await wsRefusal(`${base}?token=nope`)).toBe(401);
    expect(await wsRefusal(base)).toBe(401);
    expect(await wsRefusal(`${base}?token=${host.token}`, { origin: 'https://evil.example' })).toBe(403);
    expect(await wsRefusal(`${base}?token=${host.token}`, { host: 'evil.example' })).toBe(403);
    expect(await wsRefusal(`${base}?token=${host.token}`)).toBe(101);
  });

  it('opens the WebSocket only to the UI’s own origin: exact scheme, host and port (issue 15)', async () => {
    const host = await start();
    const base = `ws://127.0.0.1:${host.port}/kb-ws?token=${host.token}`;
    const cookie = `keybridge_token=${host.token}`;
    // Other local ports are the same *site*: the cookie goes along, so their pages must be refused.
    for (const origin of [
      'http://127.0.0.1:8080',
      'http://localhost:5173',
      `https://127.0.0.1:${host.port}`,
      `http://127.0.0.2:${host.port}`,
      `http://127.0.0.1:${host.port}.evil.example`,
      'null',
    ]) {
      expect(await wsRefusal(base, { origin }), origin).toBe(403);
      expect(await wsRefusal(`ws://127.0.0.1:${host.port}/kb-ws`, { origin, cookie }), origin).toBe(403);
    }
    for (const origin of [`http://127.0.0.1:${host.port}`, `http://localhost:${host.port}`]) {
      expect(await wsRefusal(`ws://127.0.0.1:${host.port}/kb-ws`, { origin, cookie }), origin).toBe(101);
    }
    // A browser that says the page is from another site or origin is refused too.
    expect(
      await wsRefusal(base, { origin: `http://127.0.0.1:${host.port}`, 'sec-fetch-site': 'same-site' }),
    ).toBe(403);
    expect((await get(host.url, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await get(host.url, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await get(host.url, { 'sec-fetch-site': 'none' })).status).toBe(200);
    expect((await get(host.url, { origin: 'http://127.0.0.1:8080' })).status).toBe(403);
    expect((await get(host.url, { origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
  });

  it('lets the dev server’s page (uiOrigins) open the WebSocket, and only that one', async () => {
    const host = await start({ uiOrigins: ['http://localhost:5173'] });
    const base = `ws://127.0.0.1:${host.port}/kb-ws?token=${host.token}`;
    expect(await wsRefusal(base, { origin: 'http://localhost:5173' })).toBe(101);
    expect(await wsRefusal(base, { origin: 'http://localhost:5174' })).toBe(403);
  });

  it('answers a malformed path with 400, not 500', async () => {
    const host = await start();
    const base = `http://127.0.0.1:${host.port}`;
    for (const path of [
      `/%E0%A4%A?token=${host.token}`,
      `/%zz?token=${host.token}`,
      `/assets/%C0?token=${host.token}`,
    ]) {
      const r = await get(`${base}${path}`);
      expect(r.status, path).toBe(400);
    }
    expect(await wsRefusal(`ws://127.0.0.1:${host.port}/kb-ws%E0%A4%A?token=${host.token}`)).toBe(400);
  });

  it('carries calls and events over the WebSocket', async () => {
    const host = await start();
    const url = devHostSocketUrl({
      protocol: 'http:',
      host: `127.0.0.1:${host.port}`,
      search: `?token=${host.token}`,
    });
    const transport = createWebSocketTransport(url, {
      WebSocketImpl: WebSocket as unknown as NonNullable<
        Parameters<typeof createWebSocketTransport>[1]
      >['WebSocketImpl'],
    });
    try {
      const kb = createKeybridgeApi(transport);
      const status = await kb.proxy.status();
      expect(status).toMatchObject({ ok: true, value: { state: 'running' } });
      const bad = await kb.call('settings.update', { port: 1 });
      expect(bad).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload', fields: [{ path: 'port' }] },
      });

      const records: RequestRecordView[] = [];
      const gotRecord = new Promise<void>((resolve) =>
        kb.on('request.record', (r) => {
          records.push(r);
          resolve();
        }),
      );
      await kb.accounts.add({
        account: { provider: 'openai', id: 'main', apiKey: 'sk-devhost-test-0123456789' },
      });
      await kb.models.update({
        models: [{ id: 'gpt-test', enabled: true, routes: [{ account: 'main', model: 'gpt-4o' }] }],
        aliases: {},
        defaultModel: 'gpt-test',
      });
      const reply = await kb.connect.sendTestMessage({ source: 'openai' });
      expect(reply).toMatchObject({
        ok: true,
        value: { ok: true, reply: 'Hello from gpt-test', model: 'gpt-test' },
      });
      await gotRecord;
      expect(records[0]).toMatchObject({ publicModel: 'gpt-test', usage: { inputTokens: 3 } });
    } finally {
      transport.close();
    }
  });

  it('gives a browser page the same API with connectKeybridge()', async () => {
    const host = await start();
    const g = globalThis as { location?: unknown; keybridge?: unknown };
    g.location = { protocol: 'http:', host: `127.0.0.1:${host.port}`, search: `?token=${host.token}` };
    try {
      const kb = connectKeybridge();
      expect(connectKeybridge()).toBe(kb);
      expect(await kb.app.info()).toMatchObject({ ok: true, value: { mode: 'web', name: 'Keybridge' } });
    } finally {
      delete g.location;
      delete g.keybridge;
    }
  });
});
