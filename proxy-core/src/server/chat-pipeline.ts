import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { accumulatedResponse, accumulateEvent, createAccumulator } from '../canonical/accumulate-stream.js';
import { ProxyError, toProxyError, UPSTREAM_UNREADABLE } from '../canonical/errors.js';
import { isJsonObject, peekJsonMembers } from '../canonical/json.js';
import type {
  CanonicalRequest,
  CanonicalResponse,
  Dialect,
  ErrorInfo,
  StreamEvent,
  WireFormat,
} from '../canonical/types.js';
import type { CodecSet, DialectCodec, InboundMeta } from '../dialects/types.js';
import type { RecordBuilder } from '../observability/recorder.js';
import { applyPromptCache, type PromptCacheSettings } from '../providers/prompt-cache.js';
import type { ChatCall, Provider, UpstreamRequest } from '../providers/types.js';
import type { ProviderLease } from '../routing/account-keys.js';
import type { Route } from '../routing/catalog.js';
import { runWithFailover } from '../routing/retry-policy.js';
import { redactRelayedAnswer } from '../security/redacting-upstream.js';
import type { SecretRedactor } from '../security/redactor.js';
import type { HttpClient, UpstreamResponse } from '../transport/http-client.js';
import { createSseParser, endSse, pushSse } from '../transport/sse.js';
import {
  describeNetworkError,
  isTransportError,
  readBodyBytes,
  readBodyText,
} from '../transport/undici-http-client.js';
import { ClientStreamWriter } from './client-writer.js';
import { isUsageOnlyChunk, UsageChunkCutter } from './openai-passthrough.js';
import { sendError, sendJson } from './respond.js';

/** Optional steps around conversion (reasoning-signature restore, image inlining, …). */
export interface PipelineHooks {
  /** Adjusts a canonical request before it is encoded for `wire` (may do I/O, e.g. fetch images). */
  beforeEncode?(req: CanonicalRequest, wire: WireFormat, signal: AbortSignal): Promise<CanonicalRequest>;
  /** Sees every converted response once it is complete (e.g. to remember thinking signatures). */
  onResponse?(res: CanonicalResponse): void;
}

export interface PipelineEnv {
  codecs: CodecSet;
  /** Picks the provider and key for an attempt on a route (throws a retryable error when all keys cool down). */
  lease(route: Route): ProviderLease;
  /** HTTP client per account id. */
  http(accountId: string): HttpClient;
  timeouts: { firstByteMs: number; deadlineMs?: number };
  hooks: PipelineHooks;
  /** Redacts what goes to the client (second line: upstream words arrive redacted already). */
  redactor?: SecretRedactor;
  /** Issue 19 (caching): an account's prompt-caching settings (`promptCaching`, `promptCacheTtl`). */
  promptCache?(accountId: string): PromptCacheSettings | undefined;
}

export interface ChatContext {
  dialect: Dialect;
  /** The parsed client body. */
  body: Record<string, unknown>;
  meta: InboundMeta;
  headers: IncomingHttpHeaders;
  res: ServerResponse;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  record: RecordBuilder;
  corsHeaders: Record<string, string>;
  /** Gemini streaming without alt=sse answers with a JSON array. */
  streamMode: 'sse' | 'json-array';
  routes: Route[];
  /** The validated canonical form of the client's request. */
  canonical: CanonicalRequest;
}

/** Thrown inside an attempt when nothing has reached the client yet, so failover may go on. */
class BeforeFirstByte extends Error {
  constructor(readonly error: ProxyError) {
    super(error.message);
  }
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function betaFlags(h: IncomingHttpHeaders): string[] | undefined {
  const v = header(h, 'anthropic-beta');
  if (!v) return undefined;
  const flags = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return flags.length ? flags : undefined;
}

/** What a committed attempt ended with (the client already has its answer). */
interface Outcome {
  status: number;
  error?: ErrorInfo;
}

/**
 * Serves one chat request: tries the routes (and the keys of each account) with retries and
 * failover until one answers, converting between the client's dialect and the provider's wire
 * format, or passing the body through untouched when they match. Failover happens only before
 * the first byte reaches the client; every attempt is recorded.
 */
export async function serveChat(ctx: ChatContext, env: PipelineEnv): Promise<void> {
  const clientCodec = env.codecs.dialect(ctx.dialect);
  const refs = ctx.routes.map((route) => ({
    account: route.account,
    provider: route.provider.kind,
    upstreamModel: route.upstreamModel,
    route,
  }));
  const leases = new Map<Route, ProviderLease>();
  const result = await runWithFailover(
    refs,
    async (ref, actx) => {
      const lease = env.lease(ref.route);
      leases.set(ref.route, lease);
      try {
        const outcome = await attempt(ctx, env, ref.route, lease.provider, clientCodec, actx.signal);
        lease.succeeded();
        return outcome;
      } catch (err) {
        const pe = err instanceof BeforeFirstByte ? err.error : toProxyError(err);
        // Our own errors (bugs, limits) are no key's fault: they never cool a key down.
        if (!actx.signal.aborted && pe.kind !== 'internal') lease.failed(pe);
        throw pe;
      }
    },
    {
      signal: ctx.signal,
      statusOf: () => 200,
      hasAlternateKey: (ref) => leases.get(ref.route)?.hasAlternate() ?? false,
      onAttempt: (a) => ctx.record.attempt(a),
      deadlineMs: env.timeouts.deadlineMs,
      isCommitted: () => ctx.res.headersSent,
    },
  );
  if (result.ok) {
    ctx.record.finish(result.value.status, result.value.error);
    return;
  }
  if (result.aborted) {
    ctx.record.set({ clientAborted: true });
    ctx.record.finish(499, result.error.toInfo());
    if (!ctx.res.destroyed) ctx.res.destroy();
    return;
  }
  const pe = env.redactor ? env.redactor.error(result.error) : result.error;
  // Our own error is no account's: the record does not file it under the route that was tried.
  if (pe.kind === 'internal')
    ctx.record.set({ account: undefined, provider: undefined, upstreamModel: undefined });
  ctx.record.finish(pe.status, pe.toInfo());
  sendError(ctx.res, pe, clientCodec.encodeError(pe), ctx.corsHeaders);
}

/** One try against one route. Throws BeforeFirstByte when failover is still possible. */
async function attempt(
  ctx: ChatContext,
  env: PipelineEnv,
  route: Route,
  provider: Provider,
  clientCodec: DialectCodec,
  /** The client's abort signal, joined with the request's deadline (until the answer starts). */
  signal: AbortSignal,
): Promise<Outcome> {
  const wire = provider.wireFor(route.upstreamModel);
  const passthrough = wire === ctx.dialect;
  const stream = ctx.canonical.stream;
  ctx.record.set({
    account: route.account,
    provider: provider.kind,
    upstreamModel: route.upstreamModel,
    stream,
    passthrough,
  });

  let upstream: UpstreamResponse;
  let upstreamUrl = '';
  let injectedUsage = false;
  try {
    let body: Record<string, unknown>;
    if (passthrough) {
      body = { ...ctx.body };
      // Ask OpenAI-style upstreams for the usage chunk so the log has token counts; it is
      // filtered out again below when the client did not ask for it.
      if (wire === 'openai' && stream && !ctx.canonical.includeUsage) {
        body.stream_options = { ...(body.stream_options as object | undefined), include_usage: true };
        injectedUsage = true;
      }
    } else {
      const prepared = env.hooks.beforeEncode
        ? await env.hooks.beforeEncode(ctx.canonical, wire, signal)
        : ctx.canonical;
      body = env.codecs.wire(wire).encodeRequest(prepared, { upstreamModel: route.upstreamModel });
    }
    // Issue 19 (caching): Claude cache breakpoints when the client placed none (passthrough too).
    body = applyPromptCache(
      body,
      { provider: provider.kind, wire, upstreamModel: route.upstreamModel },
      env.promptCache?.(route.account),
    );
    const call: ChatCall = {
      upstreamModel: route.upstreamModel,
      stream,
      body,
      anthropicBeta: betaFlags(ctx.headers),
      anthropicVersion: header(ctx.headers, 'anthropic-version'),
    };
    const req: UpstreamRequest = await provider.prepareChat(call);
    upstreamUrl = req.url;
    upstream = await env.http(route.account).send(req, {
      signal,
      headersTimeoutMs: env.timeouts.firstByteMs,
    });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw new BeforeFirstByte(withRoute(toProxyError(err), route));
  }

  if (upstream.status >= 400) {
    const text = await readBodyText(upstream.body).catch(() => '');
    throw new BeforeFirstByte(
      provider.mapError(
        { status: upstream.status, headers: upstream.headers, body: text },
        {
          upstreamModel: route.upstreamModel,
        },
      ),
    );
  }
  /** An error while reading the upstream's bytes is the upstream's (a reset, a stall), not ours. */
  const readFailure = (err: unknown): ProxyError =>
    withRoute(isTransportError(err) ? describeNetworkError(err, upstreamUrl) : toProxyError(err), route);
  if (!stream)
    return relayWhole(ctx, env, provider, route, wire, passthrough, upstream, clientCodec, readFailure);
  return relayStream(
    ctx,
    env,
    provider,
    wire,
    passthrough,
    upstream,
    clientCodec,
    injectedUsage,
    readFailure,
  );
}

/** Names the account in an upstream's error. Our own (internal) errors are no account's fault. */
function withRoute(err: ProxyError, route: Route): ProxyError {
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

async function relayWhole(
  ctx: ChatContext,
  env: PipelineEnv,
  provider: Provider,
  route: Route,
  wire: WireFormat,
  passthrough: boolean,
  upstream: UpstreamResponse,
  clientCodec: DialectCodec,
  readFailure: (err: unknown) => ProxyError,
): Promise<Outcome> {
  let raw: Buffer;
  try {
    raw = await readBodyBytes(upstream.body, 256 * 1024 * 1024);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw new BeforeFirstByte(readFailure(err));
  }
  const bytes = redactRelayedAnswer(raw, env.redactor);
  const notJson = () =>
    new BeforeFirstByte(
      new ProxyError(
        'upstream',
        `${provider.kind} account "${route.account}" answered with something that is not JSON`,
        {
          hint: 'Check the account’s base URL: it should point at the API, not a web page.',
          retryable: true,
          code: UPSTREAM_UNREADABLE,
          account: route.account,
          upstreamModel: route.upstreamModel,
        },
      ),
    );
  const wireCodec = env.codecs.wire(wire);
  const noteAnswer = (answer: Record<string, unknown>) => {
    ctx.record.addUsage(safe(() => wireCodec.readUsage(answer)));
    const responseModel = typeof answer.model === 'string' ? answer.model : answer.modelVersion;
    if (typeof responseModel === 'string' && responseModel) ctx.record.set({ responseModel });
  };
  if (passthrough) {
    // The upstream's own bytes go to the client untouched; the log needs only usage and model.
    const answer = peekJsonMembers(bytes, clientCodec.answerMembers);
    if (!answer) throw notJson();
    noteAnswer(answer);
    ctx.record.firstToken();
    const ct = upstream.headers['content-type'];
    ctx.res.writeHead(200, {
      'content-type': typeof ct === 'string' ? ct : 'application/json',
      'content-length': String(bytes.length),
      ...ctx.corsHeaders,
    });
    ctx.res.end(bytes);
    return { status: 200 };
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw notJson();
  }
  if (isJsonObject(json)) noteAnswer(json);
  let out: Record<string, unknown>;
  try {
    const canonical = wireCodec.decodeResponse(json);
    env.hooks.onResponse?.(canonical);
    out = clientCodec.encodeResponse(canonical, { model: ctx.canonical.model });
  } catch (err) {
    throw new BeforeFirstByte(toProxyError(err));
  }
  ctx.record.firstToken();
  sendJson(ctx.res, 200, out, ctx.corsHeaders);
  return { status: 200 };
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function isContent(ev: StreamEvent): boolean {
  return (
    ev.type === 'text_delta' ||
    ev.type === 'thinking_delta' ||
    ev.type === 'tool_call_start' ||
    ev.type === 'redacted_thinking'
  );
}

function isJson(data: string): boolean {
  try {
    JSON.parse(data);
    return true;
  } catch {
    return false;
  }
}

async function relayStream(
  ctx: ChatContext,
  env: PipelineEnv,
  provider: Provider,
  wire: WireFormat,
  passthrough: boolean,
  upstream: UpstreamResponse,
  clientCodec: DialectCodec,
  injectedUsage: boolean,
  readFailure: (err: unknown) => ProxyError,
): Promise<Outcome> {
  const writer = new ClientStreamWriter(ctx.res, ctx.corsHeaders, ctx.streamMode, env.redactor);
  const wireCodec = env.codecs.wire(wire);
  const decoder = wireCodec.streamDecoder;
  const decState = decoder.init();
  const encoder = clientCodec.streamEncoder;
  const encState = passthrough
    ? undefined
    : encoder.init({ model: ctx.canonical.model, includeUsage: ctx.canonical.includeUsage });
  const acc = !passthrough && env.hooks.onResponse ? createAccumulator() : undefined;
  const accumulate = (events: StreamEvent[]) => {
    if (acc) for (const ev of events) accumulateEvent(acc, ev);
  };

  /** Feeds decoded canonical events to the record (usage, first token, in-band errors). */
  const observe = (events: StreamEvent[]): ProxyError | undefined => {
    let inband: ProxyError | undefined;
    for (const ev of events) {
      if (isContent(ev)) ctx.record.firstToken();
      else if (ev.type === 'usage') ctx.record.addUsage(ev.usage);
      else if (ev.type === 'start' && ev.model) ctx.record.set({ responseModel: ev.model });
      else if (ev.type === 'error') {
        inband = ProxyError.fromInfo(ev.error);
      }
    }
    return inband;
  };

  let inbandError: ProxyError | undefined;
  const rawBytes = passthrough && provider.rawStreamPassthrough && ctx.streamMode === 'sse';
  // The usage chunk the proxy asked for (and the client did not) is cut out of the relayed bytes.
  const cutter = rawBytes && injectedUsage ? new UsageChunkCutter() : undefined;
  try {
    if (rawBytes) {
      // Same dialect, same framing: relay the upstream bytes untouched; a side parser taps usage.
      const tap = createSseParser();
      for await (const chunk of upstream.body) {
        for (const wev of pushSse(tap, chunk))
          inbandError = observe(safe(() => decoder.decode(decState, wev)) ?? []) ?? inbandError;
        const out = cutter ? cutter.push(chunk) : chunk;
        if (out.length > 0) await writer.raw(out);
        if (writer.closed) break;
      }
      const held = cutter?.end();
      if (held?.length) await writer.raw(held);
      // An upstream stream cut short (or that was never SSE) is told to the client, not ended as
      // if whole. The blank line first ends whatever partial event the raw bytes left open.
      let tailError: ProxyError | undefined;
      for (const wev of endSse(tap))
        tailError = observe(safe(() => decoder.decode(decState, wev)) ?? []) ?? tailError;
      tailError = observe(decoder.end(decState)) ?? tailError;
      inbandError = tailError ?? inbandError;
      if (tailError && writer.committed) {
        await writer.raw(Buffer.from('\n\n'));
        await writer.events(clientCodec.encodeStreamError(tailError));
      }
    } else {
      for await (const wev of provider.readStream(upstream.body)) {
        const events = decoder.decode(decState, wev);
        inbandError = observe(events) ?? inbandError;
        if (passthrough) {
          if (injectedUsage && isUsageOnlyChunk(wev.data)) continue;
          if (inbandError && wev.data !== '[DONE]' && !isJson(wev.data)) {
            // An event the upstream garbled (cut short, not JSON) is replaced by a clear error.
            if (writer.committed) await writer.events(clientCodec.encodeStreamError(inbandError));
            break;
          }
          await writer.events([wev.event ? { event: wev.event, data: wev.data } : { data: wev.data }]);
        } else {
          accumulate(events);
          const out = events.flatMap((ev) => encoder.encode(encState, ev));
          await writer.events(out);
        }
        if (writer.closed) break;
      }
      const tail = decoder.end(decState);
      const tailError = observe(tail);
      inbandError = tailError ?? inbandError;
      if (!passthrough) {
        accumulate(tail);
        await writer.events(tail.flatMap((ev) => encoder.encode(encState, ev)));
      } else if (tailError && writer.committed) {
        // Passthrough relays only the upstream's own events: say so when its stream ended early.
        await writer.events(clientCodec.encodeStreamError(tailError));
      }
    }
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const pe = readFailure(err);
    if (!writer.committed) throw new BeforeFirstByte(pe);
    // Mid-stream failure: end with an error event in the client's dialect, never silently. Raw
    // bytes may have left an event half-written: a blank line ends it first.
    if (rawBytes) {
      const held = cutter?.end();
      if (held?.length) await writer.raw(held);
      await writer.raw(Buffer.from('\n\n'));
    }
    // Converted streams end through their encoder, which then writes nothing that claims a
    // normal stop (no message_stop, finishReason or [DONE] after the error).
    await writer.events(
      passthrough
        ? clientCodec.encodeStreamError(pe)
        : [...encoder.encode(encState, { type: 'error', error: pe.toInfo() }), ...encoder.end(encState)],
    );
    writer.end();
    return { status: 200, error: pe.toInfo() };
  }
  if (ctx.signal.aborted) {
    throw new ProxyError('internal', 'Client closed the connection');
  }
  if (!writer.committed && inbandError) throw new BeforeFirstByte(inbandError);
  if (!passthrough) await writer.events(encoder.end(encState));
  writer.end();
  if (acc && !inbandError) env.hooks.onResponse?.(accumulatedResponse(acc));
  return { status: 200, error: inbandError?.toInfo() };
}
