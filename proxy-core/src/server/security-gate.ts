import type { IncomingHttpHeaders } from 'node:http';
import { ProxyError } from '../canonical/errors.js';
import type { AccessKeyConfig, ServerConfig } from '../config/schema.js';
import { DROPPED_PARAMS_HEADER } from '../dialects/dropped-params.js';
import { proxyMsg } from '../messages.js';
import { hostWithoutPort, isLoopbackHostName } from '../security/loopback.js';
import { safeEqualBytes } from '../security/safe-equal.js';

export interface GateInput {
  method: string;
  headers: IncomingHttpHeaders;
  /** The request URL's query parameters. */
  query: URLSearchParams;
  /** The remote address of the socket. */
  remoteAddress: string | undefined;
}

export interface GateDecision {
  /** CORS headers to add to the response (only for allowed cross-origin callers). */
  corsHeaders: Record<string, string>;
  /** True for a CORS preflight that the gate has answered itself. */
  preflight: boolean;
  /** The access key (of `server.accessKeys`) the caller presented: its models and limits apply. */
  accessKey?: AccessKeyConfig;
}

export interface GateOptions {
  server: ServerConfig;
  /** Host names (without port) that may appear in the Host header besides the loopback ones. */
  extraHosts: ReadonlySet<string>;
}

/** The shortest access key accepted when other devices can reach the proxy. */
export const MIN_LAN_ACCESS_KEY_LENGTH = 16;

/** True when listening on `host` reaches only this computer (127.x, ::1, localhost). */
export function isLoopbackBindHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * True when the proxy is reachable from other devices: LAN mode, or any bind address that is not
 * the loopback (`--host 0.0.0.0`, `server.host: 192.168.1.5`, …) — whatever setting asked for it.
 */
export function isLanBind(server: Pick<ServerConfig, 'lan' | 'host'>): boolean {
  return server.lan || !isLoopbackBindHost(server.host);
}

/** Why a LAN bind may not start, or undefined when its access key is good enough. */
export function lanKeyProblem(server: Pick<ServerConfig, 'accessKey'>): string | undefined {
  const key = server.accessKey?.trim() ?? '';
  if (key.length >= MIN_LAN_ACCESS_KEY_LENGTH) return undefined;
  return key === ''
    ? 'it needs an access key (server.accessKey), and none is set'
    : `its access key (server.accessKey) is too short: use at least ${MIN_LAN_ACCESS_KEY_LENGTH} characters`;
}

export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}

/** Every key the caller presented: Bearer, x-api-key, x-goog-api-key, ?key=. */
export function presentedKeys(headers: IncomingHttpHeaders, query: URLSearchParams): string[] {
  const keys: string[] = [];
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m?.[1]) keys.push(m[1].trim());
  }
  for (const h of ['x-api-key', 'x-goog-api-key', 'api-key'] as const) {
    const v = headers[h];
    if (typeof v === 'string' && v !== '') keys.push(v.trim());
  }
  const q = query.get('key');
  if (q) keys.push(q.trim());
  return keys;
}

/** Who presented which key: the owner's key, one of `server.accessKeys`, or neither. */
interface Caller {
  owner: boolean;
  accessKey?: AccessKeyConfig;
}

/**
 * Matches every presented key against the owner's key and each access key, each compared in
 * constant time. The owner's key wins; otherwise the first access key that matches.
 */
export function identifyCaller(
  server: Pick<ServerConfig, 'accessKey' | 'accessKeys'>,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): Caller {
  const presented = presentedKeys(headers, query);
  if (presented.length === 0) return { owner: false };
  const expected = expectedKeys(server);
  let owner = false;
  let accessKey: AccessKeyConfig | undefined;
  for (const text of presented) {
    const k = Buffer.from(text, 'utf8');
    if (expected.owner && safeEqualBytes(k, expected.owner)) owner = true;
    for (const [i, entry] of expected.keys.entries())
      if (safeEqualBytes(k, entry) && !accessKey) accessKey = server.accessKeys?.[i];
  }
  return owner ? { owner } : { owner, accessKey };
}

/** The configured keys as bytes, made once per server config (they are compared on every request). */
const keyBytes = new WeakMap<object, { owner?: Buffer; keys: Buffer[] }>();
function expectedKeys(server: Pick<ServerConfig, 'accessKey' | 'accessKeys'>) {
  let k = keyBytes.get(server);
  if (!k) {
    k = {
      owner: server.accessKey ? Buffer.from(server.accessKey, 'utf8') : undefined,
      keys: (server.accessKeys ?? []).map((e) => Buffer.from(e.key, 'utf8')),
    };
    keyBytes.set(server, k);
  }
  return k;
}

function originAllowed(server: ServerConfig, origin: string): boolean {
  return server.allowedOrigins.some(
    (o) => o === '*' || o.replace(/\/+$/, '').toLowerCase() === origin.toLowerCase(),
  );
}

function corsFor(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    vary: 'Origin',
    'access-control-allow-credentials': 'true',
    // What a browser client may read: the request id, when to retry, and which parameters were not sent.
    'access-control-expose-headers': `x-request-id, retry-after, ${DROPPED_PARAMS_HEADER}`,
  };
}

/**
 * The security gate (DESIGN.md, Security model): Host must name this machine (blocks DNS
 * rebinding), browser origins need an allow-list entry or the access key, POST bodies must be
 * JSON, and the access key is checked in constant time where it is required.
 */
export function checkRequest(input: GateInput, opts: GateOptions): GateDecision {
  const { server } = opts;
  const host = typeof input.headers.host === 'string' ? hostWithoutPort(input.headers.host) : '';
  const hostOk = isLoopbackHostName(host) || opts.extraHosts.has(host);
  if (!hostOk) {
    throw new ProxyError('permission', `Host "${host || '(none)'}" is not allowed`, {
      hint: 'Connect through 127.0.0.1 or localhost. Other host names are refused to block DNS-rebinding attacks.',
      code: 'host_not_allowed',
      messageRef: proxyMsg('gateHostRefused', { host: host || '(none)' }),
      hintRef: proxyMsg('gateHostHint'),
    });
  }

  const origin = typeof input.headers.origin === 'string' ? input.headers.origin : undefined;
  const caller = identifyCaller(server, input.headers, input.query);
  const keyValid = caller.owner || caller.accessKey !== undefined;
  let corsHeaders: Record<string, string> = {};
  if (origin !== undefined && origin !== 'null' && !isSameOrigin(origin, input.headers.host)) {
    if (!originAllowed(server, origin) && !keyValid) {
      throw new ProxyError('permission', `Requests from the web page ${origin} are not allowed`, {
        hint: 'Add this origin under Settings → Allowed browser origins, or send the access key.',
        code: 'origin_not_allowed',
        messageRef: proxyMsg('gateOriginRefused', { origin }),
        hintRef: proxyMsg('gateOriginHint'),
      });
    }
    corsHeaders = corsFor(origin);
  } else if (origin === 'null') {
    if (!keyValid) {
      throw new ProxyError('permission', 'Requests from sandboxed or file:// pages are not allowed', {
        hint: 'Send the access key, or call the proxy from a regular program.',
        code: 'origin_not_allowed',
        messageRef: proxyMsg('gateSandboxRefused'),
        hintRef: proxyMsg('gateSandboxHint'),
      });
    }
  }

  // A browser that says the request comes from another web site is held to the same rule as a
  // foreign Origin, even when it sent none (a navigation, an <img>, a form).
  const site = input.headers['sec-fetch-site'];
  if (
    typeof site === 'string' &&
    site.trim().toLowerCase() === 'cross-site' &&
    !keyValid &&
    !(origin !== undefined && origin !== 'null' && originAllowed(server, origin))
  ) {
    throw new ProxyError('permission', 'Requests from another web site are not allowed', {
      hint: 'Add the site under Settings → Allowed browser origins, or send the access key.',
      code: 'origin_not_allowed',
      messageRef: proxyMsg('gateCrossSiteRefused'),
      hintRef: proxyMsg('gateSiteHint'),
    });
  }

  if (input.method === 'OPTIONS') {
    if (!origin) {
      throw new ProxyError('invalid_request', 'OPTIONS is only answered for CORS preflights', {
        messageRef: proxyMsg('gatePreflightOnly'),
      });
    }
    return {
      preflight: true,
      corsHeaders: {
        ...corsHeaders,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers':
          (input.headers['access-control-request-headers'] as string | undefined) ??
          'authorization, content-type, x-api-key, x-goog-api-key, anthropic-version, anthropic-beta',
        'access-control-max-age': '600',
      },
    };
  }

  // Who is calling is judged by the socket, never by headers a caller can forge (Host, Origin).
  const fromLoopback = isLoopbackAddress(input.remoteAddress);
  if (!fromLoopback && lanKeyProblem(server)) {
    throw new ProxyError('permission', 'This proxy does not accept calls from other devices', {
      hint: `Set an access key of at least ${MIN_LAN_ACCESS_KEY_LENGTH} characters in Keybridge to allow them.`,
      code: 'lan_access_key_missing',
      messageRef: proxyMsg('gateLanRefused'),
      hintRef: proxyMsg('gateLanHint', { length: MIN_LAN_ACCESS_KEY_LENGTH }),
    });
  }
  const keyRequired = server.requireAccessKey || !fromLoopback;
  if (keyRequired) {
    if (!server.accessKey && !server.accessKeys?.length) {
      throw new ProxyError('permission', 'This proxy requires an access key but none is configured', {
        hint: 'Set an access key in Settings (server.accessKey).',
        messageRef: proxyMsg('gateNoKeySet'),
        hintRef: proxyMsg('gateNoKeySetHint'),
      });
    }
    if (!keyValid) {
      const presented = presentedKeys(input.headers, input.query).length > 0;
      throw new ProxyError('authentication', presented ? 'Wrong access key' : 'Access key required', {
        hint: 'Copy the access key from Keybridge → Connect and paste it into your app’s API key field.',
        code: 'invalid_access_key',
        messageRef: proxyMsg(presented ? 'gateWrongKey' : 'gateKeyRequired'),
        hintRef: proxyMsg('gateKeyHint'),
      });
    }
  }

  if (input.method === 'POST') {
    const type = String(input.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (type !== 'application/json') {
      throw new ProxyError(
        'unsupported_media_type',
        `Content-Type must be application/json (got ${type || 'none'})`,
        {
          hint: 'Send the request body as JSON with Content-Type: application/json.',
          messageRef: proxyMsg('gateNotJson', { type: type || 'none' }),
          hintRef: proxyMsg('gateNotJsonHint'),
        },
      );
    }
  }
  return caller.accessKey
    ? { corsHeaders, preflight: false, accessKey: caller.accessKey }
    : { corsHeaders, preflight: false };
}

/** An Origin equal to the proxy's own URL (its own status page) is not cross-origin. */
function isSameOrigin(origin: string, host: string | string[] | undefined): boolean {
  if (typeof host !== 'string') return false;
  try {
    const u = new URL(origin);
    return u.host.toLowerCase() === host.toLowerCase() && isLoopbackHostName(hostWithoutPort(host));
  } catch {
    return false;
  }
}
