import { ProxyError, toProxyError } from '../../canonical/errors.js';
import type { WireFormat } from '../../canonical/types.js';
import { proxyMsg } from '../../messages.js';
import { sendForJson, timedCredentialTest, upstreamModelId } from '../http-helpers.js';
import { parseClaudeModel } from '../prompt-cache.js';
import type { ModelInfo, Provider, ProviderDeps, UpstreamRequest } from '../types.js';
import { type BedrockAccount, validateBedrockKeys } from './config.js';
import { anthropicCountAnswer, countTokensBody, countTokensPath } from './count-tokens.js';
import {
  type ControlPlaneClient,
  chatModelsFrom,
  listFoundationModels,
  listInferenceProfiles,
} from './discovery.js';
import { chatOperation, chatPath, controlPlaneBaseUrl, runtimeBaseUrl } from './endpoint.js';
import { chooseInvocationId, type InvocationDecision, type ProfileKnowledge } from './inference-profiles.js';
import { toConverseBody, toInvokeBody } from './invoke-body.js';
import { type BedrockErrorContext, mapBedrockError } from './map-error.js';
import { isClaudeModel } from './model-family.js';
import { authorizeRequest, type BedrockAuth } from './sign.js';
import { readBedrockStream } from './stream-events.js';

export { bedrockAccountSchema, validateBedrockKeys } from './config.js';
export { bedrockConverseCodec } from './converse/index.js';
export type { InvocationDecision } from './inference-profiles.js';

/** The Bedrock provider, plus the model-id decision the request log shows. */
export interface BedrockProvider extends Provider {
  readonly region: string;
  /** Which id a call to this upstream model will use (bare id or inference profile), and why. */
  invocationFor(upstreamModel: string): InvocationDecision;
}

function configuredModels(account: BedrockAccount): ModelInfo[] {
  return account.models.map((m) => ({ id: upstreamModelId(m) }));
}

function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return !!signal?.aborted || (err as { name?: string })?.name === 'AbortError';
}

/** Creates the provider for one Bedrock account (access keys with SigV4, or a Bedrock API key). */
export function createBedrockProvider(account: BedrockAccount, deps: ProviderDeps): BedrockProvider {
  const check = validateBedrockKeys(account);
  const firstError = check.errors[0];
  if (!check.ok && firstError) {
    throw new ProxyError('authentication', `Bedrock account "${account.id}": ${firstError.message}`, {
      hint: 'Fix the credentials of this account in the settings.',
      account: account.id,
      messageRef: firstError.messageRef,
      hintRef: proxyMsg('bedrockFixKeysHint'),
    });
  }
  const keys = check.cleaned;
  const region = keys.region ?? account.region;
  const auth: BedrockAuth = keys.apiKey
    ? { kind: 'bearer', apiKey: keys.apiKey }
    : {
        kind: 'sigv4',
        credentials: {
          accessKeyId: keys.accessKeyId ?? '',
          secretAccessKey: keys.secretAccessKey ?? '',
          ...(keys.sessionToken ? { sessionToken: keys.sessionToken } : {}),
        },
      };
  const authKind: BedrockErrorContext['auth'] = keys.apiKey
    ? 'api-key'
    : keys.sessionToken
      ? 'temporary-keys'
      : 'keys';
  const runtimeUrl = runtimeBaseUrl(region, account.baseUrl);
  const controlUrl = controlPlaneBaseUrl(region, account.baseUrl);
  const errorContext = (upstreamModel?: string): BedrockErrorContext => ({
    accountId: account.id,
    region,
    upstreamModel,
    auth: authKind,
  });
  /** What the last successful discovery learnt about on-demand models and profiles in this region. */
  let knowledge: ProfileKnowledge | undefined;

  async function signedRequest(
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<UpstreamRequest> {
    const signedHeaders = await authorizeRequest({ method, url, headers, body }, auth, region, deps.now());
    return body === undefined
      ? { url, method, headers: signedHeaders }
      : { url, method, headers: signedHeaders, body };
  }

  const controlPlane: ControlPlaneClient = {
    async getJson(pathAndQuery, signal) {
      const req = await signedRequest('GET', controlUrl + pathAndQuery, { accept: 'application/json' });
      return sendForJson<unknown>(deps.http, req, {
        signal,
        mapError: (res) => mapBedrockError(res, errorContext()),
        notJson: () =>
          new ProxyError('upstream', `Bedrock's control plane answered with something that is not JSON`, {
            hint: 'If this account uses a base URL override, check that it points at Bedrock.',
            account: account.id,
            messageRef: proxyMsg('bedrockControlNotJson'),
            hintRef: proxyMsg('bedrockBaseUrlHint'),
          }),
      });
    },
  };

  const invocationFor = (upstreamModel: string): InvocationDecision =>
    chooseInvocationId(upstreamModel, region, account.crossRegion, knowledge);

  const wireFor = (upstreamModel: string): WireFormat =>
    isClaudeModel(upstreamModel) ? 'anthropic' : 'bedrock-converse';

  return {
    kind: 'bedrock',
    accountId: account.id,
    region,
    rawStreamPassthrough: false,
    wireFor,
    invocationFor,
    // Bedrock documents the 1-hour cache TTL for Claude Sonnet 4.5, Haiku 4.5 and Opus 4.5 (and later).
    promptCacheTtl1h(upstreamModel: string): boolean {
      const m = parseClaudeModel(upstreamModel);
      return !!m && (m.major > 4 || (m.major === 4 && m.minor >= 5));
    },

    async prepareChat(call) {
      const wire = isClaudeModel(call.upstreamModel) ? 'anthropic' : 'bedrock-converse';
      const { modelId } = invocationFor(call.upstreamModel);
      const body =
        wire === 'anthropic' ? toInvokeBody(call.body, call.anthropicBeta) : toConverseBody(call.body);
      const url = runtimeUrl + chatPath(modelId, chatOperation(wire, call.stream));
      return signedRequest(
        'POST',
        url,
        {
          'content-type': 'application/json',
          accept: call.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
        },
        JSON.stringify(body),
      );
    },

    /** CountTokens for Claude (the only family routed as Anthropic Messages). */
    async prepareCountTokens(call) {
      if (!isClaudeModel(call.upstreamModel)) {
        throw new ProxyError(
          'invalid_request',
          `Bedrock counts tokens only for Claude models, not ${call.upstreamModel}`,
          {
            status: 501,
            messageRef: proxyMsg('bedrockCountClaudeOnly', { model: call.upstreamModel }),
          },
        );
      }
      return signedRequest(
        'POST',
        runtimeUrl + countTokensPath(call.upstreamModel),
        { 'content-type': 'application/json', accept: 'application/json' },
        JSON.stringify(countTokensBody(call.body, call.anthropicBeta)),
      );
    },

    countTokensAnswer: anthropicCountAnswer,

    readStream(body) {
      return readBedrockStream(body, errorContext(), runtimeUrl);
    },

    async listModels(signal) {
      try {
        let profilesProblem: string | undefined;
        const [models, profiles] = await Promise.all([
          listFoundationModels(controlPlane, signal),
          listInferenceProfiles(controlPlane, signal).catch((err: unknown) => {
            if (isAbort(err, signal)) throw err;
            profilesProblem = toProxyError(err).userMessage;
            return undefined;
          }),
        ]);
        const result = chatModelsFrom(models, profiles, region, account.crossRegion);
        if (profiles) knowledge = result.knowledge;
        return {
          models: result.models,
          source: 'upstream',
          ...(profilesProblem
            ? {
                reason: `Inference profiles could not be listed (${profilesProblem}); profile ids were guessed from the region.`,
                reasonRef: proxyMsg('bedrockProfilesGuessed', { detail: profilesProblem }),
              }
            : {}),
        };
      } catch (err) {
        if (isAbort(err, signal)) throw err;
        const e = toProxyError(err);
        return {
          models: configuredModels(account),
          source: 'config',
          reason: e.userMessage,
          reasonRef: e.messageRef,
        };
      }
    },

    /**
     * ListFoundationModels: free, fast, and it exercises everything a chat call needs from the
     * credential (key ID, secret, session token, region, clock) without spending tokens or
     * depending on which models have access. An AccessDenied answer still proves the keys are
     * valid (AWS checks the signature before permissions), so it counts as a pass with a warning.
     */
    testCredential: (signal?: AbortSignal) =>
      timedCredentialTest(
        Date.now,
        async () => {
          const models = await listFoundationModels(controlPlane, signal);
          const chat = chatModelsFrom(models, undefined, region, account.crossRegion).models.length;
          return {
            message: `Connected to Amazon Bedrock in ${region}: ${chat} chat models offered in this region.`,
            messageRef: proxyMsg('bedrockConnected', { region, count: chat }),
          };
        },
        (err) => {
          if (isAbort(err, signal)) throw err;
          const e = toProxyError(err);
          if (e.code !== 'AccessDeniedException') return e;
          return {
            message: `The keys are valid, but this AWS user may not list Bedrock models (bedrock:ListFoundationModels). Chat works if it may call bedrock:InvokeModel; add model ids to this account by hand.`,
            messageRef: proxyMsg('bedrockCannotList'),
          };
        },
      ),

    mapError(res, ctx) {
      return mapBedrockError(res, errorContext(ctx.upstreamModel));
    },

    async close() {
      knowledge = undefined;
    },
  };
}
