import { toProxyError } from '../canonical/errors.js';
import type { WireFormat } from '../canonical/types.js';
import type { DialectCodec, StreamUsageRequest } from '../dialects/types.js';
import { applyPromptCache } from '../providers/prompt-cache.js';
import type { UpstreamRequest } from '../providers/types.js';
import { describeNetworkError, isTransportError } from '../transport/undici-http-client.js';
import { openUpstream, serveAttempts, withRoute } from './attempt.js';
import { relayConvertedStream, relayConvertedWhole } from './converted-relay.js';
import { noteDroppedParams } from './dropped-params.js';
import { fanOutWidth, MAX_FAN_OUT, serveFanOut, tooManyChoices } from './fan-out.js';
import { relayPassthroughStream, relayPassthroughWhole } from './passthrough-relay.js';
import type { Attempt, ChatContext, Outcome, PipelineEnv, Relay } from './pipeline-types.js';

export type { ChatContext, PipelineEnv, PipelineHooks } from './pipeline-types.js';

/**
 * Serves one chat request: tries the routes (and the keys of each account) through attempts
 * (server/attempt.ts) until one answers, passing the body through untouched when the client
 * speaks the provider's wire format (passthrough-relay.ts), converting otherwise
 * (converted-relay.ts).
 */
export async function serveChat(ctx: ChatContext, env: PipelineEnv): Promise<void> {
  const clientCodec = env.codecs.dialect(ctx.dialect);
  await serveAttempts(
    {
      routes: ctx.routes,
      res: ctx.res,
      signal: ctx.signal,
      record: ctx.record,
      headers: ctx.headers,
      cors: ctx.corsHeaders,
      clientCodec,
      run: (attempt) => chatAttempt({ ctx, env, attempt, clientCodec }),
    },
    env,
  );
}

interface ChatTry {
  ctx: ChatContext;
  env: PipelineEnv;
  attempt: Attempt;
  clientCodec: DialectCodec;
}

/** One try of a chat request on one route. */
async function chatAttempt(t: ChatTry): Promise<Outcome> {
  const { ctx, env, attempt: a } = t;
  const wire = a.provider.wireFor(a.route.upstreamModel);
  const passthrough = wire === ctx.dialect;
  const { stream } = ctx.canonical;
  ctx.record.set({ stream, passthrough });
  // Passthrough of a stream whose dialect reports usage only on request: ask for it (the log
  // needs the tokens), and cut it out again below when the client did not ask.
  const usage = passthrough && stream && !ctx.canonical.includeUsage ? t.clientCodec.streamUsage : undefined;
  const prepare = async () => {
    const encoded = passthrough ? passthroughBody(t, usage) : await convertedBody(t, wire);
    // Claude cache breakpoints when the client placed none (passthrough too; providers/prompt-cache.ts).
    const body = applyPromptCache(
      encoded,
      { codec: env.codecs.wire(wire), provider: a.provider, upstreamModel: a.route.upstreamModel },
      env.promptCache?.(a.route.account),
    );
    return a.provider.prepareChat({
      upstreamModel: a.route.upstreamModel,
      stream,
      body,
      anthropicBeta: a.headers.anthropicBeta,
      anthropicVersion: a.headers.anthropicVersion,
    });
  };
  // n > 1 where the upstream makes one answer per request: n requests at once (server/fan-out.ts).
  const width = passthrough ? 1 : fanOutWidth(ctx.canonical, env.codecs.wire(wire));
  if (width > MAX_FAN_OUT) throw tooManyChoices(width, a.route);
  if (width > 1) return fanOut(t, wire, width, await prepare());
  const upstream = await openUpstream(a, env, prepare);
  const relay: Relay = {
    ctx,
    env,
    attempt: a,
    upstream,
    wireCodec: env.codecs.wire(wire),
    clientCodec: t.clientCodec,
  };
  if (passthrough)
    return stream ? relayPassthroughStream(relay, usage !== undefined) : relayPassthroughWhole(relay);
  return stream ? relayConvertedStream(relay) : relayConvertedWhole(relay);
}

/** The client's own body (usage asked for where the log needs it); nothing is dropped. */
function passthroughBody(t: ChatTry, usage: StreamUsageRequest | undefined): Record<string, unknown> {
  t.ctx.record.set({ droppedParams: undefined });
  return usage ? usage.ask(t.ctx.body) : { ...t.ctx.body };
}

/**
 * The canonical request encoded for `wire`, after the hooks' rewrites (images, signatures, …);
 * what the upstream cannot take is named, or refused (server/dropped-params.ts).
 */
async function convertedBody(t: ChatTry, wire: WireFormat): Promise<Record<string, unknown>> {
  const { ctx, env, attempt: a } = t;
  const codec = env.codecs.wire(wire);
  const hook = env.hooks.beforeEncode;
  const prepared = hook ? await hook(ctx.canonical, wire, a.signal, { codec, attempt: a }) : ctx.canonical;
  const opts = {
    upstreamModel: a.route.upstreamModel,
    providerKind: a.provider.kind,
    nativeStructuredOutput: a.provider.nativeStructuredOutput,
  };
  noteDroppedParams({
    responseHeaders: a.responseHeaders,
    record: ctx.record,
    dialect: ctx.dialect,
    body: ctx.body,
    req: prepared,
    wire: codec,
    opts,
    policy: env.paramPolicy?.(a.route.account) ?? 'drop',
    account: a.route.account,
  });
  return codec.encodeRequest(prepared, opts);
}

/** Sends the prepared request n times and relays the answers as the client's choices. */
async function fanOut(t: ChatTry, wire: WireFormat, n: number, req: UpstreamRequest): Promise<Outcome> {
  const { attempt: a } = t;
  return serveFanOut({
    ctx: { ...t.ctx, corsHeaders: a.responseHeaders },
    env: t.env,
    route: a.route,
    provider: a.provider,
    clientCodec: t.clientCodec,
    wire,
    req,
    n,
    signal: a.signal,
    seam: {
      // Failover stays possible until the answer's headers are sent (attempt.ts checks that).
      beforeFirstByte: (e) => e,
      withRoute: (e) => withRoute(e, a.route),
      readFailure: (err) =>
        withRoute(isTransportError(err) ? describeNetworkError(err, req.url) : toProxyError(err), a.route),
    },
  });
}
