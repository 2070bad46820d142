import type { WireFormat } from '../canonical/types.js';
import type { DialectCodec } from '../dialects/types.js';
import { openUpstream, serveAttempts } from './attempt.js';
import { relayConvertedStream, relayConvertedWhole } from './converted-relay.js';
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
  const upstream = await openUpstream(a, env, async () => {
    const body = passthrough ? (usage ? usage.ask(ctx.body) : { ...ctx.body }) : await convertedBody(t, wire);
    return a.provider.prepareChat({
      upstreamModel: a.route.upstreamModel,
      stream,
      body,
      anthropicBeta: a.headers.anthropicBeta,
      anthropicVersion: a.headers.anthropicVersion,
    });
  });
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

/** The canonical request encoded for `wire`, after the hooks' rewrites (images, signatures, …). */
async function convertedBody(t: ChatTry, wire: WireFormat): Promise<Record<string, unknown>> {
  const codec = t.env.codecs.wire(wire);
  const hook = t.env.hooks.beforeEncode;
  const prepared = hook
    ? await hook(t.ctx.canonical, wire, t.attempt.signal, { codec, attempt: t.attempt })
    : t.ctx.canonical;
  return codec.encodeRequest(prepared, { upstreamModel: t.attempt.route.upstreamModel });
}
