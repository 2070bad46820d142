import { toProxyError } from '../../canonical/errors.js';
import { proxyMsg } from '../../messages.js';
import { readSse } from '../../transport/sse.js';
import { modelListTest, sendForJson, upstreamModelId } from '../http-helpers.js';
import type { ChatCall, ModelInfo, ModelListing, Provider, ProviderDeps, UpstreamRequest } from '../types.js';
import type { GoogleAiModelsPage } from './api-types.js';
import { GOOGLE_AI_DEFAULT_BASE_URL, type GoogleAiAccount } from './config.js';
import { mapGoogleAiError } from './map-error.js';

/** Base URL without a trailing version segment, so users may paste either form. */
export function googleAiRoot(baseUrl: string | undefined): string {
  return (baseUrl ?? GOOGLE_AI_DEFAULT_BASE_URL)
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/(v1beta|v1alpha|v1)(\/models)?$/i, '');
}

/** `models/x`, `x` or `tunedModels/x` → the resource path segment(s), each URL-encoded. */
export function modelResource(model: string): string {
  const path = model.startsWith('tunedModels/') ? model : `models/${model.replace(/^models\//, '')}`;
  return path.split('/').map(encodeURIComponent).join('/');
}

const MAX_PAGES = 20;

/** A provider for Google AI Studio (the Gemini API with an API key). */
export function createGoogleAiProvider(account: GoogleAiAccount, deps: ProviderDeps): Provider {
  const root = googleAiRoot(account.baseUrl);
  const version = account.apiVersion ?? 'v1beta';
  const authHeaders = (): Record<string, string> => ({ 'x-goog-api-key': account.apiKey });

  const mapError: Provider['mapError'] = (res, ctx) =>
    mapGoogleAiError(res, { account: account.id, upstreamModel: ctx.upstreamModel });

  const getJson = <T>(url: string, signal?: AbortSignal): Promise<T> =>
    sendForJson<T>(
      deps.http,
      { url, method: 'GET', headers: authHeaders() },
      { signal, limit: 8 * 1024 * 1024, mapError: (res) => mapError(res, {}), notJson: toProxyError },
    );

  /** Every model that can chat, following nextPageToken. */
  async function fetchModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const models: ModelInfo[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const qs = new URLSearchParams({ pageSize: '1000' });
      if (pageToken) qs.set('pageToken', pageToken);
      const body = await getJson<GoogleAiModelsPage>(`${root}/${version}/models?${qs}`, signal);
      for (const m of body.models ?? []) {
        if (!m.name || !(m.supportedGenerationMethods ?? []).includes('generateContent')) continue;
        const info: ModelInfo = { id: m.name.replace(/^models\//, ''), ownedBy: 'google' };
        if (m.displayName) info.displayName = m.displayName;
        if (typeof m.inputTokenLimit === 'number') info.contextWindow = m.inputTokenLimit;
        models.push(info);
      }
      pageToken = body.nextPageToken || undefined;
      if (!pageToken) break;
    }
    return models;
  }

  function configuredModels(): ModelInfo[] {
    return account.models.map((m) => ({ id: upstreamModelId(m) }));
  }

  return {
    kind: 'google-ai',
    accountId: account.id,
    rawStreamPassthrough: true,
    wireFor: () => 'gemini',

    async prepareChat(call: ChatCall): Promise<UpstreamRequest> {
      const { model: _model, ...body } = call.body;
      const action = call.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
      return {
        url: `${root}/${version}/${modelResource(call.upstreamModel)}:${action}`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeaders() },
        body: JSON.stringify(body),
      };
    },

    /** countTokens takes `contents` alone, or the whole generate request when it has more (system, tools). */
    async prepareCountTokens(call: ChatCall): Promise<UpstreamRequest> {
      const { model: _model, generationConfig: _g, safetySettings: _s, ...rest } = call.body;
      const onlyContents = Object.keys(rest).every((k) => k === 'contents');
      const body = onlyContents
        ? rest
        : { generateContentRequest: { model: modelResource(call.upstreamModel), ...rest } };
      return {
        url: `${root}/${version}/${modelResource(call.upstreamModel)}:countTokens`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeaders() },
        body: JSON.stringify(body),
      };
    },

    readStream: readSse,

    async listModels(signal?: AbortSignal): Promise<ModelListing> {
      try {
        return { models: await fetchModels(signal), source: 'upstream' };
      } catch (err) {
        if (signal?.aborted) throw err;
        const e = toProxyError(err);
        return {
          models: configuredModels(),
          source: 'config',
          reason: e.userMessage,
          reasonRef: e.messageRef,
        };
      }
    },

    testCredential: (signal?: AbortSignal) =>
      modelListTest(
        deps.now,
        () => fetchModels(signal),
        (count) => ({
          message: `Connected to Google AI Studio: ${count} chat model${count === 1 ? '' : 's'} available.`,
          messageRef: proxyMsg('googleAiConnected', { count }),
        }),
      ),

    mapError,
  };
}

export { type GoogleAiAccount, googleAiAccountSchema } from './config.js';
export { mapGoogleAiError } from './map-error.js';
