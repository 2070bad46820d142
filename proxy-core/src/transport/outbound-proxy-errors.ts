/**
 * Connection failures of upstream traffic, in plain words: caused by the outbound proxy ("the
 * proxy refused the connection", "rejected the user name or password"), or an untrusted
 * certificate. Never with the proxy's credentials.
 */
import { ProxyError } from '../canonical/errors.js';
import { proxyMsg } from '../messages.js';

/** A proxy URL safe for logs and messages: user name and password replaced by `***`. */
export function redactProxyUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = u.password ? '***' : '';
    }
    return u.href.replace(/\/$/, '');
  } catch {
    return '(invalid proxy URL)';
  }
}

type ProxyKind = 'http' | 'socks';

export interface ProxyDescription {
  kind: ProxyKind;
  /** host:port of the proxy, for messages. */
  where: string;
  /** Redacted URL, for messages. */
  display: string;
}

export function describeProxy(url: string): ProxyDescription {
  const u = new URL(url);
  const socks = /^socks/i.test(u.protocol);
  const port = u.port || (socks ? '1080' : u.protocol === 'https:' ? '443' : '80');
  return { kind: socks ? 'socks' : 'http', where: `${u.hostname}:${port}`, display: redactProxyUrl(url) };
}

export function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  if (typeof code === 'string') return code;
  // The socks package puts the system error code only in its message ("connect ECONNREFUSED …").
  const message = err instanceof Error ? err.message : '';
  return /\b(E[A-Z]{4,}|UND_ERR_[A-Z_]+)\b/.exec(message)?.[1];
}

/**
 * A copy of the error with only its message and code: some proxy errors (the socks package's)
 * carry the proxy credentials in their properties, and causes end up in logs.
 */
function safeCause(err: unknown): Error {
  const copy = new Error(err instanceof Error ? err.message : String(err));
  const code = errorCode(err);
  if (code !== undefined) Object.assign(copy, { code });
  return copy;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

const PROXY_HINT =
  'Check the proxy address and that the proxy is running, or turn the proxy off in the settings.';

/** Proxy-side failure for an error raised while connecting through `proxy`, else undefined. */
export function describeProxyFailure(raw: unknown, proxy: ProxyDescription): ProxyError | undefined {
  if (raw instanceof ProxyError) return raw;
  const err = safeCause(raw);
  const message = err.message;
  const code = errorCode(err);
  const socks = proxy.kind === 'socks';
  const name = socks ? 'SOCKS5 proxy' : 'proxy';

  const tunnel = /Proxy response \((\d{3})\)/.exec(message);
  if (/407/.test(message) && (tunnel || /Proxy Authentication Required/i.test(message))) {
    return new ProxyError('upstream', `The proxy ${proxy.where} rejected the user name or password (407)`, {
      status: 502,
      hint: 'Check the proxy user name and password in the proxy URL (http://user:password@host:port).',
      code: 'proxy_auth_failed',
      cause: err,
      messageRef: proxyMsg('proxyAuthRejected', { where: proxy.where }),
      hintRef: proxyMsg('proxyAuthRejectedHint'),
    });
  }
  if (tunnel) {
    return new ProxyError(
      'upstream',
      `The proxy ${proxy.where} would not open a connection to the service (it answered ${tunnel[1]})`,
      {
        status: 502,
        hint: 'The proxy may block this address; ask whoever runs it, or try without the proxy.',
        code: 'proxy_tunnel_failed',
        retryable: true,
        cause: err,
        messageRef: proxyMsg('proxyTunnelRefused', { where: proxy.where, status: tunnel[1]! }),
        hintRef: proxyMsg('proxyTunnelRefusedHint'),
      },
    );
  }
  if (proxy.kind === 'socks' && /authentication/i.test(message)) {
    return new ProxyError('upstream', `The SOCKS5 proxy ${proxy.where} rejected the user name or password`, {
      status: 502,
      hint: 'Check the user name and password in the proxy URL (socks5://user:password@host:port).',
      code: 'proxy_auth_failed',
      cause: err,
      messageRef: proxyMsg('socksAuthRejected', { where: proxy.where }),
      hintRef: proxyMsg('socksAuthRejectedHint'),
    });
  }
  if (proxy.kind === 'socks' && /rejected connection|Socks5 proxy rejected/i.test(message)) {
    const detail = /rejected connection - (\w+)/.exec(message)?.[1];
    return new ProxyError(
      'upstream',
      `The SOCKS5 proxy ${proxy.where} could not connect to the service${detail ? ` (${detail})` : ''}`,
      {
        status: 502,
        hint: 'The proxy may block this address or be offline from the internet; try without the proxy.',
        code: 'proxy_tunnel_failed',
        retryable: true,
        cause: err,
        messageRef: detail
          ? proxyMsg('socksConnectFailedDetail', { where: proxy.where, detail })
          : proxyMsg('socksConnectFailed', { where: proxy.where }),
        hintRef: proxyMsg('socksConnectFailedHint'),
      },
    );
  }
  if (code === 'ECONNREFUSED') {
    return new ProxyError('upstream', `The ${name} at ${proxy.where} refused the connection`, {
      status: 502,
      hint: PROXY_HINT,
      code: 'proxy_unreachable',
      retryable: true,
      cause: err,
      messageRef: proxyMsg(socks ? 'socksRefused' : 'proxyRefused', { where: proxy.where }),
      hintRef: proxyMsg('proxyCheckHint'),
    });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' || /timed out/i.test(message)) {
    return new ProxyError('timeout', `Could not connect through the ${name} at ${proxy.where} in time`, {
      hint: PROXY_HINT,
      code: 'proxy_timeout',
      retryable: true,
      cause: err,
      messageRef: proxyMsg(socks ? 'socksTimeout' : 'proxyTimeout', { where: proxy.where }),
      hintRef: proxyMsg('proxyCheckHint'),
    });
  }
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    return new ProxyError('upstream', `Could not reach the ${name} at ${proxy.where} (${code})`, {
      status: 502,
      hint: PROXY_HINT,
      code: 'proxy_unreachable',
      retryable: true,
      cause: err,
      messageRef: proxyMsg(socks ? 'socksUnreachable' : 'proxyUnreachable', { where: proxy.where, code }),
      hintRef: proxyMsg('proxyCheckHint'),
    });
  }
  if (proxy.kind === 'socks' && /socks/i.test(message)) {
    return new ProxyError('upstream', `The SOCKS5 proxy ${proxy.where} failed: ${message}`, {
      status: 502,
      hint: PROXY_HINT,
      code: 'proxy_failed',
      retryable: true,
      cause: err,
      messageRef: proxyMsg('socksFailed', { where: proxy.where, detail: message }),
      hintRef: proxyMsg('proxyCheckHint'),
    });
  }
  return undefined;
}

const CERT_CODES =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|ERR_TLS_CERT_ALTNAME_INVALID)/;

/** An untrusted upstream certificate, in words (often a network that inspects TLS). */
export function describeCertificateFailure(err: unknown, origin: string): ProxyError | undefined {
  const code = errorCode(err);
  if (code === undefined || !CERT_CODES.test(code)) return undefined;
  let host = origin;
  try {
    host = new URL(origin).host;
  } catch {
    // keep the origin as given
  }
  return new ProxyError('upstream', `The security certificate of ${host} is not trusted (${code})`, {
    status: 502,
    code: 'untrusted_certificate',
    hint: 'If your company or school network inspects encrypted traffic, add its CA certificate in the proxy settings; otherwise check the address you entered.',
    cause: safeCause(err),
    messageRef: proxyMsg('certUntrusted', { host, code }),
    hintRef: proxyMsg('certUntrustedHint'),
  });
}
