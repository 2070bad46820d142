import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProxyError } from '../../../../proxy-core/src/canonical/errors.js';
import {
  parseServiceAccount,
  type ServiceAccount,
} from '../../../../proxy-core/src/providers/vertex/service-account.js';
import { createTokenSource, TokenCache } from '../../../../proxy-core/src/providers/vertex/token-source.js';
import type { HttpClient } from '../../../../proxy-core/src/transport/http-client.js';
import { createUndiciHttpClient } from '../../../../proxy-core/src/transport/undici-http-client.js';
import { startVertexMock, type TestServiceAccount, type VertexMock } from '../../../upstreams/vertex-mock.js';

function toSa(t: TestServiceAccount): ServiceAccount {
  const r = parseServiceAccount(t.text);
  if (!r.ok) throw r.error;
  return r.value;
}

async function rejection(p: Promise<unknown>): Promise<ProxyError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ProxyError);
    return err as ProxyError;
  }
  throw new Error('expected a rejection');
}

describe('Vertex token source', () => {
  let mock: VertexMock;
  let http: HttpClient;
  let clock: number;
  const now = () => clock;

  beforeEach(async () => {
    mock = await startVertexMock({ tokenLifetimeSec: 3600 });
    http = createUndiciHttpClient();
    clock = 1_800_000_000_000;
  });
  afterEach(async () => {
    await http.close();
    await mock.close();
  });

  it('exchanges a signed JWT at the key file token_uri and reuses the token', async () => {
    const sa = toSa(mock.makeServiceAccount());
    const source = createTokenSource(sa, { http, now });
    const first = await source.getToken();
    expect(first).toMatch(/^ya29\.mock-1-/);
    expect(await source.getToken()).toBe(first);
    clock += 50 * 60_000; // 50 minutes later: still more than 5 minutes left
    expect(await source.getToken()).toBe(first);
    expect(mock.tokenRequests()).toBe(1);
  });

  it('refreshes shortly before expiry', async () => {
    const source = createTokenSource(toSa(mock.makeServiceAccount()), { http, now });
    const first = await source.getToken();
    clock += 56 * 60_000; // within 5 minutes of the 60-minute expiry
    const second = await source.getToken();
    expect(second).not.toBe(first);
    expect(mock.tokenRequests()).toBe(2);
    expect(await source.getToken()).toBe(second);
    expect(mock.tokenRequests()).toBe(2);
  });

  it('keeps short-lived tokens for half their life instead of refreshing every call', async () => {
    await mock.close();
    mock = await startVertexMock({ tokenLifetimeSec: 60 });
    const source = createTokenSource(toSa(mock.makeServiceAccount()), { http, now });
    const first = await source.getToken();
    clock += 20_000;
    expect(await source.getToken()).toBe(first);
    clock += 15_000;
    expect(await source.getToken()).not.toBe(first);
    expect(mock.tokenRequests()).toBe(2);
  });

  it('fetches one token for ten concurrent first requests', async () => {
    const source = createTokenSource(toSa(mock.makeServiceAccount()), { http, now });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => source.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(mock.tokenRequests()).toBe(1);
  });

  it('shares tokens between sources of the same credential through a shared cache', async () => {
    const cache = new TokenCache();
    const sa = toSa(mock.makeServiceAccount());
    const a = createTokenSource(sa, { http, now, cache });
    const b = createTokenSource({ ...sa }, { http, now, cache });
    const [ta, tb] = await Promise.all([a.getToken(), b.getToken()]);
    expect(ta).toBe(tb);
    expect(mock.tokenRequests()).toBe(1);
  });

  it('never gives a replaced key the old key’s token', async () => {
    const cache = new TokenCache();
    const oldKey = mock.makeServiceAccount({ clientEmail: 'same@keybridge-test.iam.gserviceaccount.com' });
    const oldToken = await createTokenSource(toSa(oldKey), { http, now, cache }).getToken();
    const newKey = mock.makeServiceAccount({ clientEmail: 'same@keybridge-test.iam.gserviceaccount.com' });
    const newSource = createTokenSource(toSa(newKey), { http, now, cache });
    const newToken = await newSource.getToken();
    expect(newToken).not.toBe(oldToken);
    expect(mock.tokenRequests()).toBe(2);
  });

  it('fetches again after invalidate (Google rejected the token)', async () => {
    const source = createTokenSource(toSa(mock.makeServiceAccount()), { http, now });
    const first = await source.getToken();
    source.invalidate();
    expect(await source.getToken()).not.toBe(first);
  });

  it('sends the JWT the token endpoint expects (RS256, cloud-platform scope, aud = token_uri)', async () => {
    const source = createTokenSource(toSa(mock.makeServiceAccount()), { http, now });
    await source.getToken();
    const req = mock.seen.find((s) => s.url === '/token');
    const assertion = new URLSearchParams(req?.body).get('assertion') ?? '';
    const claims = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims.aud).toBe(mock.tokenUrl);
    expect(claims.scope).toBe('https://www.googleapis.com/auth/cloud-platform');
    expect(claims.iss).toMatch(/@keybridge-test\.iam\.gserviceaccount\.com$/);
  });

  it('explains a key Google does not recognise (deleted key, wrong signature)', async () => {
    const stranger = toSa(mock.makeServiceAccount());
    const impostor = { ...stranger, privateKey: toSa(mock.makeServiceAccount()).privateKey };
    const err = await rejection(createTokenSource(impostor, { http, now }).getToken());
    expect(err.kind).toBe('authentication');
    expect(err.message).toMatch(/refused the service-account key/);
    expect(err.message).toMatch(/Invalid JWT Signature/);
    expect(err.hint).toMatch(/create a new JSON key/);
  });

  it('explains a wrong computer clock', async () => {
    mock.setNextTokenError({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description:
          'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      },
    });
    const err = await rejection(createTokenSource(toSa(mock.makeServiceAccount()), { http, now }).getToken());
    expect(err.message).toMatch(/clock/);
    expect(err.hint).toMatch(/date, time and time zone/);
  });

  it('does not cache a failure: the next call tries again', async () => {
    const source = createTokenSource(toSa(mock.makeServiceAccount()), { http, now });
    mock.setNextTokenError({
      status: 503,
      body: { error: 'internal_failure', error_description: 'Backend Error' },
    });
    const err = await rejection(source.getToken());
    expect(err.kind).toBe('upstream');
    expect(err.retryable).toBe(true);
    expect(await source.getToken()).toMatch(/^ya29\./);
  });

  it('fails clearly when the token endpoint is down', async () => {
    const sa = toSa(mock.makeServiceAccount());
    await mock.close();
    const err = await rejection(createTokenSource(sa, { http, now }).getToken());
    expect(err.message).toMatch(/Could not reach Google's sign-in service: .*refused the connection/);
    expect(err.hint).toMatch(/internet connection/);
  });

  it('gives up on a token endpoint that never answers', async () => {
    mock.setTokenHang(true);
    const source = createTokenSource(toSa(mock.makeServiceAccount()), { http, now, timeoutMs: 300 });
    const waiters = Array.from({ length: 3 }, () => rejection(source.getToken()));
    const errs = await Promise.all(waiters);
    for (const e of errs) {
      expect(e.kind).toBe('timeout');
      expect(e.message).toMatch(/did not answer within/);
    }
    expect(mock.tokenRequests()).toBe(1);
  });

  it('lets a caller stop waiting without cancelling the shared fetch', async () => {
    const source = createTokenSource(toSa(mock.makeServiceAccount()), { http, now });
    const ctl = new AbortController();
    const abandoned = source.getToken(ctl.signal);
    const kept = source.getToken();
    ctl.abort(new Error('client went away'));
    await expect(abandoned).rejects.toThrow('client went away');
    expect(await kept).toMatch(/^ya29\./);
    expect(mock.tokenRequests()).toBe(1);
  });
});

describe('Vertex token source transport', () => {
  let server: Server;
  let url: string;
  const bodies: string[] = [];

  beforeEach(async () => {
    server = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => {
        b += c;
      });
      req.on('end', () => {
        bodies.push(b);
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>proxy login page</html>');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
  });
  afterEach(async () => {
    await new Promise<void>((ok) => server.close(() => ok()));
  });

  it('posts to a custom token_uri (other universes, gateways) and reports an unreadable answer', async () => {
    const { makeTestServiceAccount } = await import('../../../upstreams/vertex-mock.js');
    const sa = toSa(makeTestServiceAccount({ tokenUri: url, universeDomain: 'example-universe.goog' }));
    expect(sa.universeDomain).toBe('example-universe.goog');
    const http = createUndiciHttpClient();
    try {
      const err = await rejection(createTokenSource(sa, { http, now: Date.now }).getToken());
      expect(err.message).toMatch(/unreadable answer/);
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toMatch(
        /grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=/,
      );
    } finally {
      await http.close();
    }
  });
});

// A Vertex sign-in that fails carries catalog codes, so the window (the account test, the live
// log) can say it in Chinese.
describe('Vertex sign-in failures as catalog codes', () => {
  let mock: VertexMock;
  const http = createUndiciHttpClient();
  const now = () => 1_800_000_000_000;

  beforeEach(async () => {
    mock = await startVertexMock({ tokenLifetimeSec: 3600 });
  });
  afterEach(async () => {
    await mock.close().catch(() => undefined);
  });

  it('a sign-in service that cannot be reached', async () => {
    const sa = toSa(mock.makeServiceAccount());
    await mock.close();
    const err = await rejection(createTokenSource(sa, { http, now }).getToken());
    expect(err.messageRef?.code).toBe('vertexSignInUnreachable');
    expect(String(err.messageRef?.params?.detail)).toMatch(/refused the connection/);
    expect(err.hintRef).toEqual({ code: 'netCheckHint' });
  });

  it('a sign-in service that never answers', async () => {
    mock.setTokenHang(true);
    const source = createTokenSource(toSa(mock.makeServiceAccount()), { http, now, timeoutMs: 300 });
    const err = await rejection(source.getToken());
    expect(err.messageRef?.code).toBe('vertexSignInTimeout');
    expect(err.messageRef?.params?.seconds).toBe(0);
    expect(err.hintRef).toEqual({ code: 'netCheckHint' });
  });
});
