import { networkInterfaces } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../proxy-core/src/cli.js';
import { parseConfig } from '../../../proxy-core/src/config/load.js';
import { createProxy } from '../../../proxy-core/src/server/proxy.js';
import { checkRequest } from '../../../proxy-core/src/server/security-gate.js';
import { type RunningProxy, rawRequest, startProxy } from '../../support/proxy-harness.js';

// Issue 15, item 2: any bind that is not the loopback counts as LAN, whatever flag asked for it.

const KEY = 'kb-long-enough-access-key';

/** This machine's own network address (not the loopback), when it has one. */
const ownAddress = Object.values(networkInterfaces())
  .flat()
  .find((n) => n && !n.internal && n.family === 'IPv4')?.address;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} } };
}

describe('a non-loopback bind needs an access key of 16 characters or more', () => {
  it.each([
    ['server.host 0.0.0.0, no key', { host: '0.0.0.0' }, /needs an access key/],
    ['server.host ::, no key', { host: '::' }, /needs an access key/],
    ['server.host 0.0.0.0, a short key', { host: '0.0.0.0', accessKey: 'short-key' }, /at least 16/],
    ['server.lan, a short key', { lan: true, accessKey: 'short-key' }, /at least 16/],
  ])('%s: createProxy refuses to start, saying why', async (_name, server, why) => {
    const proxy = createProxy(parseConfig({ server: { port: 0, ...server } }));
    const started = proxy.start();
    await expect(started).rejects.toThrow(why);
    await expect(started).rejects.toThrow(/other devices on your network/);
    expect(proxy.status().state).toBe('error');
    expect(proxy.status().error).toMatch(why);
    await proxy.stop({ drainMs: 0 });
  });

  it('`keybridge serve --host 0.0.0.0` without a key exits with code 2 and says so', async () => {
    const t = io();
    const r = await runCli(['serve', '--host', '0.0.0.0', '--port', '0'], t.io);
    await r.stop?.();
    expect(r.code).toBe(2);
    expect(t.err.join('\n')).toMatch(/0\.0\.0\.0.*other devices on your network.*access key/s);
    expect(t.out.join('\n')).not.toMatch(/listening/);
  });

  it('the banner prints every address really bound, and says the network can reach it', async () => {
    const cfg = `${process.env.TMPDIR ?? '/tmp'}/kb-lan-${process.pid}.json`;
    const { writeFileSync, rmSync } = await import('node:fs');
    writeFileSync(cfg, JSON.stringify({ server: { port: 0, accessKey: KEY } }));
    const t = io();
    const r = await runCli(['serve', '-c', cfg, '--host', '0.0.0.0'], t.io);
    try {
      expect(r.code).toBe(0);
      const text = t.out.join('\n');
      expect(text).toMatch(/listening on http:\/\/0\.0\.0\.0:\d+\n/);
      expect(text).not.toMatch(/listening on http:\/\/127\.0\.0\.1/);
      expect(text).toMatch(/Open to other devices on your network/);
      if (ownAddress) expect(text).toContain(`http://${ownAddress}:`);
    } finally {
      await r.stop?.();
      rmSync(cfg, { force: true });
    }
    const local = io();
    const l = await runCli(['serve', '--port', '0'], local.io);
    try {
      expect(local.out.join('\n')).toMatch(
        /listening on http:\/\/127\.0\.0\.1:\d+( and http:\/\/\[::1\]:\d+)?\n/,
      );
      expect(local.out.join('\n')).not.toMatch(/other devices/);
    } finally {
      await l.stop?.();
    }
  });
});

describe('callers from the network must present the key, judged by the socket, not the Host', () => {
  it('the gate refuses a network caller that forges Host: 127.0.0.1 and sends no key', () => {
    const server = parseConfig({ server: { host: '0.0.0.0', accessKey: KEY } }).server;
    const call = (headers: Record<string, string>) =>
      checkRequest(
        { method: 'GET', headers, query: new URLSearchParams(), remoteAddress: '192.168.1.20' },
        { server, extraHosts: new Set() },
      );
    expect(() => call({ host: '127.0.0.1:5731' })).toThrow(/Access key required/);
    expect(() => call({ host: '127.0.0.1:5731', authorization: 'Bearer wrong-key-wrong-key' })).toThrow(
      /Wrong access key/,
    );
    expect(() => call({ host: '127.0.0.1:5731', authorization: `Bearer ${KEY}` })).not.toThrow();
  });

  it('a network caller is refused when the key is missing or short, even after a reconfigure', () => {
    for (const accessKey of [undefined, 'short-key']) {
      const server = { ...parseConfig({}).server, host: '0.0.0.0', accessKey };
      expect(() =>
        checkRequest(
          {
            method: 'GET',
            headers: { host: '127.0.0.1', authorization: `Bearer ${accessKey}` },
            query: new URLSearchParams(),
            remoteAddress: '10.0.0.7',
          },
          { server, extraHosts: new Set() },
        ),
      ).toThrow(/does not accept calls from other devices/);
    }
  });

  describe.skipIf(!ownAddress)('over a real socket from this machine’s network address', () => {
    let px: RunningProxy;
    afterAll(() => px?.close());

    it('--host 0.0.0.0: no key (forged Host) → 401; the key → 200; loopback needs none', async () => {
      px = await startProxy({ server: { host: '0.0.0.0', accessKey: KEY } });
      const lanOrigin = `http://${ownAddress}:${px.listen.port}`;
      const forged = await rawRequest(lanOrigin, {
        path: '/v1/models',
        headers: { host: `127.0.0.1:${px.listen.port}` },
      });
      expect(forged.status).toBe(401);
      expect(forged.body).toMatch(/Access key required/);
      const keyed = await rawRequest(lanOrigin, {
        path: '/v1/models',
        headers: { host: `${ownAddress}:${px.listen.port}`, authorization: `Bearer ${KEY}` },
      });
      expect(keyed.status).toBe(200);
      expect((await rawRequest(px.origin, { path: '/v1/models' })).status).toBe(200);
      expect(px.listen.lan).toBe(true);
      expect(px.listen.bound).toEqual([`0.0.0.0:${px.listen.port}`]);
    });
  });
});
