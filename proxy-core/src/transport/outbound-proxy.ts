import { isIP, type Socket } from 'node:net';
import { rootCertificates, connect as tlsConnect } from 'node:tls';
import { Agent, type Dispatcher, EnvHttpProxyAgent, Pool, ProxyAgent } from 'undici';
import { ProxyError } from '../canonical/errors.js';
import { proxyMsg } from '../messages.js';
import {
  describeCertificateFailure,
  describeProxy,
  describeProxyFailure,
  errorCode,
  type ProxyDescription,
  redactProxyUrl,
} from './outbound-proxy-errors.js';

export {
  describeCertificateFailure,
  describeProxyFailure,
  type ProxyDescription,
  redactProxyUrl,
} from './outbound-proxy-errors.js';

/**
 * Undici dispatchers for upstream traffic: direct (keep-alive Agent), an HTTP/HTTPS proxy via
 * CONNECT (credentials in the URL become Proxy-Authorization), SOCKS5 (optional user/password,
 * host names resolved by the proxy), or the environment's HTTPS_PROXY/HTTP_PROXY/NO_PROXY.
 *
 * Connection failures caused by the proxy come out as ProxyErrors that say so in plain words
 * ("the proxy refused the connection", "the proxy rejected the user name or password"), and
 * never contain the proxy's credentials.
 */

/** Global setting (config `outboundProxy`): none, from the environment, or a proxy URL. */
export type OutboundProxySetting = 'none' | 'env' | string;
/** Per-account setting (account `proxy`): none, the global one, or a proxy URL. */
export type AccountProxySetting = 'none' | 'inherit' | string;

export interface OutboundTimeouts {
  /** TCP/TLS connect, including the proxy handshake. */
  connectMs: number;
}

export interface OutboundDispatcherOptions {
  /** Environment for `env` mode (default process.env). */
  env?: Record<string, string | undefined>;
  /** Idle keep-alive of pooled connections. Default 30 s. */
  keepAliveTimeoutMs?: number;
  /**
   * Extra CA certificates (PEM) to trust for upstream and proxy TLS, on top of the usual ones —
   * for networks whose proxy inspects TLS with its own certificate authority.
   */
  extraCaCerts?: string[];
}

/** The setting that applies to an account: its own, or the global one for "inherit". */
export function resolveProxySetting(
  account: AccountProxySetting | undefined,
  global: OutboundProxySetting,
): OutboundProxySetting {
  if (account === undefined || account === 'inherit') return global;
  return account;
}

/** A short description of a setting for the UI and logs (no credentials). */
export function describeProxySetting(setting: OutboundProxySetting): string {
  if (setting === 'none') return 'direct connection';
  if (setting === 'env') return 'proxy from HTTPS_PROXY/HTTP_PROXY (if set)';
  const kind = /^socks/i.test(setting) ? 'SOCKS5 proxy' : 'HTTP proxy';
  return `${kind} ${redactProxyUrl(setting)}`;
}

/** A handler that passes everything through, but rewrites errors with `map`. */
function mapHandlerErrors(
  handler: Dispatcher.DispatchHandler,
  map: (err: Error, responseStarted: boolean) => Error,
): Dispatcher.DispatchHandler {
  let started = false;
  return {
    onRequestStart: (c, ctx) => handler.onRequestStart?.(c, ctx),
    onRequestUpgrade: (c, s, h, sock) => handler.onRequestUpgrade?.(c, s, h, sock),
    onResponseStart: (c, s, h, m) => {
      started = true;
      return handler.onResponseStart?.(c, s, h, m);
    },
    onResponseData: (c, chunk) => handler.onResponseData?.(c, chunk),
    onResponseEnd: (c, t) => handler.onResponseEnd?.(c, t),
    onResponseError: (c, err) => handler.onResponseError?.(c, map(err, started)),
  };
}

/** Errors raised before a response started get named: the proxy, or an untrusted certificate. */
function withProxyErrors(
  dispatcher: Dispatcher,
  proxyFor: (origin: string) => ProxyDescription | undefined,
): Dispatcher {
  return dispatcher.compose((dispatch) => (opts, handler) => {
    const origin = String(opts.origin ?? '');
    return dispatch(
      opts,
      mapHandlerErrors(handler, (err, started) => {
        if (started) return err;
        const proxy = proxyFor(origin);
        return (
          describeCertificateFailure(err, origin) ??
          (proxy ? describeProxyFailure(err, proxy) : undefined) ??
          err
        );
      }),
    );
  });
}

/**
 * The client that talks to an HTTP proxy. A proxy that accepts the connection but never answers
 * the CONNECT fails within the connect timeout, and is reported as a connect timeout (not as the
 * upstream being slow).
 */
function proxyClientFactory(connectMs: number) {
  return (origin: URL, options: object): Dispatcher =>
    new Pool(origin, { ...(options as Pool.Options), headersTimeout: connectMs }).compose(
      (dispatch) => (opts, handler) =>
        dispatch(
          opts,
          mapHandlerErrors(handler, (err) =>
            errorCode(err) === 'UND_ERR_HEADERS_TIMEOUT'
              ? Object.assign(new Error('The proxy did not answer the CONNECT in time'), {
                  code: 'UND_ERR_CONNECT_TIMEOUT',
                })
              : err,
          ),
        ),
    );
}

function socksAgent(
  proxyUrl: string,
  timeouts: OutboundTimeouts,
  keepAliveTimeoutMs: number,
  ca: string[] | undefined,
): Agent {
  const u = new URL(proxyUrl);
  const proxy = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || 1080),
    type: 5 as const,
    userId: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
  return new Agent({
    keepAliveTimeout: keepAliveTimeoutMs,
    connect: (opts, callback) => {
      const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
      const host = opts.hostname;
      let done = false;
      /** The socket being set up, destroyed if the whole connect times out. */
      let pending: Socket | undefined;
      const finish = (err: Error | null, socket?: Socket) => {
        if (done) {
          socket?.destroy();
          return;
        }
        done = true;
        clearTimeout(timer);
        if (err) {
          pending?.destroy();
          callback(err, null);
        } else callback(null, socket as Socket);
      };
      // One deadline for the proxy handshake and the TLS handshake behind it.
      const timer = setTimeout(() => {
        const err = Object.assign(new Error('Proxy connection timed out'), {
          code: 'UND_ERR_CONNECT_TIMEOUT',
        });
        finish(err);
      }, timeouts.connectMs);
      // `socks` loads on the first SOCKS connection (nothing to pay without a SOCKS proxy).
      import('socks')
        .then(({ SocksClient }) =>
          SocksClient.createConnection({
            proxy,
            command: 'connect',
            destination: { host, port },
            timeout: timeouts.connectMs,
          }),
        )
        .then(
          ({ socket }) => {
            if (done) {
              socket.destroy();
              return;
            }
            if (opts.protocol !== 'https:') {
              finish(null, socket);
              return;
            }
            pending = socket;
            const servername = opts.servername || host;
            const tlsSocket = tlsConnect({
              socket,
              host,
              // SNI may not carry an IP address (RFC 6066).
              ...(isIP(servername) ? {} : { servername }),
              ALPNProtocols: ['http/1.1'],
              ...(ca ? { ca } : {}),
            });
            tlsSocket.once('secureConnect', () => finish(null, tlsSocket));
            tlsSocket.once('error', (err) => {
              socket.destroy();
              finish(err);
            });
          },
          (err: Error) => finish(err),
        );
    },
  });
}

function parseProxyUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ProxyError(
      'invalid_request',
      `The outbound proxy "${redactProxyUrl(url)}" is not a valid URL`,
      {
        hint: 'Use http://host:port, https://host:port or socks5://host:port (with user:password@ if needed).',
        messageRef: proxyMsg('proxyUrlInvalid', { url: redactProxyUrl(url) }),
        hintRef: proxyMsg('proxyUrlInvalidHint'),
      },
    );
  }
  if (!/^(https?|socks5h?|socks):$/i.test(u.protocol)) {
    throw new ProxyError(
      'invalid_request',
      `Unsupported proxy type "${u.protocol}" in the outbound proxy setting`,
      {
        hint: 'Use an http://, https:// or socks5:// proxy URL.',
        messageRef: proxyMsg('proxyTypeUnsupported', { protocol: u.protocol }),
        hintRef: proxyMsg('proxyTypeHint'),
      },
    );
  }
  return u;
}

/**
 * One dispatcher for an account's upstream traffic, from the resolved proxy setting.
 * Close it when the account goes away (`dispatcher.close()`).
 */
export function createOutboundDispatcher(
  setting: OutboundProxySetting,
  timeouts: OutboundTimeouts,
  opts: OutboundDispatcherOptions = {},
): Dispatcher {
  const keepAliveTimeout = opts.keepAliveTimeoutMs ?? 30_000;
  // Node's `ca` replaces the default roots: add the extra ones to them.
  const ca = opts.extraCaCerts?.length ? [...rootCertificates, ...opts.extraCaCerts] : undefined;
  const tls = ca ? { ca } : {};
  const connect = { timeout: timeouts.connectMs, ...tls };
  const clientFactory = proxyClientFactory(timeouts.connectMs);
  const direct = () => withProxyErrors(new Agent({ keepAliveTimeout, connect }), () => undefined);
  // What every proxied connection shares; connectTimeout is the proxy connection's own timeout
  // (read by undici, missing from its types).
  const proxied = {
    keepAliveTimeout,
    connect,
    requestTls: tls,
    proxyTls: tls,
    clientFactory,
    connectTimeout: timeouts.connectMs,
    proxyTunnel: true,
  };
  if (setting === 'none') return direct();
  if (setting === 'env') {
    const env = opts.env ?? process.env;
    const httpProxy = env.http_proxy ?? env.HTTP_PROXY ?? '';
    // Without HTTPS_PROXY, https traffic goes through HTTP_PROXY (as undici does).
    const httpsOnly = env.https_proxy ?? env.HTTPS_PROXY ?? '';
    const httpsProxy = httpsOnly || httpProxy;
    const noProxy = env.no_proxy ?? env.NO_PROXY ?? '';
    if (!httpProxy && !httpsProxy) return direct();
    for (const p of [httpProxy, httpsProxy]) if (p) parseProxyUrl(p);
    const envOpts: EnvHttpProxyAgent.Options & {
      connectTimeout?: number;
      proxyTunnel?: boolean;
      clientFactory?: ProxyAgent.Options['clientFactory'];
    } = {
      // Empty strings, not undefined: undici would otherwise read process.env itself.
      httpProxy,
      httpsProxy: httpsOnly,
      noProxy,
      ...proxied,
    };
    const agent = new EnvHttpProxyAgent(envOpts);
    const noProxyHosts = noProxy
      .split(/[,\s]+/)
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    return withProxyErrors(agent, (origin) => {
      try {
        const u = new URL(origin);
        const host = u.hostname.toLowerCase();
        if (
          noProxyHosts.some(
            (h) => h === '*' || host === h.replace(/^\./, '') || host.endsWith(`.${h.replace(/^\./, '')}`),
          )
        ) {
          return undefined;
        }
        const p = u.protocol === 'https:' ? httpsProxy : httpProxy;
        return p ? describeProxy(p) : undefined;
      } catch {
        return undefined;
      }
    });
  }

  const url = parseProxyUrl(setting);
  const proxy = describeProxy(setting);
  if (proxy.kind === 'socks') {
    return withProxyErrors(socksAgent(setting, timeouts, keepAliveTimeout, ca), () => proxy);
  }
  const proxyOpts: ProxyAgent.Options & { connectTimeout?: number } = {
    uri: url.href,
    ...proxied,
  };
  const agent = new ProxyAgent(proxyOpts);
  return withProxyErrors(agent, () => proxy);
}
