import { ProxyError } from '../../canonical/errors.js';
import { proxyMsg } from '../../messages.js';
import { readSse } from '../../transport/sse.js';
import { listedModelsParts, sendForJson } from '../http-helpers.js';
import type { ChatCall, ModelInfo, Provider, ProviderDeps, UpstreamRequest } from '../types.js';
import { mapUpstreamError } from '../upstream-error.js';
import type { OpenAiModelEntry, OpenAiModelsList } from './api-types.js';
import { OPENAI_COMPATIBLE_PRESETS, type OpenAICompatibleAccount } from './config.js';

/** Base URL without a trailing slash: the account's override, else the preset's default. */
export function resolveBaseUrl(account: OpenAICompatibleAccount): string {
  const preset =
    account.provider === 'openai-compatible' ? undefined : OPENAI_COMPATIBLE_PRESETS[account.provider];
  const base = account.baseUrl ?? preset;
  if (!base) {
    throw new ProxyError('invalid_request', `Account "${account.id}" has no base URL`, {
      hint: 'Set the server address, e.g. http://127.0.0.1:11434/v1 for Ollama.',
      messageRef: proxyMsg('openaiNoBaseUrl', { account: account.id }),
      hintRef: proxyMsg('openaiNoBaseUrlHint'),
    });
  }
  return base.replace(/\/+$/, '');
}

/** Any server that speaks OpenAI Chat Completions: OpenAI, DeepSeek, OpenRouter, Ollama, LM Studio, vLLM… */
export function createOpenAICompatibleProvider(
  account: OpenAICompatibleAccount,
  deps: ProviderDeps,
): Provider {
  const base = resolveBaseUrl(account);
  const headers = (): Record<string, string> => {
    const h: Record<string, string> = { ...account.headers, accept: 'application/json' };
    if (account.apiKey) h.authorization = `Bearer ${account.apiKey}`;
    return h;
  };
  const post = (path: string, body: Record<string, unknown>, stream: boolean): UpstreamRequest => ({
    url: `${base}${path}`,
    method: 'POST',
    headers: {
      ...headers(),
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
    },
    body: JSON.stringify(body),
  });
  const mapError: Provider['mapError'] = (res, ctx) =>
    mapUpstreamError(res, { provider: account.label ?? account.provider, account: account.id, ...ctx });

  async function fetchModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const json = await sendForJson<OpenAiModelsList>(
      deps.http,
      { url: `${base}/models`, method: 'GET', headers: headers() },
      {
        signal,
        mapError: (res) => mapError(res, {}),
        notJson: () =>
          new ProxyError('upstream', `${base}/models did not answer with JSON`, {
            hint: 'Check that the base URL points at the API (it usually ends in /v1).',
            messageRef: proxyMsg('openaiModelsNotJson', { url: `${base}/models` }),
            hintRef: proxyMsg('openaiModelsNotJsonHint'),
          }),
      },
    );
    const data = json.data ?? json.models;
    if (!Array.isArray(data)) return [];
    return (data as OpenAiModelEntry[])
      .map((m) => (typeof m === 'string' ? m : (m?.id ?? m?.name)))
      .filter((id): id is string => typeof id === 'string' && id !== '')
      .map((id) => ({ id }));
  }

  return {
    kind: account.provider,
    accountId: account.id,
    rawStreamPassthrough: true,
    wireFor: () => 'openai',
    async prepareChat(call: ChatCall) {
      const body: Record<string, unknown> = { ...call.body, model: call.upstreamModel };
      return post('/chat/completions', body, call.stream);
    },
    async prepareCompletions(body, upstreamModel) {
      return post('/completions', { ...body, model: upstreamModel }, body.stream === true);
    },
    readStream: (body) => readSse(body),
    ...listedModelsParts(account, deps.now, fetchModels, (count) => ({
      message: `Connected to ${base}: ${count} model${count === 1 ? '' : 's'} available`,
      messageRef: proxyMsg('openaiConnected', { url: base, count }),
    })),
    mapError,
  };
}
