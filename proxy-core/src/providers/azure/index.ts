import { ProxyError } from '../../canonical/errors.js';
import type { WireFormat } from '../../canonical/types.js';
import { proxyMsg } from '../../messages.js';
import { readSse } from '../../transport/sse.js';
import { asUpstreamError, sendAndRead, sendForJson, timedCredentialTest } from '../http-helpers.js';
import type { ChatCall, ModelInfo, ModelListing, Provider, ProviderDeps, UpstreamRequest } from '../types.js';
import type { AzureDeploymentList, AzureErrorAnswer } from './api-types.js';
import {
  AZURE_DEFAULT_API_VERSION,
  AZURE_DEPLOYMENTS_LIST_API_VERSION,
  type AzureAccount,
  type AzureDeployment,
  parseAzureEndpoint,
  servedDeployments,
} from './config.js';
import { mapAzureError } from './map-error.js';

export { type AzureAccount, azureAccountSchema } from './config.js';
export { mapAzureError } from './map-error.js';

/** Reasoning models take max_completion_tokens, not max_tokens (o1, o3, o4-mini, gpt-5…). */
export function isReasoningModel(model: string): boolean {
  return /^(o\d+(-|$)|gpt-5)/i.test(model.trim());
}

/** Which deployment serves an upstream model id: a deployment name, or a model name mapped to one. */
export function resolveDeployment(
  upstreamModel: string,
  deployments: AzureDeployment[],
): { deployment: string; model: string } {
  const byName = deployments.find((d) => d.name === upstreamModel);
  if (byName) return { deployment: byName.name, model: byName.model ?? byName.name };
  const byModel = deployments.find((d) => d.model === upstreamModel);
  if (byModel) return { deployment: byModel.name, model: upstreamModel };
  return { deployment: upstreamModel, model: upstreamModel };
}

/** The body edits Azure needs: the deployment as model, and max_completion_tokens for reasoning models. */
export function editChatBody(
  body: Record<string, unknown>,
  deployment: string,
  model: string,
  learned?: LearnedLimits,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body, model: deployment };
  if ((isReasoningModel(model) || learned?.needsCompletionTokens) && out.max_tokens !== undefined) {
    if (out.max_completion_tokens === undefined) out.max_completion_tokens = out.max_tokens;
    delete out.max_tokens;
  }
  for (const p of learned?.dropParams ?? []) delete out[p];
  return out;
}

/**
 * What a deployment turned out to reject (learned from its 400 answers), so the next attempt
 * sends what it accepts: max_completion_tokens instead of max_tokens, and no sampling
 * parameters a reasoning model refuses.
 */
export interface LearnedLimits {
  needsCompletionTokens: boolean;
  dropParams: Set<string>;
}

/** Parameters safe to leave out when a deployment refuses them (they only tune sampling). */
export const DROPPABLE_PARAMS = new Set([
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
]);

/** Reads Azure/OpenAI's "unsupported parameter/value" 400 answer: which parameter, if any. */
export function rejectedParam(body: string): string | undefined {
  try {
    const err = (JSON.parse(body) as AzureErrorAnswer).error;
    if (!err || (err.code !== 'unsupported_parameter' && err.code !== 'unsupported_value')) return undefined;
    return typeof err.param === 'string' ? err.param : undefined;
  } catch {
    return undefined;
  }
}

export function createAzureProvider(account: AzureAccount, deps: ProviderDeps): Provider {
  const parsed = parseAzureEndpoint(account.baseUrl ?? account.endpoint);
  const apiVersion = account.apiVersion ?? parsed.apiVersion ?? AZURE_DEFAULT_API_VERSION;
  const useV1 = account.api === 'v1' || (parsed.v1 && account.api !== 'deployments');
  const configured = servedDeployments(account);
  /** Per deployment, what it refused so far (this provider instance's memory; never persisted). */
  const learned = new Map<string, LearnedLimits>();

  const headers = (json: boolean): Record<string, string> => {
    const h: Record<string, string> = { 'api-key': account.apiKey, accept: 'application/json' };
    if (json) h['content-type'] = 'application/json';
    return h;
  };

  const chatUrl = (deployment: string): string =>
    useV1
      ? `${parsed.root}/openai/v1/chat/completions`
      : `${parsed.root}/openai/deployments/${encodeURIComponent(deployment)}/chat/completions?api-version=${encodeURIComponent(apiVersion)}`;

  const prepareChat = async (call: ChatCall): Promise<UpstreamRequest> => {
    const { deployment, model } = resolveDeployment(call.upstreamModel, configured);
    const body = editChatBody(call.body, deployment, model, learned.get(deployment));
    const h = headers(true);
    if (call.stream) h.accept = 'text/event-stream';
    return { url: chatUrl(deployment), method: 'POST', headers: h, body: JSON.stringify(body) };
  };

  const configListing = (reason?: string): ModelListing => {
    const models: ModelInfo[] = configured.map((d) => ({
      id: d.name,
      displayName: d.model && d.model !== d.name ? `${d.name} (${d.model})` : d.name,
      ownedBy: 'azure',
    }));
    const listing: ModelListing = { models, source: 'config' };
    if (reason) listing.reason = reason;
    return listing;
  };

  /** GET the data-plane deployment list; a ProxyError when Azure refuses. */
  const fetchDeployments = async (signal?: AbortSignal): Promise<AzureDeployment[]> => {
    const list = await sendForJson<AzureDeploymentList>(
      deps.http,
      {
        url: `${parsed.root}/openai/deployments?api-version=${AZURE_DEPLOYMENTS_LIST_API_VERSION}`,
        method: 'GET',
        headers: headers(false),
      },
      {
        signal,
        mapError: (res) => mapAzureError(res, { account: account.id, now: deps.now() }),
        notJson: () =>
          new ProxyError('upstream', 'Azure sent an unreadable deployment list', {
            account: account.id,
            messageRef: proxyMsg('azureDeploymentsUnreadable'),
          }),
      },
    );
    return (list.data ?? [])
      .filter((d): d is { id: string; model?: string; status?: string } => typeof d.id === 'string')
      .filter((d) => d.status === undefined || d.status === 'succeeded')
      .map((d) => (d.model ? { name: d.id, model: d.model } : { name: d.id }));
  };

  return {
    kind: 'azure',
    accountId: account.id,
    rawStreamPassthrough: true,
    wireFor(): WireFormat {
      return 'openai';
    },
    prepareChat,
    readStream: readSse,

    async listModels(signal?: AbortSignal): Promise<ModelListing> {
      // The deployment list is always asked for (the settings window shows it to pick from).
      try {
        const found = await fetchDeployments(signal);
        for (const d of found) {
          const known = configured.find((c) => c.name === d.name);
          if (!known) configured.push(d);
          else if (!known.model && d.model) known.model = d.model;
        }
        const listing = configListing();
        return { ...listing, source: 'upstream' };
      } catch (err) {
        const why = err instanceof ProxyError ? err.message : String(err);
        return {
          ...configListing(`Azure did not list the deployments (${why}); showing the ones in the settings.`),
          reasonRef: proxyMsg('azureListFailed', { detail: why }),
        };
      }
    },

    testCredential: (signal?: AbortSignal) =>
      timedCredentialTest(
        deps.now,
        async () => {
          let found: AzureDeployment[];
          try {
            found = await fetchDeployments(signal);
          } catch (err) {
            const listErr = asUpstreamError(err);
            // Some resources do not offer the listing: fall back to the cheapest real chat call.
            const first = configured[0];
            if (listErr.status !== 404 || !first) throw listErr;
            const model = first.model ?? first.name;
            const body: Record<string, unknown> = { messages: [{ role: 'user', content: 'Hi' }] };
            body[isReasoningModel(model) ? 'max_completion_tokens' : 'max_tokens'] = isReasoningModel(model)
              ? 16
              : 1;
            const req = await prepareChat({ upstreamModel: first.name, stream: false, body });
            await sendAndRead(deps.http, req, {
              signal,
              mapError: (res) =>
                mapAzureError(res, { account: account.id, deployment: first.name, now: deps.now() }),
            });
            return {
              message: `The key works: deployment "${first.name}" answered.`,
              messageRef: proxyMsg('azureKeyWorksDeployment', { deployment: first.name }),
            };
          }
          return {
            message: `The key works. Azure lists ${found.length} deployment${found.length === 1 ? '' : 's'}${
              found.length ? `: ${found.map((d) => d.name).join(', ')}` : ''
            }.`,
            messageRef: proxyMsg('azureKeyWorksDeployments', { count: found.length }),
          };
        },
        asUpstreamError,
      ),

    mapError(res, ctx) {
      const deployment = ctx.upstreamModel
        ? resolveDeployment(ctx.upstreamModel, configured).deployment
        : undefined;
      const param = res.status === 400 ? rejectedParam(res.body) : undefined;
      if (deployment && param && (param === 'max_tokens' || DROPPABLE_PARAMS.has(param))) {
        const limits = learned.get(deployment) ?? {
          needsCompletionTokens: false,
          dropParams: new Set<string>(),
        };
        if (param === 'max_tokens') limits.needsCompletionTokens = true;
        else limits.dropParams.add(param);
        learned.set(deployment, limits);
        const what =
          param === 'max_tokens'
            ? 'needs max_completion_tokens instead of max_tokens'
            : `does not accept the "${param}" setting`;
        return new ProxyError('invalid_request', `Azure deployment "${deployment}" ${what}`, {
          status: 400,
          code: 'unsupported_parameter',
          account: account.id,
          upstreamModel: ctx.upstreamModel,
          // Worth another try: the next attempt leaves it out.
          retryable: true,
          hint:
            param === 'max_tokens'
              ? 'Keybridge now sends max_completion_tokens to it. Name the model behind the deployment in the account (deployments: {name: model}) to get it right the first time.'
              : `Keybridge now leaves "${param}" out for this deployment (reasoning models fix it themselves).`,
          ...(param === 'max_tokens'
            ? {
                messageRef: proxyMsg('azureNeedsCompletionTokens', { deployment }),
                hintRef: proxyMsg('azureNeedsCompletionTokensHint'),
              }
            : {
                messageRef: proxyMsg('azureParamRefused', { deployment, param }),
                hintRef: proxyMsg('azureParamRefusedHint', { param }),
              }),
        });
      }
      return mapAzureError(res, { ...ctx, account: account.id, deployment, now: deps.now() });
    },
  };
}
