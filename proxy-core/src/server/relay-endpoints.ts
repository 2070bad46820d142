import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidRequest, ProxyError } from '../canonical/errors.js';
import { type JsonObject, parseJsonObject, peekJsonMembers } from '../canonical/json.js';
import type { RecordBuilder } from '../observability/recorder.js';
import type { Provider, UpstreamRequest } from '../providers/types.js';
import type { Route } from '../routing/catalog.js';
import { redactRelayedAnswer } from '../security/redacting-upstream.js';
import { createSseParser, endSse, pushSse } from '../transport/sse.js';
import { readBodyBytes, readBodyText } from '../transport/undici-http-client.js';
import type { ServingState } from './serving-state.js';

/** What an endpoint that relays one upstream answer needs. */
export interface RelayContext {
  state: ServingState;
  req: IncomingMessage;
  res: ServerResponse;
  record: RecordBuilder;
  cors: Record<string, string>;
  signal: AbortSignal;
}

/**
 * Sends a prepared request on one route and relays the answer's bytes untouched, reading usage
 * on the way for the log; an upstream error becomes the provider's mapped ProxyError.
 */
async function relayOnce(
  ctx: RelayContext,
  route: Route,
  prepare: (route: Route) => Promise<UpstreamRequest>,
  /** fidelity: rewrites a whole JSON answer the client expects in another shape (Bedrock's token count). */
  answer?: (provider: Provider) => ((upstream: unknown) => Record<string, unknown>) | undefined,
): Promise<void> {
  const { record, res } = ctx;
  const lease = ctx.state.env.lease(route);
  const provider = lease.provider;
  record.set({ account: route.account, provider: provider.kind, upstreamModel: route.upstreamModel });
  const started = Date.now();
  const attempt = { account: route.account, provider: provider.kind, upstreamModel: route.upstreamModel };
  const up = await ctx.state.env.http(route.account).send(await prepare(route), { signal: ctx.signal });
  if (up.status >= 400) {
    const text = await readBodyText(up.body).catch(() => '');
    const err = provider.mapError(
      { status: up.status, headers: up.headers, body: text },
      { upstreamModel: route.upstreamModel },
    );
    lease.failed(err);
    record.attempt({ ...attempt, status: up.status, latencyMs: Date.now() - started, error: err.toInfo() });
    throw err;
  }
  lease.succeeded();
  record.attempt({ ...attempt, status: up.status, latencyMs: Date.now() - started });
  const ct = up.headers['content-type'];
  const type = typeof ct === 'string' ? ct : 'application/json';
  const head = () =>
    res.writeHead(up.status, { 'content-type': type, 'cache-control': 'no-cache', ...ctx.cors });
  const codec = ctx.state.env.codecs.dialect('openai');
  const noteUsage = (body: JsonObject | undefined) => {
    try {
      if (body) record.addUsage(codec.readUsage(body));
    } catch {
      // usage is informative only
    }
  };
  if (type.includes('event-stream')) {
    head();
    const tap = createSseParser();
    const readUsage = (data: string) => {
      if (data.includes('"usage"')) noteUsage(parseJsonObject(data));
    };
    for await (const chunk of up.body) {
      record.firstToken();
      for (const ev of pushSse(tap, chunk)) readUsage(ev.data);
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
    for (const ev of endSse(tap)) readUsage(ev.data);
    res.end();
  } else {
    let bytes = redactRelayedAnswer(await readBodyBytes(up.body, 64 * 1024 * 1024), ctx.state.env.redactor);
    const rewrite = answer?.(provider);
    if (rewrite) bytes = Buffer.from(JSON.stringify(rewrite(parseJsonObject(bytes.toString('utf8')))));
    head();
    record.firstToken();
    noteUsage(peekJsonMembers(bytes, codec.answerMembers));
    res.end(bytes);
  }
  record.finish(up.status);
}

function requireModel(model: unknown): string {
  if (typeof model !== 'string' || model === '') throw invalidRequest('model: is required');
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
  const route = (await routesFor(model)).find((r) => r.provider.prepareCompletions);
  if (!route) {
    throw new ProxyError('invalid_request', `Model "${model}" does not offer text completions`, {
      hint: 'Use /v1/chat/completions, or point this model at an OpenAI-compatible server that has /v1/completions.',
    });
  }
  await relayOnce(ctx, route, (r) => r.provider.prepareCompletions!(body, r.upstreamModel));
}

/** Token counting, relayed to a provider that speaks the same dialect and can count. */
export async function serveCountTokens(
  dialect: 'anthropic' | 'gemini',
  modelField: unknown,
  body: Record<string, unknown>,
  ctx: RelayContext,
  routesFor: (model: string) => Promise<Route[]>,
): Promise<void> {
  const model = requireModel(modelField);
  ctx.record.set({ publicModel: model, passthrough: true });
  const route = (await routesFor(model)).find(
    (r) => r.provider.prepareCountTokens && r.provider.wireFor(r.upstreamModel) === dialect,
  );
  if (!route) {
    throw new ProxyError('not_found', `Token counting is not available for "${model}"`, {
      status: 501,
      hint: 'Its provider cannot count tokens for this client style; token counts still appear in the request log after each reply.',
    });
  }
  const beta = ctx.req.headers['anthropic-beta'];
  const version = ctx.req.headers['anthropic-version'];
  await relayOnce(
    ctx,
    route,
    (r) =>
      r.provider.prepareCountTokens!({
        upstreamModel: r.upstreamModel,
        stream: false,
        body,
        anthropicBeta: typeof beta === 'string' ? beta.split(',').map((b) => b.trim()) : undefined,
        anthropicVersion: typeof version === 'string' ? version : undefined,
      }),
    (provider) => provider.countTokensAnswer,
  );
}
