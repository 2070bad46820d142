import { proxyMsg } from '../../messages.js';
import { readSse } from '../../transport/sse.js';
import { asUpstreamError, listedModelsParts, sendForJson } from '../http-helpers.js';
import type { ChatCall, ModelInfo, Provider, ProviderDeps, UpstreamRequest } from '../types.js';
import type { AnthropicModelsPage } from './api-types.js';
import type { AnthropicAccount } from './config.js';
import { mapAnthropicError } from './map-error.js';

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** The Anthropic API with an API key. Speaks Anthropic Messages natively. */
export function createAnthropicProvider(account: AnthropicAccount, deps: ProviderDeps): Provider {
  const base = (account.baseUrl ?? 'https://api.anthropic.com').replace(/\/+$/, '').replace(/\/v1$/, '');
  const headers = (call?: Pick<ChatCall, 'anthropicVersion' | 'anthropicBeta'>): Record<string, string> => {
    const h: Record<string, string> = {
      'x-api-key': account.apiKey,
      'anthropic-version': call?.anthropicVersion ?? DEFAULT_ANTHROPIC_VERSION,
      accept: 'application/json',
    };
    if (call?.anthropicBeta?.length) h['anthropic-beta'] = call.anthropicBeta.join(',');
    return h;
  };
  const post = (path: string, call: ChatCall, body: Record<string, unknown>): UpstreamRequest => ({
    url: `${base}${path}`,
    method: 'POST',
    headers: { ...headers(call), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const mapError: Provider['mapError'] = (res, ctx) =>
    mapAnthropicError(res, { account: account.id, ...ctx });

  async function fetchModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const out: ModelInfo[] = [];
    let after: string | undefined;
    for (let page = 0; page < 20; page++) {
      const q = new URLSearchParams({ limit: '1000' });
      if (after) q.set('after_id', after);
      const json = await sendForJson<AnthropicModelsPage>(
        deps.http,
        { url: `${base}/v1/models?${q}`, method: 'GET', headers: headers() },
        { signal, mapError: (res) => mapError(res, {}), notJson: asUpstreamError },
      );
      for (const m of json.data ?? [])
        out.push({ id: m.id, displayName: m.display_name, ownedBy: 'anthropic' });
      if (!json.has_more || !json.last_id) break;
      after = json.last_id;
    }
    return out;
  }

  return {
    kind: 'anthropic',
    accountId: account.id,
    rawStreamPassthrough: true,
    wireFor: () => 'anthropic',
    async prepareChat(call) {
      return post('/v1/messages', call, { ...call.body, model: call.upstreamModel });
    },
    async prepareCountTokens(call) {
      const { stream: _s, max_tokens: _m, ...rest } = call.body;
      return post('/v1/messages/count_tokens', call, { ...rest, model: call.upstreamModel });
    },
    readStream: (body) => readSse(body),
    ...listedModelsParts(account, deps.now, fetchModels, (count) => ({
      message: `Anthropic key works: ${count} models available`,
      messageRef: proxyMsg('anthropicConnected', { count }),
    })),
    mapError,
  };
}
