import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ProxyError, toProxyError, UPSTREAM_UNREADABLE } from '../canonical/errors.js';
import type { DialectCodec } from '../dialects/types.js';
import { proxyMsg } from '../messages.js';
import type { RecordBuilder } from '../observability/recorder.js';
import type { UpstreamRequest } from '../providers/types.js';
import type { ProviderLease } from '../routing/account-keys.js';
import type { Route } from '../routing/catalog.js';
import { type FailoverResult, type RouteRef, runWithFailover } from '../routing/retry-policy.js';
import { redactRelayedAnswer } from '../security/redacting-upstream.js';
import {
  describeNetworkError,
  isTransportError,
  readBodyBytes,
  readBodyText,
} from '../transport/undici-http-client.js';
import type { Attempt, ClientHeaders, OpenedUpstream, Outcome, PipelineEnv } from './pipeline-types.js';
import { sendError } from './respond.js';

/** The headers an upstream call needs from the client's request, parsed once. */
export function parseClientHeaders(h: IncomingHttpHeaders): ClientHeaders {
  const out: ClientHeaders = {};
  const beta = h['anthropic-beta'];
  const flags = (Array.isArray(beta) ? beta.join(',') : (beta ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (flags.length) out.anthropicBeta = flags;
  const version = h['anthropic-version'];
  if (version !== undefined) out.anthropicVersion = Array.isArray(version) ? version.join(',') : version;
  return out;
}

/** A request to serve by trying its routes, one attempt each, until one answers. */
export interface AttemptJob {
  routes: Route[];
  res: ServerResponse;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  record: RecordBuilder;
  headers: ClientHeaders;
  cors: Record<string, string>;
  /** Renders the error when no route answers, in the client's dialect. */
  clientCodec: DialectCodec;
  /** One try: sends the upstream request and relays the answer. Throws while failover is possible. */
  run(attempt: Attempt): Promise<Outcome>;
}

/**
 * Serves a request through attempts: routes (and the keys of each account) are tried with retries
 * and failover (routing/retry-policy.ts) until one answers; failover happens only before the first
 * byte reaches the client, under one deadline; every attempt is recorded; the request's record is
 * finished and, when no route answered, the error sent in the client's dialect.
 */
export async function serveAttempts(job: AttemptJob, env: PipelineEnv): Promise<void> {
  const tries: Tries = { job, env, leases: new Map(), refused: new WeakSet() };
  const refs = job.routes.map((route) => ({
    account: route.account,
    provider: route.provider.kind,
    upstreamModel: route.upstreamModel,
    route,
  }));
  const result = await runWithFailover(refs, ({ route }, actx) => tryRoute(tries, route, actx.signal), {
    signal: job.signal,
    statusOf: (o) => o.status,
    hasAlternateKey: (ref) => tries.leases.get(ref.route)?.hasAlternate() ?? false,
    dropsRoute: (err) => err.routeRefusal || tries.refused.has(err),
    onAttempt: (a) => job.record.attempt(a),
    deadlineMs: env.timeouts.deadlineMs,
    isCommitted: () => job.res.headersSent,
  });
  finishJob(job, env, result);
}

/** The state of one request's tries. */
interface Tries {
  job: AttemptJob;
  env: PipelineEnv;
  /** The lease of each route's latest try (whether another key of its account is usable). */
  leases: Map<Route, ProviderLease>;
  /** Refusals of the check before sending: they rule their route out, and are no key's fault. */
  refused: WeakSet<ProxyError>;
}

/** One try on one route. `signal`: the client's, joined with the deadline. */
async function tryRoute(t: Tries, route: Route, signal: AbortSignal): Promise<Outcome> {
  const { job, env } = t;
  try {
    await env.beforeSend?.({ route, record: job.record });
  } catch (err) {
    const pe = toProxyError(err);
    t.refused.add(pe);
    throw pe;
  }
  const lease = env.lease(route);
  t.leases.set(route, lease);
  job.record.set({
    account: route.account,
    provider: lease.provider.kind,
    upstreamModel: route.upstreamModel,
  });
  const attempt: Attempt = {
    route,
    provider: lease.provider,
    lease,
    signal,
    clientSignal: job.signal,
    record: job.record,
    headers: job.headers,
    responseHeaders: { ...job.cors },
  };
  try {
    const outcome = await job.run(attempt);
    lease.succeeded();
    return outcome;
  } catch (err) {
    const pe = toProxyError(err);
    // Our own errors (bugs, limits) are no key's fault: they never cool a key down.
    if (!signal.aborted && pe.kind !== 'internal') lease.failed(pe);
    throw pe;
  }
}

function finishJob(job: AttemptJob, env: PipelineEnv, result: FailoverResult<Outcome, RouteRef>): void {
  if (result.ok) {
    job.record.finish(result.value.status, result.value.error);
    return;
  }
  if (result.aborted) {
    job.record.set({ clientAborted: true });
    job.record.finish(499, result.error.toInfo());
    if (!job.res.destroyed) job.res.destroy();
    return;
  }
  const pe = env.redactor ? env.redactor.error(result.error) : result.error;
  // Our own error is no account's: the record does not file it under the route that was tried.
  if (pe.kind === 'internal')
    job.record.set({ account: undefined, provider: undefined, upstreamModel: undefined });
  job.record.finish(pe.status, pe.toInfo());
  sendError(job.res, pe, job.clientCodec.encodeError(pe), job.cors);
}

/**
 * Sends an attempt's upstream request under the first-byte timeout. Whatever fails before an
 * answer (preparing, connecting, an error status: the provider's mapped error) is thrown, named
 * with the route's account, while failover is still possible.
 */
export async function openUpstream(
  a: Attempt,
  env: PipelineEnv,
  prepare: () => Promise<UpstreamRequest>,
): Promise<OpenedUpstream> {
  let url = '';
  let response: OpenedUpstream['response'];
  try {
    const req = await prepare();
    url = req.url;
    response = await env.http(a.route.account).send(req, {
      signal: a.signal,
      headersTimeoutMs: env.timeouts.firstByteMs,
    });
  } catch (err) {
    if (a.clientSignal.aborted) throw err;
    throw withRoute(toProxyError(err), a.route);
  }
  if (response.status >= 400) {
    const body = await readBodyText(response.body).catch(() => '');
    throw a.provider.mapError(
      { status: response.status, headers: response.headers, body },
      { upstreamModel: a.route.upstreamModel },
    );
  }
  return {
    response,
    readFailure: (err) =>
      withRoute(isTransportError(err) ? describeNetworkError(err, url) : toProxyError(err), a.route),
  };
}

/** Reads a whole answer's bytes (redacted); a failure to read is the upstream's. */
export async function readAnswer(
  a: Attempt,
  up: OpenedUpstream,
  env: PipelineEnv,
  limitBytes = 256 * 1024 * 1024,
): Promise<Buffer> {
  let raw: Buffer;
  try {
    raw = await readBodyBytes(up.response.body, limitBytes);
  } catch (err) {
    if (a.clientSignal.aborted) throw err;
    throw up.readFailure(err);
  }
  return redactRelayedAnswer(raw, env.redactor);
}

/** The error for an answer that should be JSON and is not (a wrong base URL, usually). */
export function notJsonError(a: Pick<Attempt, 'provider' | 'route'>): ProxyError {
  const provider = a.provider.kind;
  const account = a.route.account;
  return new ProxyError(
    'upstream',
    `${provider} account "${account}" answered with something that is not JSON`,
    {
      hint: 'Check the account’s base URL: it should point at the API, not a web page.',
      retryable: true,
      code: UPSTREAM_UNREADABLE,
      account,
      upstreamModel: a.route.upstreamModel,
      messageRef: proxyMsg('answerNotJson', { provider, account }),
      hintRef: proxyMsg('answerNotJsonHint'),
    },
  );
}

/** Names the account in an upstream's error. Our own (internal) errors are no account's fault. */
export function withRoute(err: ProxyError, route: Route): ProxyError {
  if (err.account || err.kind === 'internal') return err;
  return new ProxyError(err.kind, `${route.provider.kind} account "${route.account}": ${err.message}`, {
    status: err.status,
    hint: err.hint,
    code: err.code,
    retryAfterMs: err.retryAfterMs,
    retryable: err.retryable,
    account: route.account,
    upstreamModel: route.upstreamModel,
    cause: err,
    messageRef: err.messageRef,
    hintRef: err.hintRef,
  });
}
