import { ProxyError } from '../../canonical/errors.js';
import { proxyMsg } from '../../messages.js';
import { readSse } from '../../transport/sse.js';
import { readBodyText } from '../../transport/undici-http-client.js';
import type {
  ChatCall,
  CredentialTestResult,
  ModelListing,
  Provider,
  ProviderDeps,
  UpstreamRequest,
} from '../types.js';
import { mapUpstreamError } from '../upstream-error.js';
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

  async function fetchModels(signal?: AbortSignal): Promise<string[]> {
    const res = await deps.http.send(
      { url: `${base}/models`, method: 'GET', headers: headers() },
      { signal },
    );
    const text = await readBodyText(res.body);
    if (res.status >= 400) throw mapError({ status: res.status, headers: res.headers, body: text }, {});
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProxyError('upstream', `${base}/models did not answer with JSON`, {
        hint: 'Check that the base URL points at the API (it usually ends in /v1).',
        messageRef: proxyMsg('openaiModelsNotJson', { url: `${base}/models` }),
        hintRef: proxyMsg('openaiModelsNotJsonHint'),
      });
    }
    const data = (json as { data?: unknown; models?: unknown }).data ?? (json as { models?: unknown }).models;
    if (!Array.isArray(data)) return [];
    return data
      .map((m) =>
        typeof m === 'string'
          ? m
          : ((m as { id?: unknown; name?: unknown })?.id ?? (m as { name?: unknown })?.name),
      )
      .filter((id): id is string => typeof id === 'string' && id !== '');
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
    async listModels(signal): Promise<ModelListing> {
      const configured = account.models.map((m) => (typeof m === 'string' ? m : (m.upstream ?? m.id)));
      // The server's own list is always asked for (the settings window shows it to pick from);
      // discoverModels decides whether all of it is served without being picked.
      let found: string[];
      try {
        found = await fetchModels(signal);
      } catch (err) {
        if (account.discoverModels || signal?.aborted) throw err;
        const e = err instanceof ProxyError ? err : new ProxyError('upstream', String(err));
        return { models: configured.map((id) => ({ id })), source: 'config', reason: e.message };
      }
      const ids = [...new Set([...configured, ...found])];
      return { models: ids.map((id) => ({ id })), source: 'upstream' };
    },
    async testCredential(signal): Promise<CredentialTestResult> {
      const started = deps.now();
      try {
        const ids = await fetchModels(signal);
        return {
          ok: true,
          message: `Connected to ${base}: ${ids.length} model${ids.length === 1 ? '' : 's'} available`,
          messageRef: proxyMsg('openaiConnected', { url: base, count: ids.length }),
          latencyMs: deps.now() - started,
        };
      } catch (err) {
        const e = err instanceof ProxyError ? err : new ProxyError('upstream', String(err));
        return { ok: false, error: e.toInfo(), latencyMs: deps.now() - started };
      }
    },
    mapError,
  };
}
