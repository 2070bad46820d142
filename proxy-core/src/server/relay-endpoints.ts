import type { ServerResponse } from 'node:http';
import { ProxyError } from '../canonical/errors.js';
import { type JsonObject, parseJsonObject, peekJsonMembers } from '../canonical/json.js';
import type { Dialect } from '../canonical/types.js';
import type { DialectCodec } from '../dialects/types.js';
import { proxyMsg } from '../messages.js';
import type { RecordBuilder } from '../observability/recorder.js';
import type { UpstreamRequest } from '../providers/types.js';
import type { Route } from '../routing/catalog.js';
import { createSseParser, endSse, pushSse } from '../transport/sse.js';
import { openUpstream, readAnswer, serveAttempts } from './attempt.js';
import { ClientStreamWriter } from './client-writer.js';
import type { Attempt, ClientHeaders, OpenedUpstream, Outcome } from './pipeline-types.js';
import type { ServingState } from './serving-state.js';

/** What an endpoint that relays one upstream answer needs. */
export interface RelayContext {
  state: ServingState;
  /** The dialect of the endpoint (errors are answered in it). */
  dialect: Dialect;
  headers: ClientHeaders;
  res: ServerResponse;
  record: RecordBuilder;
  cors: Record<string, string>;
  signal: AbortSignal;
}

/**
 * Serves a request whose answer is relayed untouched (no canonical form): through attempts, as
 * chat is — failover across routes and keys, the first-byte timeout, the deadline — reading usage
 * on the way for the log.
 */
async function relayUntouched(
  ctx: RelayContext,
  routes: Route[],
  prepare: (a: Attempt) => Promise<UpstreamRequest>,
  /** Rewrites a whole JSON answer the client expects in another shape (Bedrock's token count). */
  answerOf?: (a: Attempt) => ((upstream: unknown) => Record<string, unknown>) | undefined,
  /** The call costs nothing (token counting): no per-account spend check before it is sent. */
  free = false,
): Promise<void> {
  const env = free ? { ...ctx.state.env, beforeSend: undefined } : ctx.state.env;
  const codec = env.codecs.dialect(ctx.dialect);
  await serveAttempts(
    {
      routes,
      res: ctx.res,
      signal: ctx.signal,
      record: ctx.record,
      headers: ctx.headers,
      cors: ctx.cors,
      clientCodec: codec,
      async run(a) {
        const up = await openUpstream(a, env, () => prepare(a));
        const ct = up.response.headers['content-type'];
        const type = typeof ct === 'string' ? ct : 'application/json';
        if (type.includes('event-stream')) return relaySse(ctx, a, up, codec);
        const read = await readAnswer(a, up, env, 64 * 1024 * 1024);
        const rewrite = answerOf?.(a);
        const bytes = rewrite
          ? Buffer.from(JSON.stringify(rewrite(parseJsonObject(read.toString('utf8')))))
          : read;
        ctx.record.firstToken();
        noteUsage(ctx.record, codec, peekJsonMembers(bytes, codec.answerMembers));
        ctx.res.writeHead(up.response.status, {
          'content-type': type,
          'cache-control': 'no-cache',
          ...a.responseHeaders,
        });
        ctx.res.end(bytes);
        return { status: up.response.status };
      },
    },
    env,
  );
}

function noteUsage(record: RecordBuilder, codec: DialectCodec, body: JsonObject | undefined): void {
  try {
    if (body) record.addUsage(codec.readUsage(body));
  } catch {
    // usage is informative only
  }
}

/** A stream's bytes as they come; headers go with the first byte, so failover stays possible until then. */
async function relaySse(
  ctx: RelayContext,
  a: Attempt,
  up: OpenedUpstream,
  codec: DialectCodec,
): Promise<Outcome> {
  const writer = new ClientStreamWriter(ctx.res, a.responseHeaders, 'sse', ctx.state.env.redactor);
  const tap = createSseParser();
  const read = (data: string) => {
    if (data.includes('"usage"')) noteUsage(ctx.record, codec, parseJsonObject(data));
  };
  try {
    for await (const chunk of up.response.body) {
      ctx.record.firstToken();
      for (const ev of pushSse(tap, chunk)) read(ev.data);
      await writer.raw(chunk);
      if (writer.closed) break;
    }
  } catch (err) {
    if (a.clientSignal.aborted) throw err;
    const pe = up.readFailure(err);
    if (!writer.committed) throw pe;
    // Mid-stream: end with an error event, never silently; the blank line ends a half-written event.
    await writer.raw(Buffer.from('\n\n'));
    await writer.events(codec.encodeStreamError(pe));
    writer.end();
    return { status: 200, error: pe.toInfo() };
  }
  for (const ev of endSse(tap)) read(ev.data);
  writer.end();
  return { status: 200 };
}

function requireModel(model: unknown): string {
  if (typeof model !== 'string' || model === '') {
    throw new ProxyError('invalid_request', 'model: is required', { messageRef: proxyMsg('modelRequired') });
  }
  return model;
}

/** OpenAI legacy /v1/completions, relayed to an account that has it. */
export async function serveCompletions(
  body: Record<string, unknown>,
  ctx: RelayContext,
  routesFor: (model: string) => Promise<Route[]>,
): Promise<void> {
  const model = requireModel(body.model);
  ctx.record.set({ publicModel: model, stream: body.stream === true, passthrough: true });
  const routes = (await routesFor(model)).filter((r) => r.provider.prepareCompletions);
  if (routes.length === 0) {
    throw new ProxyError('invalid_request', `Model "${model}" does not offer text completions`, {
      hint: 'Use /v1/chat/completions, or point this model at an OpenAI-compatible server that has /v1/completions.',
      messageRef: proxyMsg('noCompletions', { model }),
      hintRef: proxyMsg('noCompletionsHint'),
    });
  }
  await relayUntouched(ctx, routes, async (a) => {
    if (!a.provider.prepareCompletions)
      throw new ProxyError('internal', 'This account has no text completions');
    return a.provider.prepareCompletions(body, a.route.upstreamModel);
  });
}

/** Token counting, relayed to a provider that speaks the same dialect and can count. */
export async function serveCountTokens(
  modelField: unknown,
  body: Record<string, unknown>,
  ctx: RelayContext,
  routesFor: (model: string) => Promise<Route[]>,
): Promise<void> {
  const model = requireModel(modelField);
  ctx.record.set({ publicModel: model, passthrough: true });
  const routes = (await routesFor(model)).filter(
    (r) => r.provider.prepareCountTokens && r.provider.wireFor(r.upstreamModel) === ctx.dialect,
  );
  if (routes.length === 0) {
    throw new ProxyError('not_found', `Token counting is not available for "${model}"`, {
      status: 501,
      hint: 'Its provider cannot count tokens for this client style; token counts still appear in the request log after each reply.',
      messageRef: proxyMsg('noCountTokens', { model }),
      hintRef: proxyMsg('noCountTokensHint'),
    });
  }
  await relayUntouched(
    ctx,
    routes,
    async (a) => {
      if (!a.provider.prepareCountTokens)
        throw new ProxyError('internal', 'This account cannot count tokens');
      return a.provider.prepareCountTokens({
        upstreamModel: a.route.upstreamModel,
        stream: false,
        body,
        anthropicBeta: a.headers.anthropicBeta,
        anthropicVersion: a.headers.anthropicVersion,
      });
    },
    (a) => a.provider.countTokensAnswer,
    true,
  );
}
