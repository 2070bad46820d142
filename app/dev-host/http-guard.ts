/**
 * The dev host's gate: loopback Host header only (blocks DNS rebinding; the rule is proxy-core's
 * isLoopbackHostHeader), a random startup token (query `?token=` once, then an HttpOnly cookie, compared
 * with proxy-core's safeEqual), and only the UI's own origin (exact scheme,
 * host and port) for the WebSocket — another local port is the same *site*, so the cookie would
 * go along with its requests.
 */
import type { IncomingMessage } from 'node:http';
import { TOKEN_PARAM } from '../contract/ws-protocol.js';

export const TOKEN_COOKIE = 'keybridge_token';

/** The UI's own origins: http on each loopback name at exactly `port`, plus any `extra` ones. */
export function uiOrigins(port: number, extra: readonly string[] = []): Set<string> {
  const own = ['127.0.0.1', 'localhost', '[::1]'].map((h) => `http://${h}:${port}`);
  return new Set([...own, ...extra].map((o) => normalOrigin(o)).filter((o): o is string => o !== null));
}

function normalOrigin(origin: string): string | null {
  try {
    const u = new URL(origin);
    return u.origin === 'null' ? null : u.origin.toLowerCase();
  } catch {
    return null;
  }
}

/** True when an Origin header is absent (not a browser) or exactly one of `allowed`. */
export function isUiOrigin(origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  const o = normalOrigin(origin);
  return o !== null && allowed.has(o);
}

/**
 * True when a browser says the request comes from another site or another origin of this one
 * (`Sec-Fetch-Site`): only the UI's own pages (same-origin) and typed/opened links (none) pass.
 */
export function isForeignFetch(secFetchSite: string | string[] | undefined): boolean {
  if (secFetchSite === undefined) return false;
  const v = String(secFetchSite).trim().toLowerCase();
  return v !== 'same-origin' && v !== 'none';
}

/** The path of a request target, percent-decoded; null when its escapes are malformed. */
export function decodedPath(target: string | undefined): string | null {
  try {
    return decodeURIComponent(new URL(target ?? '/', 'http://127.0.0.1').pathname);
  } catch {
    return null;
  }
}

/** The token a request presents: from the URL, else from the cookie. */
export function presentedToken(req: IncomingMessage): { token: string | null; fromQuery: boolean } {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const q = url.searchParams.get(TOKEN_PARAM);
  if (q) return { token: q, fromQuery: true };
  const cookie = req.headers.cookie ?? '';
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return { token: decodeURIComponent(v.join('=')), fromQuery: false };
  }
  return { token: null, fromQuery: false };
}
