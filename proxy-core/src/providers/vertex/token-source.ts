import { createHash } from 'node:crypto';
import type { gaxios as GaxiosNs } from 'google-auth-library';

type GoogleAuthModule = typeof import('google-auth-library');

import { ProxyError } from '../../canonical/errors.js';
import { proxyMsg } from '../../messages.js';
import type { HttpClient } from '../../transport/http-client.js';
import { readBodyText } from '../../transport/undici-http-client.js';
import { mapTokenError } from './map-error.js';
import type { ServiceAccount } from './service-account.js';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** The URL google-auth-library always posts to; our transporter redirects it to the key's token_uri. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export interface AccessToken {
  token: string;
  /** Epoch ms (on the injected clock) when Google says the token expires. */
  expiresAt: number;
  /** Epoch ms when it was obtained. */
  obtainedAt: number;
}

interface CacheEntry {
  token?: AccessToken;
  inflight?: Promise<AccessToken>;
}

/**
 * Access tokens by credential. Keyed by the credential's fingerprint (client email + private
 * key), so a replaced key never gets the old key's token. Share one cache across provider
 * instances to keep tokens over config reloads.
 */
export class TokenCache {
  private readonly entries = new Map<string, CacheEntry>();

  entry(fingerprint: string): CacheEntry {
    let e = this.entries.get(fingerprint);
    if (!e) {
      e = {};
      this.entries.set(fingerprint, e);
    }
    return e;
  }

  delete(fingerprint: string): void {
    this.entries.delete(fingerprint);
  }
}

/** A stable, non-secret id for a credential: SHA-256 of the email and the private key. */
export function credentialFingerprint(sa: Pick<ServiceAccount, 'clientEmail' | 'privateKey'>): string {
  return createHash('sha256')
    .update(sa.clientEmail)
    .update('\0')
    .update(sa.privateKey)
    .digest('hex')
    .slice(0, 32);
}

export interface TokenSourceOptions {
  http: HttpClient;
  now: () => number;
  cache?: TokenCache;
  /** Longest wait for the token endpoint (whole request). Default 20 s. */
  timeoutMs?: number;
  /** Refresh this long before expiry (capped at half the token's lifetime). Default 5 min. */
  refreshMarginMs?: number;
}

export interface TokenSource {
  readonly fingerprint: string;
  /** A valid access token: cached, or fetched once for all concurrent callers. */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Forgets the cached token (after Google rejected it). */
  invalidate(): void;
}

type TokenResponse = { access_token?: unknown; expires_in?: unknown };

/**
 * google-auth-library's transport, replaced: the token request goes to the key's `token_uri`
 * through the account's HttpClient (its outbound proxy, its timeouts, test mocks), and a
 * refused sign-in becomes a ProxyError that says what to do.
 */
function createTokenTransporter(
  gaxios: GoogleAuthModule['gaxios'],
  sa: ServiceAccount,
  http: HttpClient,
  timeoutMs: number,
) {
  class TokenTransporter extends gaxios.Gaxios {
    lastResponse?: TokenResponse;

    override async request<T = unknown>(
      opts: GaxiosNs.GaxiosOptions = {},
    ): Promise<GaxiosNs.GaxiosResponse<T>> {
      const requested = String(opts.url ?? '');
      const url = requested === GOOGLE_TOKEN_URL || requested === '' ? sa.tokenUri : requested;
      const body = opts.data instanceof URLSearchParams ? opts.data.toString() : String(opts.data ?? '');
      const host = (() => {
        try {
          return new URL(url).host;
        } catch {
          return url;
        }
      })();
      const signal = AbortSignal.timeout(timeoutMs);
      let status: number;
      let text: string;
      try {
        const res = await http.send(
          {
            url,
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body,
          },
          { signal, headersTimeoutMs: timeoutMs },
        );
        status = res.status;
        text = await readBodyText(res.body, 256 * 1024);
      } catch (err) {
        if (signal.aborted) {
          throw new ProxyError(
            'timeout',
            `Google's sign-in service (${host}) did not answer within ${Math.round(timeoutMs / 1000)} s`,
            {
              hint: 'Check your internet connection, or set an outbound proxy if your network needs one.',
              retryable: true,
              cause: err,
              messageRef: proxyMsg('vertexSignInTimeout', { host, seconds: Math.round(timeoutMs / 1000) }),
              hintRef: proxyMsg('netCheckHint'),
            },
          );
        }
        if (err instanceof ProxyError) {
          throw new ProxyError(err.kind, `Could not reach Google's sign-in service: ${err.message}`, {
            status: err.status,
            hint: err.hint,
            retryable: err.retryable,
            cause: err,
            messageRef: proxyMsg('vertexSignInUnreachable', { detail: err.message }),
            hintRef: err.hintRef,
          });
        }
        throw err;
      }
      if (status >= 400) throw mapTokenError(status, text, sa.clientEmail);
      let data: TokenResponse;
      try {
        data = JSON.parse(text) as TokenResponse;
      } catch {
        throw new ProxyError('upstream', `Google's sign-in service (${host}) sent an unreadable answer`, {
          hint: 'If you use a proxy or gateway, check that it passes requests to Google unchanged.',
          retryable: true,
          messageRef: proxyMsg('vertexSignInUnreadable', { host }),
          hintRef: proxyMsg('vertexSignInGatewayHint'),
        });
      }
      if (typeof data.access_token !== 'string' || data.access_token === '') {
        throw new ProxyError('upstream', `Google's sign-in service (${host}) sent no access token`, {
          hint: 'Try again; if it keeps happening, create a new JSON key.',
          retryable: true,
          messageRef: proxyMsg('vertexSignInNoToken', { host }),
          hintRef: proxyMsg('vertexSignInNoTokenHint'),
        });
      }
      this.lastResponse = data;
      const response = Object.assign(new Response(null, { status }), { config: opts, data });
      return response as unknown as GaxiosNs.GaxiosResponse<T>;
    }
  }
  return new TokenTransporter();
}

/** Signs the JWT with google-auth-library and exchanges it at the key's token_uri. */
async function fetchAccessToken(
  sa: ServiceAccount,
  opts: Required<Pick<TokenSourceOptions, 'http' | 'now' | 'timeoutMs'>>,
): Promise<AccessToken> {
  // Loaded on the first sign-in, so users without a Vertex account never load it.
  const { gaxios, JWT } = await import('google-auth-library');
  const transporter = createTokenTransporter(gaxios, sa, opts.http, opts.timeoutMs);
  const client = new JWT({
    email: sa.clientEmail,
    key: sa.privateKey,
    keyId: sa.privateKeyId,
    scopes: [CLOUD_PLATFORM_SCOPE],
    // The library signs `aud: https://oauth2.googleapis.com/token`; the audience must be the
    // endpoint the assertion is posted to, so name the key's own token_uri.
    additionalClaims: { aud: sa.tokenUri },
    transporter,
    universeDomain: sa.universeDomain,
  });
  const obtainedAt = opts.now();
  try {
    await client.authorize();
  } catch (err) {
    if (err instanceof ProxyError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new ProxyError('authentication', `Could not sign in with the service-account key: ${detail}`, {
      hint: 'Create a new JSON key for the service account and paste it again.',
      cause: err,
      messageRef: proxyMsg('vertexSignInKeyFailed', { detail }),
      hintRef: proxyMsg('vertexNewKeyHint'),
    });
  }
  const data = transporter.lastResponse;
  const token = data?.access_token;
  if (typeof token !== 'string') {
    throw new ProxyError('internal', 'Signing in produced no access token');
  }
  const expiresIn = typeof data?.expires_in === 'number' && data.expires_in > 0 ? data.expires_in : 3600;
  return { token, obtainedAt, expiresAt: obtainedAt + expiresIn * 1000 };
}

function waitOrAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** An access-token source for one service account, with caching and single-flight refresh. */
export function createTokenSource(sa: ServiceAccount, opts: TokenSourceOptions): TokenSource {
  const cache = opts.cache ?? new TokenCache();
  const fingerprint = credentialFingerprint(sa);
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const marginMs = opts.refreshMarginMs ?? 5 * 60_000;

  const fresh = (t: AccessToken): boolean => {
    const margin = Math.min(marginMs, (t.expiresAt - t.obtainedAt) / 2);
    return opts.now() < t.expiresAt - margin;
  };

  return {
    fingerprint,
    getToken(signal) {
      const entry = cache.entry(fingerprint);
      if (entry.token && fresh(entry.token)) return Promise.resolve(entry.token.token);
      if (!entry.inflight) {
        const inflight = fetchAccessToken(sa, { http: opts.http, now: opts.now, timeoutMs }).then(
          (t) => {
            if (entry.inflight === inflight) {
              entry.token = t;
              entry.inflight = undefined;
            }
            return t;
          },
          (err: unknown) => {
            if (entry.inflight === inflight) entry.inflight = undefined;
            throw err;
          },
        );
        entry.inflight = inflight;
      }
      return waitOrAbort(
        entry.inflight.then((t) => t.token),
        signal,
      );
    },
    invalidate() {
      const entry = cache.entry(fingerprint);
      entry.token = undefined;
    },
  };
}
