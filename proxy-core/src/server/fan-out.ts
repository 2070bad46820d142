import type { ServerResponse } from 'node:http';
import { accumulatedResponse, accumulateEvent, createAccumulator } from '../canonical/accumulate-stream.js';
import { ProxyError, toProxyError } from '../canonical/errors.js';
import type {
  CanonicalChoice,
  CanonicalRequest,
  CanonicalResponse,
  ErrorInfo,
  StreamEvent,
  Usage,
  WireFormat,
} from '../canonical/types.js';
import type { CodecSet, DialectCodec, WireCodec } from '../dialects/types.js';
import { proxyMsg } from '../messages.js';
import type { RecordBuilder } from '../observability/recorder.js';
import type { Provider, UpstreamRequest } from '../providers/types.js';
import type { Route } from '../routing/catalog.js';
import { redactRelayedAnswer } from '../security/redacting-upstream.js';
import type { SecretRedactor } from '../security/redactor.js';
import type { HttpClient, UpstreamResponse } from '../transport/http-client.js';
import { readBodyBytes, readBodyText } from '../transport/undici-http-client.js';
import { notJsonError } from './attempt.js';
import { ClientStreamWriter } from './client-writer.js';
import { sendJson } from './respond.js';
import { isContent } from './stream-relay.js';

/**
 * Several answers (OpenAI `n`, Gemini `candidateCount`) from an upstream that makes one answer per
 * request — Claude on Anthropic, Vertex and Bedrock, and Bedrock Converse: the same request goes
 * out n times at once, and the answers come back to the client as its choices 0…n-1, their usage
 * summed into one. Streams are interleaved as they arrive, each event carrying its choice index.
 * Upstreams that take n themselves (OpenAI-compatible, Azure, Gemini) never come here.
 */

/** The most parallel requests one client request may turn into (Gemini's own candidateCount limit). */
export const MAX_FAN_OUT = 8;

/** How many upstream requests this request needs on this wire: n, or 1 when the upstream takes n itself. */
export function fanOutWidth(req: CanonicalRequest, codec: WireCodec): number {
  const n = req.n ?? 1;
  return n > 1 && codec.oneAnswerPerRequest ? n : 1;
}

/** What the pipeline lends the fan-out: how it marks and words errors. */
export interface FanOutSeam {
  /** Wraps an error that happened before anything reached the client (failover may go on). */
  beforeFirstByte(err: ProxyError): Error;
  /** Names the route's account in an error (a failed connection, an unreadable answer). */
  withRoute(err: ProxyError): ProxyError;
  /** An error while reading an upstream's bytes, as the pipeline words it. */
  readFailure(err: unknown): ProxyError;
}

/** The parts of the pipeline's request context the fan-out uses. */
export interface FanOutContext {
  canonical: CanonicalRequest;
  res: ServerResponse;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  record: RecordBuilder;
  corsHeaders: Record<string, string>;
  streamMode: 'sse' | 'json-array';
}

/** The parts of the pipeline's environment the fan-out uses. */
export interface FanOutEnv {
  codecs: CodecSet;
  http(accountId: string): HttpClient;
  timeouts: { firstByteMs: number };
  hooks: { onResponse?(res: CanonicalResponse): void };
  redactor?: SecretRedactor;
}

export interface FanOutArgs {
  ctx: FanOutContext;
  env: FanOutEnv;
  route: Route;
  provider: Provider;
  clientCodec: DialectCodec;
  wire: WireFormat;
  /** The prepared upstream request (signed, with the body for one answer), sent n times. */
  req: UpstreamRequest;
  n: number;
  /** The client's abort signal joined with the request's deadline. */
  signal: AbortSignal;
  seam: FanOutSeam;
}

/** The error for n above {@link MAX_FAN_OUT}: said before anything is sent. */
export function tooManyChoices(n: number, route: Route): ProxyError {
  const provider = route.provider.kind;
  return new ProxyError(
    'invalid_request',
    `n = ${n} asks for ${n} answers; ${provider} account "${route.account}" makes one answer per request, and Keybridge sends at most ${MAX_FAN_OUT} requests at once for one.`,
    {
      hint: `Ask for at most ${MAX_FAN_OUT} (n or candidateCount).`,
      messageRef: proxyMsg('tooManyChoices', { n, provider, account: route.account, max: MAX_FAN_OUT }),
      hintRef: proxyMsg('tooManyChoicesHint', { max: MAX_FAN_OUT }),
    },
  );
}

/** Adds up the usage of several answers, field by field (a field only when some answer has it). */
function sumUsage(parts: Array<Partial<Usage>>): Usage {
  const out: Usage = { inputTokens: 0, outputTokens: 0 };
  for (const u of parts) {
    for (const [k, v] of Object.entries(u) as Array<[keyof Usage, number | undefined]>) {
      if (typeof v === 'number' && Number.isFinite(v)) out[k] = (out[k] ?? 0) + v;
    }
  }
  return out;
}

/** Sends the request n times at once; the first failure cancels the rest. */
async function sendAll(a: FanOutArgs, controllers: AbortController[]): Promise<UpstreamResponse[]> {
  const { env, route, provider, req, seam } = a;
  const settled = await Promise.allSettled(
    controllers.map((c) =>
      env.http(route.account).send(req, {
        signal: AbortSignal.any([a.signal, c.signal]),
        headersTimeoutMs: env.timeouts.firstByteMs,
      }),
    ),
  );
  const answered = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const dropAll = () => {
    for (const c of controllers) c.abort();
    for (const r of answered) void readBodyText(r.body).catch(() => undefined);
  };
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    dropAll();
    if (a.ctx.signal.aborted) throw failed.reason;
    throw seam.beforeFirstByte(seam.withRoute(toProxyError(failed.reason)));
  }
  const refused = answered.find((r) => r.status >= 400);
  if (refused) {
    const text = await readBodyText(refused.body).catch(() => '');
    dropAll();
    throw seam.beforeFirstByte(
      provider.mapError(
        { status: refused.status, headers: refused.headers, body: text },
        { upstreamModel: route.upstreamModel },
      ),
    );
  }
  return answered;
}

/** Serves one client request for n answers as n upstream requests on one route. */
export async function serveFanOut(a: FanOutArgs): Promise<{ status: number; error?: ErrorInfo }> {
  const controllers = Array.from({ length: a.n }, () => new AbortController());
  const answers = await sendAll(a, controllers);
  try {
    return a.ctx.canonical.stream
      ? await relayStreams(a, answers, controllers)
      : await relayWhole(a, answers);
  } finally {
    for (const c of controllers) c.abort();
  }
}

async function relayWhole(a: FanOutArgs, answers: UpstreamResponse[]): Promise<{ status: number }> {
  const { ctx, env, route, provider, seam } = a;
  const wireCodec = env.codecs.wire(a.wire);
  let decoded: CanonicalResponse[];
  try {
    decoded = await Promise.all(
      answers.map(async (upstream) => {
        const raw = await readBodyBytes(upstream.body, 256 * 1024 * 1024).catch((err: unknown) => {
          throw seam.readFailure(err);
        });
        let json: unknown;
        try {
          json = JSON.parse(redactRelayedAnswer(raw, env.redactor).toString('utf8'));
        } catch {
          throw notJsonError({ provider, route });
        }
        return wireCodec.decodeResponse(json);
      }),
    );
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw seam.beforeFirstByte(toProxyError(err));
  }
  const [first, ...rest] = decoded as [CanonicalResponse, ...CanonicalResponse[]];
  const moreChoices: CanonicalChoice[] = rest.map((r) => ({
    content: r.content,
    finishReason: r.finishReason,
    ...(r.stopSequence ? { stopSequence: r.stopSequence } : {}),
  }));
  const combined: CanonicalResponse = {
    ...first,
    moreChoices,
    usage: sumUsage(decoded.map((r) => r.usage)),
  };
  if (first.model) ctx.record.set({ responseModel: first.model });
  ctx.record.addUsage(combined.usage);
  env.hooks.onResponse?.(combined);
  let out: Record<string, unknown>;
  try {
    out = a.clientCodec.encodeResponse(combined, { model: ctx.canonical.model });
  } catch (err) {
    throw seam.beforeFirstByte(toProxyError(err));
  }
  ctx.record.firstToken();
  sendJson(ctx.res, 200, out, ctx.corsHeaders);
  return { status: 200 };
}

/** Interleaves n upstream streams into one client stream, choice by choice as events arrive. */
async function relayStreams(
  a: FanOutArgs,
  answers: UpstreamResponse[],
  controllers: AbortController[],
): Promise<{ status: number; error?: ErrorInfo }> {
  const { ctx, env, provider, clientCodec, seam } = a;
  const writer = new ClientStreamWriter(ctx.res, ctx.corsHeaders, ctx.streamMode, env.redactor);
  const decoder = env.codecs.wire(a.wire).streamDecoder;
  const encoder = clientCodec.streamEncoder;
  const encState = encoder.init({ model: ctx.canonical.model, includeUsage: ctx.canonical.includeUsage });
  const acc = env.hooks.onResponse ? createAccumulator() : undefined;
  const usages: Array<Partial<Usage>> = answers.map(() => ({}));
  let started = false;
  let failure: ProxyError | undefined;

  const fail = (err: ProxyError) => {
    if (failure) return;
    failure = err;
    for (const c of controllers) c.abort();
  };

  /** Turns one upstream's events into the client's: its choice on each, the usage summed. */
  const forward = (choice: number, events: StreamEvent[]): StreamEvent[] => {
    const out: StreamEvent[] = [];
    for (const ev of events) {
      if (ev.type === 'start') {
        if (ev.usage) usages[choice] = { ...usages[choice], ...ev.usage };
        if (!started) {
          started = true;
          if (ev.model) ctx.record.set({ responseModel: ev.model });
          out.push({ type: 'start', id: ev.id, model: ev.model });
        }
      } else if (ev.type === 'usage') {
        usages[choice] = { ...usages[choice], ...ev.usage };
        const total = sumUsage(usages);
        ctx.record.addUsage(total);
        out.push({ type: 'usage', usage: total });
      } else if (ev.type === 'error') {
        fail(ProxyError.fromInfo(ev.error));
        return out;
      } else {
        if (isContent(ev)) ctx.record.firstToken();
        out.push(choice === 0 ? ev : ({ ...ev, choice } as StreamEvent));
      }
    }
    return out;
  };

  const deliver = async (events: StreamEvent[]) => {
    if (failure || events.length === 0) return;
    if (acc) for (const ev of events) accumulateEvent(acc, ev);
    await writer.events(events.flatMap((ev) => encoder.encode(encState, ev)));
  };

  const pump = async (upstream: UpstreamResponse, choice: number) => {
    const state = decoder.init();
    try {
      for await (const wev of provider.readStream(upstream.body)) {
        await deliver(forward(choice, decoder.decode(state, wev)));
        if (failure || writer.closed) return;
      }
      await deliver(forward(choice, decoder.end(state)));
    } catch (err) {
      if (!failure && !ctx.signal.aborted) fail(seam.readFailure(err));
    }
  };

  await Promise.all(answers.map((upstream, choice) => pump(upstream, choice)));
  if (ctx.signal.aborted) {
    throw new ProxyError('internal', 'Client closed the connection', { messageRef: proxyMsg('clientGone') });
  }
  const failed = failure as ProxyError | undefined;
  if (failed && !writer.committed) throw seam.beforeFirstByte(failed);
  if (failed) {
    // Mid-stream failure of any answer ends the whole stream with an error, never as if complete.
    await writer.events([
      ...encoder.encode(encState, { type: 'error', error: failed.toInfo() }),
      ...encoder.end(encState),
    ]);
    writer.end();
    return { status: 200, error: failed.toInfo() };
  }
  await writer.events(encoder.end(encState));
  writer.end();
  if (acc) env.hooks.onResponse?.(accumulatedResponse(acc));
  return { status: 200 };
}
