import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProxyError, toProxyError } from '../canonical/errors.js';
import type { Dialect } from '../canonical/types.js';
import type { AccessKeyConfig } from '../config/schema.js';
import type { InboundMeta } from '../dialects/types.js';
import { proxyMsg } from '../messages.js';
import type { LimitsLedger } from '../observability/limits-ledger.js';
import { RecordBuilder } from '../observability/recorder.js';
import type { RequestRecord } from '../observability/types.js';
import type { ModelCatalog, Route } from '../routing/catalog.js';
import { parseClientHeaders } from './attempt.js';
import { serveChat } from './chat-pipeline.js';
import { checkJsonLimits } from './json-limits.js';
import { checkKeyModel, checkLimits, keyAllowsModel } from './limit-check.js';
import { type RelayContext, serveCompletions, serveCountTokens } from './relay-endpoints.js';
import { sendError, sendJson } from './respond.js';
import { dialectForPath, matchRoute, normalizePath, type RouteMatch } from './route-table.js';
import { checkRequest } from './security-gate.js';
import type { ServingState } from './serving-state.js';

export interface HandlerDeps {
  publish(record: RequestRecord): void;
  now(): number;
  version: string;
  startedAt: () => number;
  /** Spend-limit use so far (issue 19): checked before a request is sent. */
  ledger(): LimitsLedger;
  counters: {
    requests: number;
    errors: number;
    inputTokens: number;
    outputTokens: number;
    activeStreams: number;
  };
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function endpointName(m: RouteMatch): string {
  return m.kind === 'model' ? 'models' : m.kind;
}

function dialectOf(m: RouteMatch): Dialect | 'none' {
  return 'dialect' in m ? m.dialect : m.kind === 'completions' ? 'openai' : 'none';
}

function notFoundModel(model: string, catalog: ModelCatalog): ProxyError {
  const ids = catalog.list().map((m) => m.id);
  const shown = ids.slice(0, 30).join(', ');
  return new ProxyError('not_found', `Model "${model}" is not available`, {
    code: 'model_not_found',
    hint: ids.length
      ? `Available models: ${shown}${ids.length > 30 ? `, … (${ids.length} in all)` : ''}`
      : 'No models are configured yet: add an account and pick its models in Keybridge.',
    messageRef: proxyMsg('modelNotAvailable', { model }),
    hintRef: ids.length
      ? proxyMsg('modelsAvailableHint', {
          models: `${shown}${ids.length > 30 ? ', …' : ''}`,
          count: ids.length,
        })
      : proxyMsg('noModelsYetHint'),
  });
}

/** Resolves routes for a model, refreshing discovery once when the model is unknown. */
async function routesFor(state: ServingState, model: string): Promise<Route[]> {
  let routes = state.catalog.resolve(model);
  if (routes.length === 0) {
    await state.catalog.discover();
    routes = state.catalog.resolve(model);
  }
  if (routes.length === 0) throw notFoundModel(model, state.catalog);
  return routes;
}

/**
 * The request target as a URL. An origin-form target is always a path on this server (`//x/…` is
 * a doubled slash, not a host); a target the URL parser refuses is answered 404, not an exception.
 */
function requestUrl(target = '/'): URL {
  try {
    // absolute-form (`POST http://127.0.0.1:5731/v1/…`) is legal HTTP/1.1: keep reading its path
    if (/^https?:\/\//i.test(target)) return new URL(target);
    return new URL(`http://localhost${target.startsWith('/') ? '' : '/'}${target}`);
  } catch {
    return new URL('http://localhost/%');
  }
}

/** The request handler of the proxy's HTTP server. */
export function createRequestHandler(deps: HandlerDeps) {
  return async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    state: ServingState,
  ): Promise<void> {
    const url = requestUrl(req.url);
    const path = normalizePath(url.pathname);
    const method = (req.method ?? 'GET').toUpperCase();
    const match = matchRoute(method, path);
    const dialect: Dialect = 'dialect' in match ? match.dialect : dialectForPath(path);
    const record = new RecordBuilder(
      { method, path, dialect: dialectOf(match), endpoint: endpointName(match) },
      deps.now,
      (r) => {
        deps.counters.requests++;
        if (r.status >= 400 || r.error) deps.counters.errors++;
        deps.counters.inputTokens += r.usage?.inputTokens ?? 0;
        deps.counters.outputTokens += r.usage?.outputTokens ?? 0;
        deps.publish(r);
      },
    );
    // The record's id, so a caller (the app's "Send a test message") can find what happened.
    res.setHeader('x-request-id', record.record.id);
    const codec = state.env.codecs.dialect(dialect);
    let cors: Record<string, string> = {};
    const fail = (err: unknown) => {
      const pe = state.env.redactor ? state.env.redactor.error(toProxyError(err)) : toProxyError(err);
      record.finish(pe.status, pe.toInfo());
      sendError(res, pe, codec.encodeError(pe), cors);
    };

    const abort = new AbortController();
    // The headers the upstream call needs, parsed once for every path and attempt.
    const headers = parseClientHeaders(req.headers);
    const relay = (): RelayContext => ({ state, dialect, headers, res, record, cors, signal: abort.signal });
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });

    try {
      const gate = checkRequest(
        { method, headers: req.headers, query: url.searchParams, remoteAddress: req.socket.remoteAddress },
        { server: state.config.server, extraHosts: state.extraHosts },
      );
      cors = gate.corsHeaders;
      // Limits (issue 19): who is calling, by the NAME of their access key.
      const accessKey = gate.accessKey;
      if (accessKey) record.set({ accessKey: accessKey.name });
      /** The routes a model may take for this caller: the key's models, then the spend limits. */
      const allowedRoutes = async (model: unknown, limited: boolean): Promise<Route[]> => {
        if (typeof model === 'string') checkKeyModel(accessKey, model, state.catalog);
        const routes = await routesFor(state, model as string);
        if (limited) checkLimits({ config: state.config, ledger: deps.ledger(), now: deps.now(), accessKey });
        return routes;
      };
      if (gate.preflight) {
        res.writeHead(204, cors);
        res.end();
        return;
      }
      switch (match.kind) {
        case 'status':
          record.finish(200);
          sendJson(res, 200, statusBody(deps, state, req), cors);
          return;
        case 'healthz':
          record.finish(200);
          sendJson(res, 200, { ok: true }, cors);
          return;
        case 'models':
        case 'model':
          await state.catalog.discover();
          sendJson(res, 200, modelsBody(match, state, req, url, accessKey), cors);
          record.finish(200);
          return;
        case 'method_not_allowed':
          res.setHeader('allow', match.allowed);
          throw new ProxyError('invalid_request', `Use ${match.allowed} for ${path}`, {
            status: 405,
            messageRef: proxyMsg('methodNotAllowed', { allowed: match.allowed, path }),
          });
        case 'bad_path':
          throw new ProxyError(
            'invalid_request',
            'The request path is not valid: it has a malformed %-escape',
            {
              hint: 'Use the base URL shown in Keybridge → Connect, and model ids as listed by /v1/models.',
              messageRef: proxyMsg('badPath'),
              hintRef: proxyMsg('badPathHint'),
            },
          );
        case 'not_found':
          throw new ProxyError('not_found', `No endpoint at ${method} ${path}`, {
            hint: 'Use the base URL shown in Keybridge → Connect (for OpenAI-style clients it ends in /v1).',
            messageRef: proxyMsg('noEndpoint', { method, path }),
            hintRef: proxyMsg('noEndpointHint'),
          });
        default:
          break;
      }

      const limit = state.config.server.bodyLimitMb * 1024 * 1024;
      let raw: Buffer;
      try {
        raw = await readBody(req, limit);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          res.setHeader('connection', 'close');
          throw new ProxyError(
            'payload_too_large',
            `Request body is larger than ${state.config.server.bodyLimitMb} MiB`,
            {
              hint: 'Send fewer or smaller images, or raise server.bodyLimitMb.',
              messageRef: proxyMsg('bodyTooLarge', { mb: state.config.server.bodyLimitMb }),
              hintRef: proxyMsg('bodyTooLargeHint'),
            },
          );
        }
        throw err;
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        const detail = (err as Error).message;
        throw new ProxyError('invalid_request', `Request body is not valid JSON: ${detail}`, {
          messageRef: proxyMsg('bodyNotJson', { detail }),
        });
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new ProxyError('invalid_request', 'Request body must be a JSON object', {
          messageRef: proxyMsg('bodyNotObject'),
        });
      }
      checkJsonLimits(body);
      const obj = body as Record<string, unknown>;

      if (match.kind === 'completions') {
        await serveCompletions(obj, relay(), (m) => allowedRoutes(m, true));
        return;
      }
      if (match.kind === 'count_tokens') {
        await serveCountTokens(match.model ?? obj.model, obj, relay(), (m) => allowedRoutes(m, false));
        return;
      }
      if (match.kind !== 'chat') {
        throw new ProxyError('not_found', `No endpoint at ${method} ${path}`, {
          messageRef: proxyMsg('noEndpoint', { method, path }),
        });
      }

      const meta: InboundMeta = {
        pathModel: match.model,
        pathStream: match.stream,
        anthropicBeta: headers.anthropicBeta,
      };
      const canonical = codec.decodeRequest(obj, meta);
      record.set({ publicModel: canonical.model, stream: canonical.stream });
      // Limits (issue 19): the one check before the first upstream call.
      const routes = await allowedRoutes(canonical.model, true);
      if (canonical.stream) deps.counters.activeStreams++;
      try {
        await serveChat(
          {
            dialect,
            body: obj,
            meta,
            headers,
            res,
            signal: abort.signal,
            record,
            corsHeaders: cors,
            streamMode:
              dialect === 'gemini' && match.stream && url.searchParams.get('alt') !== 'sse'
                ? 'json-array'
                : 'sse',
            routes,
            canonical,
          },
          state.env,
        );
      } finally {
        if (canonical.stream) deps.counters.activeStreams--;
      }
    } catch (err) {
      if (abort.signal.aborted) {
        record.set({ clientAborted: true });
        record.finish(499, {
          status: 499,
          kind: 'internal',
          message: 'Client closed the connection',
          messageRef: proxyMsg('clientGone'),
        });
        return;
      }
      fail(err);
    }
  };
}

function baseUrlOf(req: IncomingMessage): string {
  const host = typeof req.headers.host === 'string' ? req.headers.host : '127.0.0.1';
  return `http://${host}`;
}

function statusBody(deps: HandlerDeps, state: ServingState, req: IncomingMessage) {
  const base = baseUrlOf(req);
  return {
    name: 'Keybridge',
    version: deps.version,
    uptimeSeconds: Math.round((deps.now() - deps.startedAt()) / 1000),
    endpoints: {
      openai: `${base}/v1`,
      anthropic: `${base}/v1`,
      gemini: `${base}`,
    },
    accounts: state.config.accounts.filter((a) => a.enabled).length,
    models: state.catalog.list().length,
    accessKeyRequired: state.config.server.requireAccessKey,
    requests: deps.counters.requests,
    errors: deps.counters.errors,
    tokens: { input: deps.counters.inputTokens, output: deps.counters.outputTokens },
    activeStreams: deps.counters.activeStreams,
  };
}

function modelsBody(
  match: RouteMatch,
  state: ServingState,
  req: IncomingMessage,
  url: URL,
  accessKey?: AccessKeyConfig,
): unknown {
  // A key for another person or app sees only the models it may use.
  const models = state.catalog.list().filter((m) => keyAllowsModel(accessKey, m.id, state.catalog));
  if (match.kind === 'model') {
    const id = state.catalog.canonicalId(match.model);
    const found = models.find((m) => m.id === match.model || m.id === id);
    if (!found) throw notFoundModel(match.model, state.catalog);
    return geminiModel(found.id);
  }
  if (match.kind !== 'models') return {};
  if (match.dialect === 'gemini') {
    const size = Math.min(Math.max(Number(url.searchParams.get('pageSize')) || 50, 1), 1000);
    const start = Math.max(Number(url.searchParams.get('pageToken')) || 0, 0);
    const page = models.slice(start, start + size).map((m) => geminiModel(m.id));
    return start + size < models.length
      ? { models: page, nextPageToken: String(start + size) }
      : { models: page };
  }
  if (req.headers['anthropic-version']) {
    const data = models.map((m) => ({
      type: 'model',
      id: m.id,
      display_name: m.id,
      created_at: '1970-01-01T00:00:00Z',
    }));
    return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  }
  return {
    object: 'list',
    data: models.map((m) => ({
      id: m.id,
      object: 'model',
      created: 0,
      owned_by: m.routes[0]?.provider.kind ?? 'keybridge',
    })),
  };
}

function geminiModel(id: string) {
  return {
    name: `models/${id}`,
    baseModelId: id,
    version: '001',
    displayName: id,
    description: `${id} via Keybridge`,
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
  };
}
