/**
 * Codes of the sentences proxy-core writes for people (error messages, hints, credential-test
 * results, model-list notes), each with the names of its parameters.
 *
 * The English sentence is still written where the error is born (it is what logs, the CLI and
 * HTTP clients see). Alongside it goes a `MessageRef` — the code and its parameters — so the
 * settings window can show the same sentence in its own language. The window's texts live in
 * renderer/src/i18n/locales/{en,zh-CN}.json under `msg`; app/contract/messages.ts joins this list
 * with the app's own codes into the one catalog, and a code without a text there fails tsc.
 *
 * Parameters are strings or numbers, never secrets. What a provider said in its own words is a
 * parameter (`detail`): it is data, shown as it came.
 */

import { PROVIDER_MESSAGES } from './provider-messages.js';

export type MessageParams = Record<string, string | number>;

/** A sentence as a catalog code and its parameters. */
export interface MessageRef {
  code: string;
  params?: MessageParams;
}

/** Every proxy-core code and the parameters its sentence uses. */
export const PROXY_MESSAGES = {
  ...PROVIDER_MESSAGES,

  // ── reaching the provider (transport/)
  netNoAnswer: ['host'],
  netNoAnswerHint: [],
  netStalled: ['host'],
  netStalledHint: [],
  netConnectTimeout: ['host'],
  netDnsFailed: ['host'],
  netRefused: ['host'],
  netCut: ['host'],
  netUnreachable: ['host'],
  netUnreachableCode: ['host', 'code'],
  netCheckHint: [],

  // ── the proxy's own answers (server/)
  modelNotAvailable: ['model'],
  modelsAvailableHint: ['models', 'count'],
  noModelsYetHint: [],
  noEndpoint: ['method', 'path'],
  noEndpointHint: [],
  tooManyChoices: ['n', 'provider', 'account', 'max'],
  tooManyChoicesHint: ['max'],
  paramsRefused: ['model', 'provider', 'account', 'params'],
  paramsRefusedHint: ['params'],

  // ── the security gate (server/security-gate.ts)
  gateHostRefused: ['host'],
  gateHostHint: [],
  gateOriginRefused: ['origin'],
  gateOriginHint: [],
  gateSandboxRefused: [],
  gateSandboxHint: [],
  gateCrossSiteRefused: [],
  gateSiteHint: [],
  gatePreflightOnly: [],
  gateLanRefused: [],
  gateLanHint: ['length'],
  gateNoKeySet: [],
  gateNoKeySetHint: [],
  gateWrongKey: [],
  gateKeyRequired: [],
  gateKeyHint: [],
  gateNotJson: ['type'],
  gateNotJsonHint: [],

  // ── the outbound proxy and certificates (transport/)
  proxyAuthRejected: ['where'],
  proxyAuthRejectedHint: [],
  proxyTunnelRefused: ['where', 'status'],
  proxyTunnelRefusedHint: [],
  socksAuthRejected: ['where'],
  socksAuthRejectedHint: [],
  socksConnectFailed: ['where'],
  socksConnectFailedDetail: ['where', 'detail'],
  socksConnectFailedHint: [],
  proxyRefused: ['where'],
  socksRefused: ['where'],
  proxyTimeout: ['where'],
  socksTimeout: ['where'],
  proxyUnreachable: ['where', 'code'],
  socksUnreachable: ['where', 'code'],
  socksFailed: ['where', 'detail'],
  proxyCheckHint: [],
  certUntrusted: ['host', 'code'],
  certUntrustedHint: [],
  proxyUrlInvalid: ['url'],
  proxyUrlInvalidHint: [],
  proxyTypeUnsupported: ['protocol'],
  proxyTypeHint: [],

  // ── keys, routes and the deadline (routing/)
  keysAllRejected: ['account'],
  keysAllRejectedHint: [],
  keysAllCooling: ['account', 'seconds'],
  keysAllCoolingHint: [],
  deadlineMs: ['ms'],
  deadlineMsLast: ['ms', 'detail'],
  deadlineSeconds: ['seconds'],
  deadlineSecondsLast: ['seconds', 'detail'],
  deadlineMinutes: ['minutes'],
  deadlineMinutesLast: ['minutes', 'detail'],
  deadlineHint: [],
  clientClosed: [],
  noRoute: [],
  noRouteHint: [],

  // ── signing in to Google (providers/vertex/token-source.ts)
  vertexSignInTimeout: ['host', 'seconds'],
  vertexSignInUnreachable: ['detail'],
  vertexSignInUnreadable: ['host'],
  vertexSignInGatewayHint: [],
  vertexSignInNoToken: ['host'],
  vertexSignInNoTokenHint: [],
  vertexSignInKeyFailed: ['detail'],

  // ── requests a dialect or a provider cannot take (dialects/, bedrock/converse/)
  invalidClientRequest: ['api', 'detail'],
  invalidClientRequestHint: [],
  geminiFieldHint: [],
  serverToolUnsupported: ['index', 'tool'],
  serverToolUnsupportedHint: [],
  noMessages: [],
  noMessagesHint: [],
  toolResultNoCall: ['id'],
  toolResultNoCallHint: [],
  geminiNoModel: [],
  geminiNoModelHint: [],
  geminiSystemNotText: ['index'],
  geminiSystemNotTextHint: [],
  geminiBadRole: ['index', 'role'],
  geminiBadRoleHint: [],
  geminiBodyNotObject: [],
  geminiBodyNotObjectHint: [],
  fileIdUnsupported: ['where'],
  fileIdUnsupportedHint: [],
  audioUnsupported: ['where'],
  audioUnsupportedHint: [],
  bedrockImageLink: ['url'],
  bedrockImageLinkHint: [],
  bedrockDocumentLink: ['url'],
  bedrockDocumentLinkHint: [],
  bedrockImageType: ['type'],
  bedrockImageTypeHint: [],
  bedrockDocumentType: ['type'],
  bedrockDocumentTypeHint: [],

  // ── requests the proxy cannot take (server/)
  methodNotAllowed: ['allowed', 'path'],
  badPath: [],
  badPathHint: [],
  bodyTooLarge: ['mb'],
  bodyTooLargeHint: [],
  bodyNotJson: ['detail'],
  bodyNotObject: [],
  jsonTooDeep: ['max'],
  jsonTooDeepHint: ['max'],
  jsonTooLarge: ['max'],
  jsonTooLargeHint: [],
  modelRequired: [],
  noCompletions: ['model'],
  noCompletionsHint: [],
  noCountTokens: ['model'],
  noCountTokensHint: [],
  noAccount: ['account'],
  answerNotJson: ['provider', 'account'],
  answerNotJsonHint: [],
  clientGone: [],

  // ── providers: answers Keybridge could not read
  azureDeploymentsUnreadable: [],
  azureNeedsCompletionTokens: ['deployment'],
  azureNeedsCompletionTokensHint: [],
  azureParamRefused: ['deployment', 'param'],
  azureParamRefusedHint: ['param'],
  vertexUnreadable: [],
  bedrockFixKeysHint: [],
  bedrockControlNotJson: [],
  bedrockBaseUrlHint: [],
  bedrockModelListShape: [],
  bedrockProfileListShape: [],
  bedrockCountClaudeOnly: ['model'],
  bedrockCountNoNumber: [],
  bedrockCountNoNumberHint: [],
  bedrockChunkEmpty: [],
  bedrockChunkEmptyHint: [],
  bedrockStreamBroke: ['detail'],
  bedrockStreamBrokeHint: [],

  // ── anything else that fails (canonical/)
  imageFetchFailed: ['url', 'detail'],
  imageFetchHint: [],
  internalError: ['detail'],

  // ── spend limits and access keys (observability/limits.ts, server/limit-check.ts)
  limitGlobalDailyUsd: ['limit', 'used', 'resets'],
  limitGlobalDailyTokens: ['limit', 'used', 'resets'],
  limitGlobalMonthlyUsd: ['limit', 'used', 'resets'],
  limitGlobalMonthlyTokens: ['limit', 'used', 'resets'],
  limitAccountDailyUsd: ['name', 'limit', 'used', 'resets'],
  limitAccountDailyTokens: ['name', 'limit', 'used', 'resets'],
  limitAccountMonthlyUsd: ['name', 'limit', 'used', 'resets'],
  limitAccountMonthlyTokens: ['name', 'limit', 'used', 'resets'],
  limitKeyDailyUsd: ['name', 'limit', 'used', 'resets'],
  limitKeyDailyTokens: ['name', 'limit', 'used', 'resets'],
  limitKeyMonthlyUsd: ['name', 'limit', 'used', 'resets'],
  limitKeyMonthlyTokens: ['name', 'limit', 'used', 'resets'],
  keyModelNotAllowed: ['name', 'model'],
  keyModelsAllowedHint: ['models'],
} as const satisfies Record<string, readonly string[]>;

export type ProxyMessageCode = keyof typeof PROXY_MESSAGES;

/** The parameters a code of `catalog` takes, by name. */
export type ParamsOf<Catalog extends Record<string, readonly string[]>, C extends keyof Catalog> = {
  [K in Catalog[C][number]]: string | number;
};

/** A proxy-core sentence as a code and its parameters (the parameters are type-checked). */
export function proxyMsg<C extends ProxyMessageCode>(
  code: C,
  ...params: MessageArgs<typeof PROXY_MESSAGES, C>
): MessageRef {
  return params[0] ? { code, params: params[0] } : { code };
}

/** The arguments after the code: none for a code without parameters, one object otherwise. */
export type MessageArgs<
  Catalog extends Record<string, readonly string[]>,
  C extends keyof Catalog,
> = Catalog[C] extends readonly [] ? [] : [ParamsOf<Catalog, C>];
