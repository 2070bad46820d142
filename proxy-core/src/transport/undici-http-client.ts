import { Agent, type Dispatcher, request, errors as undiciErrors } from 'undici';
import { ProxyError, UPSTREAM_CUT } from '../canonical/errors.js';
import { proxyMsg } from '../messages.js';
import type { HttpClient, SendOptions, UpstreamRequest, UpstreamResponse } from './http-client.js';

export interface UndiciClientOptions {
  /** A dispatcher to use (an outbound-proxy agent, say). Default: a keep-alive Agent. */
  dispatcher?: Dispatcher;
  connectTimeoutMs?: number;
  /** Time to response headers. */
  headersTimeoutMs?: number;
  /** Longest silence between body chunks. */
  bodyTimeoutMs?: number;
}

/** True for an error the network or the HTTP client raised (a reset, a timeout), not our code. */
export function isTransportError(err: unknown): boolean {
  if (err instanceof undiciErrors.UndiciError) return true;
  const code = (err as { code?: unknown })?.code ?? (err as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === 'string' && (code.startsWith('UND_ERR') || /^E[A-Z0-9_]+$/.test(code));
}

/** The three waits undici can give up on: for the answer to start, between chunks, to connect. */
const TIMEOUTS = [
  {
    error: undiciErrors.HeadersTimeoutError,
    code: 'UND_ERR_HEADERS_TIMEOUT',
    message: (host: string) => `${host} did not start answering in time`,
    hint: 'The service may be overloaded; try again, or raise timeouts.firstByteMs.',
    ref: 'netNoAnswer',
    hintRef: 'netNoAnswerHint',
  },
  {
    error: undiciErrors.BodyTimeoutError,
    code: 'UND_ERR_BODY_TIMEOUT',
    message: (host: string) => `${host} stopped sending in the middle of the answer`,
    hint: 'The stream went idle for too long; try again, or raise timeouts.idleMs.',
    ref: 'netStalled',
    hintRef: 'netStalledHint',
  },
  {
    error: undiciErrors.ConnectTimeoutError,
    code: 'UND_ERR_CONNECT_TIMEOUT',
    message: (host: string) => `Could not connect to ${host} in time`,
    hint: 'Check your internet connection, or set an outbound proxy if your network needs one.',
    ref: 'netConnectTimeout',
    hintRef: 'netCheckHint',
  },
] as const;

/** Describes a connection-level failure in words a user can act on. */
export function describeNetworkError(err: unknown, url: string): ProxyError {
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  const code = (err as { code?: string })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  const timeout = TIMEOUTS.find((t) => err instanceof t.error || code === t.code);
  if (timeout) {
    return new ProxyError('timeout', timeout.message(host), {
      hint: timeout.hint,
      retryable: true,
      cause: err,
      messageRef: proxyMsg(timeout.ref, { host }),
      hintRef: proxyMsg(timeout.hintRef),
    });
  }
  const what =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? `Could not find ${host} (DNS lookup failed)`
      : code === 'ECONNREFUSED'
        ? `${host} refused the connection`
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
          ? `The connection to ${host} was cut`
          : `Could not reach ${host}${code ? ` (${code})` : ''}`;
  const whatRef =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? proxyMsg('netDnsFailed', { host })
      : code === 'ECONNREFUSED'
        ? proxyMsg('netRefused', { host })
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
          ? proxyMsg('netCut', { host })
          : code
            ? proxyMsg('netUnreachableCode', { host, code })
            : proxyMsg('netUnreachable', { host });
  return new ProxyError('upstream', what, {
    hint: 'Check your internet connection, or set an outbound proxy if your network needs one.',
    retryable: true,
    code: UPSTREAM_CUT,
    cause: err,
    messageRef: whatRef,
    hintRef: proxyMsg('netCheckHint'),
  });
}

/** The production HttpClient: undici with keep-alive, per-phase timeouts and abort support. */
export function createUndiciHttpClient(opts: UndiciClientOptions = {}): HttpClient {
  const owned = !opts.dispatcher;
  const dispatcher =
    opts.dispatcher ??
    new Agent({
      keepAliveTimeout: 30_000,
      connect: { timeout: opts.connectTimeoutMs ?? 10_000 },
    });
  return {
    async send(req: UpstreamRequest, sendOpts: SendOptions = {}): Promise<UpstreamResponse> {
      try {
        const res = await request(req.url, {
          method: req.method,
          headers: req.headers,
          body: req.body,
          dispatcher,
          signal: sendOpts.signal,
          headersTimeout: sendOpts.headersTimeoutMs ?? opts.headersTimeoutMs ?? 120_000,
          bodyTimeout: opts.bodyTimeoutMs ?? 120_000,
        });
        return { status: res.statusCode, headers: res.headers, body: res.body };
      } catch (err) {
        if (sendOpts.signal?.aborted) throw err;
        // Already described (e.g. by the outbound-proxy dispatcher, which names the proxy).
        if (err instanceof ProxyError) throw err;
        throw describeNetworkError(err, req.url);
      }
    },
    async close() {
      if (owned) await dispatcher.close();
    },
  };
}

/** Reads a whole body as bytes, up to `limit` (the rest is dropped); chunks are not copied twice. */
export async function readBodyBytes(body: AsyncIterable<Uint8Array>, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size > limit) break;
    chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** Reads a whole (small) body as text, e.g. an upstream error. */
export async function readBodyText(body: AsyncIterable<Uint8Array>, limit = 1024 * 1024): Promise<string> {
  return (await readBodyBytes(body, limit)).toString('utf8');
}
