import { ProxyError, toProxyError } from '../../canonical/errors.js';
import type { WireEvent, WireFormat } from '../../canonical/types.js';
import { type MessageRef, proxyMsg } from '../../messages.js';
import { readSse } from '../../transport/sse.js';
import { type CredentialPass, sendForJson, timedCredentialTest, upstreamModelId } from '../http-helpers.js';
import type {
  ChatCall,
  CredentialTestResult,
  ModelInfo,
  ModelListing,
  Provider,
  ProviderDeps,
  UpstreamErrorResponse,
  UpstreamRequest,
} from '../types.js';
import type { VertexPublisherModel, VertexPublisherModelsPage } from './api-types.js';
import { catalogModels, findCatalogEntry, VERTEX_CATALOG_AS_OF } from './catalog.js';
import type { VertexAccount } from './config.js';
import {
  betaHeaderFor,
  chatUrl,
  collectBetas,
  countTokensUrl,
  type ModelAddress,
  type Publisher,
  publisherFor,
  publisherModelsUrl,
  toVertexClaudeBody,
  toVertexClaudeCountBody,
  toVertexGeminiBody,
  vertexBaseUrl,
  wireForModel,
} from './endpoint.js';
import { mapVertexError } from './map-error.js';
import { loadServiceAccount, type ServiceAccount } from './service-account.js';
import { createTokenSource, type TokenCache, type TokenSource } from './token-source.js';

export { type VertexAccount, vertexAccountSchema } from './config.js';
export { loadServiceAccount, parseServiceAccount, type ServiceAccount } from './service-account.js';
export { TokenCache } from './token-source.js';

/** Vertex-only options beside the common ProviderDeps. */
export interface VertexProviderOptions {
  /** Token cache shared across provider instances (keeps tokens over config reloads). */
  tokenCache?: TokenCache;
  /** Longest wait for Google's token endpoint. Default 20 s. */
  tokenTimeoutMs?: number;
}

/**
 * Model the credential test uses when the account names none (its countTokens is free): a
 * current Gemini on the global endpoint, and one that is also served regionally elsewhere.
 */
function defaultTestModel(region: string): string {
  return region === 'global' ? 'gemini-3.1-flash-lite' : 'gemini-2.5-pro';
}

function jsonHeaders(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json',
    ...extra,
  };
}

/** Last path segment of a Model Garden name, e.g. `publishers/google/models/gemini-2.5-flash`. */
function modelIdFromPublisherModel(
  rec: VertexPublisherModel | null | undefined,
  publisher: Publisher,
): string | undefined {
  if (rec === null || typeof rec !== 'object') return undefined;
  const name = typeof rec.name === 'string' ? rec.name : '';
  const id = name.split('/').at(-1) ?? '';
  if (!id) return undefined;
  if (publisher === 'anthropic') {
    if (!/^claude/.test(id)) return undefined;
    const version = typeof rec.versionId === 'string' ? rec.versionId : '';
    return /^\d{8}$/.test(version) && !id.includes('@') ? `${id}@${version}` : id;
  }
  // Chat models only: not embeddings, image or speech generators.
  if (!/^gemini/.test(id) || /embedding|image|tts|live|audio/.test(id)) return undefined;
  return id;
}

/** Creates the Vertex AI provider for one account: Claude (Anthropic body) and Gemini. */
export function createVertexProvider(
  account: VertexAccount,
  deps: ProviderDeps,
  options: VertexProviderOptions = {},
): Provider {
  let resolved: { sa: ServiceAccount; tokens: TokenSource; addr: ModelAddress } | undefined;

  const setup = () => {
    if (!resolved) {
      const loaded = loadServiceAccount(account, deps.baseDir);
      if (!loaded.ok) throw loaded.error;
      const sa = loaded.value;
      const tokens = createTokenSource(sa, {
        http: deps.http,
        now: deps.now,
        cache: options.tokenCache,
        timeoutMs: options.tokenTimeoutMs,
      });
      const addr: ModelAddress = {
        baseUrl: vertexBaseUrl(account.region, sa.universeDomain, account.baseUrl),
        projectId: sa.projectId,
        region: account.region,
      };
      resolved = { sa, tokens, addr };
    }
    return resolved;
  };

  const tagged = (err: unknown, upstreamModel?: string): ProxyError => {
    const e = toProxyError(err);
    if (e.account) return e;
    return new ProxyError(e.kind, e.message, {
      status: e.status,
      hint: e.hint,
      code: e.code,
      retryAfterMs: e.retryAfterMs,
      retryable: e.retryable,
      account: account.id,
      upstreamModel,
      cause: e,
      messageRef: e.messageRef,
      hintRef: e.hintRef,
    });
  };

  const token = async (signal?: AbortSignal, upstreamModel?: string): Promise<string> => {
    try {
      return await setup().tokens.getToken(signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      throw tagged(err, upstreamModel);
    }
  };

  const mapError = (res: UpstreamErrorResponse, ctx: { upstreamModel?: string }): ProxyError => {
    let r: ReturnType<typeof setup> | undefined;
    try {
      r = setup();
    } catch {
      r = undefined;
    }
    if (res.status === 401 && r) r.tokens.invalidate();
    return mapVertexError(res, {
      account: account.id,
      projectId: r?.sa.projectId ?? account.projectId ?? '(unknown project)',
      region: account.region,
      clientEmail: r?.sa.clientEmail ?? '(service account)',
      upstreamModel: ctx.upstreamModel,
      now: deps.now(),
    });
  };

  const buildBody = (call: ChatCall): { body: Record<string, unknown>; headers: Record<string, string> } => {
    if (publisherFor(call.upstreamModel) === 'anthropic') {
      const betas = collectBetas(call.anthropicBeta, call.body.anthropic_beta);
      const header = betaHeaderFor(betas);
      return {
        body: toVertexClaudeBody(call.body, { stream: call.stream, betas }),
        headers: header ? { 'anthropic-beta': header } : {},
      };
    }
    return { body: toVertexGeminiBody(call.body), headers: {} };
  };

  const prepareChat = async (call: ChatCall): Promise<UpstreamRequest> => {
    const { addr } = setup();
    const access = await token(undefined, call.upstreamModel);
    const { body, headers } = buildBody(call);
    const extra: Record<string, string> = { ...headers };
    if (call.stream) extra.accept = 'text/event-stream';
    return {
      url: chatUrl(addr, call.upstreamModel, call.stream),
      method: 'POST',
      headers: jsonHeaders(access, extra),
      body: JSON.stringify(body),
    };
  };

  const prepareCountTokens = async (call: ChatCall): Promise<UpstreamRequest> => {
    const { addr } = setup();
    const access = await token(undefined, call.upstreamModel);
    let body: Record<string, unknown>;
    const headers: Record<string, string> = {};
    if (publisherFor(call.upstreamModel) === 'anthropic') {
      const betas = collectBetas(call.anthropicBeta, call.body.anthropic_beta);
      const header = betaHeaderFor(betas);
      if (header) headers['anthropic-beta'] = header;
      body = toVertexClaudeCountBody(call.body, { model: call.upstreamModel, betas });
    } else {
      const { generationConfig: _g, safetySettings: _s, ...rest } = toVertexGeminiBody(call.body);
      body = rest;
    }
    return {
      url: countTokensUrl(addr, call.upstreamModel),
      method: 'POST',
      headers: jsonHeaders(access, headers),
      body: JSON.stringify(body),
    };
  };

  /** Sends a request and returns its JSON, or throws the mapped upstream error. */
  const sendJson = <T>(req: UpstreamRequest, upstreamModel: string | undefined, signal?: AbortSignal) =>
    sendForJson<T>(deps.http, req, {
      signal,
      mapError: (res) => mapError(res, { upstreamModel }),
      notJson: () =>
        new ProxyError('upstream', 'Vertex AI sent an unreadable answer', {
          account: account.id,
          upstreamModel,
          retryable: true,
          messageRef: proxyMsg('vertexUnreadable'),
        }),
    });

  const discover = async (signal?: AbortSignal): Promise<ModelInfo[]> => {
    const { addr, sa } = setup();
    const access = await token(signal);
    const found: ModelInfo[] = [];
    for (const publisher of ['anthropic', 'google'] as const) {
      let pageToken: string | undefined;
      for (let page = 0; page < 10; page++) {
        const url =
          publisherModelsUrl(addr.baseUrl, publisher) +
          (pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : '');
        const json = await sendJson<VertexPublisherModelsPage>(
          { url, method: 'GET', headers: jsonHeaders(access, { 'x-goog-user-project': sa.projectId }) },
          undefined,
          signal,
        );
        for (const pm of json.publisherModels ?? []) {
          const id = modelIdFromPublisherModel(pm, publisher);
          if (id && !found.some((m) => m.id === id)) {
            const known = findCatalogEntry(id);
            found.push({
              id,
              displayName: known?.displayName,
              contextWindow: known?.contextWindow,
              ownedBy: publisher,
            });
          }
        }
        pageToken = json.nextPageToken || undefined;
        if (!pageToken) break;
      }
    }
    return found;
  };

  return {
    kind: 'vertex',
    accountId: account.id,
    rawStreamPassthrough: true,
    nativeStructuredOutput: false,

    wireFor(upstreamModel: string): WireFormat {
      return wireForModel(upstreamModel);
    },

    prepareChat,
    prepareCountTokens,

    readStream(body: AsyncIterable<Uint8Array>): AsyncIterable<WireEvent> {
      return readSse(body);
    },

    async listModels(signal?: AbortSignal): Promise<ModelListing> {
      const catalog = (reason: string, reasonRef: MessageRef): ModelListing => ({
        models: catalogModels(),
        source: 'catalog',
        reason: `${reason}; showing the known catalog (as of ${VERTEX_CATALOG_AS_OF})`,
        reasonRef,
      });
      const asOf = VERTEX_CATALOG_AS_OF;
      try {
        const models = await discover(signal);
        if (models.length === 0)
          return catalog(
            'Google listed no Claude or Gemini models for this project',
            proxyMsg('vertexCatalogNoModels', { asOf }),
          );
        return { models, source: 'upstream' };
      } catch (err) {
        if (signal?.aborted) throw err;
        const e = toProxyError(err);
        if (e.kind === 'permission') {
          const projectId = resolved?.sa.projectId ?? 'the project';
          return catalog(
            e.code === 'vertex_api_disabled'
              ? `listing models needs the Vertex AI API enabled in ${projectId}`
              : `listing models needs the Service Usage Consumer role (roles/serviceusage.serviceUsageConsumer) on ${projectId}`,
            e.code === 'vertex_api_disabled'
              ? proxyMsg('vertexCatalogApiDisabled', { project: projectId, asOf })
              : proxyMsg('vertexCatalogNeedsRole', { project: projectId, asOf }),
          );
        }
        return catalog(
          `could not list models (${e.message})`,
          proxyMsg('vertexCatalogFailed', { detail: e.message, asOf }),
        );
      }
    },

    testCredential(signal?: AbortSignal): Promise<CredentialTestResult> {
      const first = account.models[0];
      const model = first ? upstreamModelId(first) : defaultTestModel(account.region);
      const run = async (): Promise<CredentialPass> => {
        const { sa, addr } = setup();
        await token(signal, model);
        // The cheapest call that proves this key may use this model here: Gemini's countTokens
        // is free and checks the API, the IAM role and the model's region. For Claude a
        // 1-token rawPredict (a fraction of a cent) is the only call that also proves the model
        // is enabled in Model Garden, which is the step Claude users most often miss.
        const call: ChatCall =
          publisherFor(model) === 'anthropic'
            ? {
                upstreamModel: model,
                stream: false,
                body: { max_tokens: 1, messages: [{ role: 'user', content: 'Hi' }] },
              }
            : {
                upstreamModel: model,
                stream: false,
                body: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
              };
        const req =
          publisherFor(model) === 'anthropic' ? await prepareChat(call) : await prepareCountTokens(call);
        await sendJson(req, model, signal);
        return {
          message: `Signed in as ${sa.clientEmail}; ${model} answered in ${addr.region} (project ${sa.projectId}).`,
          messageRef: proxyMsg('vertexConnected', {
            email: sa.clientEmail,
            model,
            region: addr.region,
            project: sa.projectId,
          }),
        };
      };
      return timedCredentialTest(deps.now, run, (err) => {
        if (signal?.aborted) throw err;
        return tagged(err, model);
      });
    },

    mapError,

    async close() {
      // Tokens live in the (possibly shared) cache; nothing else to release.
    },
  };
}
