import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProxyError } from '../../../../proxy-core/src/canonical/errors.js';
import {
  parseServiceAccount,
  type ServiceAccount,
} from '../../../../proxy-core/src/providers/vertex/service-account.js';
import { createTokenSource } from '../../../../proxy-core/src/providers/vertex/token-source.js';
import { createUndiciHttpClient } from '../../../../proxy-core/src/transport/undici-http-client.js';
import { startVertexMock, type TestServiceAccount, type VertexMock } from '../../../upstreams/vertex-mock.js';

// A Vertex sign-in that fails carries catalog codes, so the window (the account test, the live
// log) can say it in Chinese.

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
