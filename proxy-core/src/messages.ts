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

export type MessageParams = Record<string, string | number>;

/** A sentence as a catalog code and its parameters. */
export interface MessageRef {
  code: string;
  params?: MessageParams;
}

/** Every proxy-core code and the parameters its sentence uses. */
export const PROXY_MESSAGES = {
  // ── any provider: the default mapping of an upstream error (providers/upstream-error.ts)
  upstreamSaid: ['provider', 'account', 'detail'],
  upstreamSaidModel: ['provider', 'account', 'model', 'detail'],
  upstreamStatus: ['provider', 'account', 'status'],
  upstreamStatusModel: ['provider', 'account', 'model', 'status'],
  upstreamHint401: [],
  upstreamHint403: [],
  upstreamHint404: [],
  upstreamHint429: [],
  upstreamHint500: [],
  upstreamHint502: [],
  upstreamHint503: [],
  noEnabledAccount: ['account'],

  // ── OpenAI-compatible servers
  openaiNoBaseUrl: ['account'],
  openaiNoBaseUrlHint: [],
  openaiModelsNotJson: ['url'],
  openaiModelsNotJsonHint: [],
  openaiConnected: ['url', 'count'],

  // ── Anthropic
  anthropicConnected: ['count'],
  anthropicHintKey: [],
  anthropicHintCredit: [],
  anthropicHintUnknownModel: ['model'],
  anthropicHintOverloaded: [],
  anthropicHintRateLimit: [],

  // ── Google AI Studio
  googleAiConnected: ['count'],
  googleAiBadKey: [],
  googleAiBadKeyHint: [],
  googleAiQuota: [],
  googleAiQuotaModel: ['model'],
  googleAiQuotaDailyHint: [],
  googleAiQuotaWaitHint: ['seconds'],
  googleAiQuotaWaitBillingHint: ['seconds'],
  googleAiQuotaLaterHint: [],
  googleAiQuotaLaterBillingHint: [],
  googleAiRegion: [],
  googleAiRegionBillingHint: [],
  googleAiRegionHint: [],
  googleAiNotFoundHere: [],
  googleAiNotFoundHereHint: [],
  googleAiNoModel: ['model'],
  googleAiNoModelHint: [],
  googleAiRefused: ['detail'],
  googleAiDisabledHint: [],
  googleAiRefusedHint: [],
  googleAiSaid: ['detail'],
  googleAiStatus: ['status'],
  googleAiServerHint: [],
  googleAiRequestHint: [],

  // ── Azure OpenAI
  azureKeyWorksDeployments: ['count'],
  azureKeyWorksDeployment: ['deployment'],
  azureContentFilter: ['detail'],
  azureContentFilterHint: [],
  azureApiVersion: ['detail'],
  azureApiVersionHint: [],
  azureBadKey: [],
  azureBadKeyHint: [],
  azureRefused: ['detail'],
  azureRefusedHint: [],
  azureNoDeployment: ['deployment'],
  azureNoDeploymentHint: [],
  azureNotFound: ['detail'],
  azureNotFoundHint: [],
  azureQuota: [],
  azureRateLimit: [],
  azureRateHintWait: ['seconds'],
  azureRateHint: [],
  azureError: ['status', 'detail'],
  azureServerHint: [],
  azureRequestHint: [],
  azureListFailed: ['detail'],

  // ── Vertex AI
  vertexConnected: ['email', 'model', 'region', 'project'],
  vertexApiDisabled: ['project'],
  vertexApiDisabledHint: ['url'],
  vertexBillingDisabled: ['project'],
  vertexBillingDisabledHint: [],
  vertexProjectInvalid: ['project', 'email'],
  vertexProjectInvalidHint: [],
  vertexClaudeNotEnabled: ['model', 'project'],
  vertexClaudeNotEnabledHint: ['model'],
  vertexPermissionDenied: ['email', 'project'],
  vertexPermissionDeniedHint: ['email'],
  vertexQuota: ['where', 'project'],
  vertexQuotaHintWait: ['seconds'],
  vertexQuotaHintWaitGlobal: ['seconds'],
  vertexQuotaHint: [],
  vertexQuotaHintGlobal: [],
  vertexModelNotInRegion: ['model', 'region'],
  vertexModelOtherRegionsHint: ['regions', 'model'],
  vertexModelCheckIdHint: ['region'],
  vertexUnauthenticated: [],
  vertexUnauthenticatedHint: [],
  vertexOverloaded: ['region'],
  vertexOverloadedModel: ['model', 'region'],
  vertexOverloadedHint: [],
  vertexOverloadedGlobalHint: [],
  vertexSaid: ['detail'],
  vertexStatus: ['status'],
  vertexRequestHint: [],
  vertexServerHint: [],
  // pasted service-account keys (providers/vertex/service-account.ts)
  saEmpty: [],
  saNoKey: [],
  saNoKeyHint: [],
  saFileUnreadable: ['path'],
  saFileMissingHint: [],
  saFileUnreadableHint: [],
  saIsPath: [],
  saIsPathHint: [],
  saNotJson: [],
  saCopyContentsHint: [],
  saCutOff: [],
  saCutOffHint: [],
  saBadJson: ['detail'],
  saBadJsonAt: ['line', 'column', 'detail'],
  saBadJsonHint: [],
  saNotObject: [],
  saOAuthClient: [],
  saOAuthClientHint: [],
  saUserLogin: [],
  saUserLoginHint: [],
  saFederation: [],
  saFederationHint: [],
  saImpersonation: [],
  saWrongType: ['type'],
  saNoField: ['field'],
  saCutHint: [],
  saBadEmail: ['email'],
  saEditedHint: [],
  saNoProject: [],
  saNoProjectHint: [],
  saBadTokenUri: ['value'],
  saBadUniverse: ['value'],
  saNotPem: [],
  saEditedOrCutHint: [],
  saNotRsa: ['type'],
  saDamagedKey: [],
  saDamagedKeyHint: [],
  saCreateKeyHint: [],
  vertexSignInFailed: ['status'],
  vertexSignInFailedSaid: ['status', 'detail'],
  vertexSignInFailedHint: [],
  vertexKeyRefused: ['email'],
  vertexKeyRefusedSaid: ['email', 'detail'],
  vertexKeyRefusedHint: [],
  vertexClock: [],
  vertexClockSaid: ['detail'],
  vertexClockHint: [],
  vertexSignInRefused: ['email'],
  vertexSignInRefusedSaid: ['email', 'detail'],
  vertexScopeHint: [],
  vertexNewKeyHint: [],
  vertexCatalogNoModels: ['asOf'],
  vertexCatalogApiDisabled: ['project', 'asOf'],
  vertexCatalogNeedsRole: ['project', 'asOf'],
  vertexCatalogFailed: ['detail', 'asOf'],

  // ── Amazon Bedrock
  bedrockConnected: ['region', 'count'],
  bedrockCannotList: [],
  bedrockClock: [],
  bedrockClockHint: [],
  bedrockBadSecret: [],
  bedrockBadSecretHint: [],
  bedrockExpiredApiKey: [],
  bedrockExpiredApiKeyHint: [],
  bedrockExpiredKeys: [],
  bedrockExpiredKeysHint: [],
  bedrockBadSessionToken: [],
  bedrockBadSessionTokenHint: [],
  bedrockBadApiKey: [],
  bedrockBadApiKeyHint: [],
  bedrockUnknownKeyId: [],
  bedrockUnknownKeyIdHint: [],
  bedrockUseCaseForm: ['model'],
  bedrockUseCaseFormHint: ['region'],
  bedrockMarketplace: ['model'],
  bedrockMarketplaceHint: [],
  bedrockModelAccess: ['model', 'region'],
  bedrockModelAccessHint: ['region'],
  bedrockNotAllowed: ['action'],
  bedrockDenied: ['detail'],
  bedrockDeniedHint: [],
  bedrockNeedsProfile: ['model', 'region'],
  bedrockNeedsProfileHint: ['profile'],
  bedrockDailyQuota: ['model', 'region'],
  bedrockDailyQuotaHint: [],
  bedrockThrottled: ['model'],
  bedrockThrottledHint: [],
  bedrockNotReady: ['model'],
  bedrockNotReadyHint: [],
  bedrockContentFilter: ['detail'],
  bedrockContentFilterHint: [],
  bedrockNotInRegion: ['model', 'region'],
  bedrockNotInRegionHint: [],
  bedrockBetaUnsupported: ['detail'],
  bedrockBetaUnsupportedHint: [],
  bedrockTimeout: ['model'],
  bedrockTimeoutHint: [],
  bedrockUnavailable: ['region'],
  bedrockUnavailableHint: [],
  bedrockModelFailed: ['model', 'detail'],
  bedrockModelFailedHint: [],
  bedrockRejected: ['detail'],
  bedrockTooLongHint: [],
  bedrockRejectedHint: [],
  bedrockError: ['status', 'detail'],
  bedrockServerHint: [],
  bedrockAccountHint: [],
  bedrockProfilesGuessed: ['detail'],
  // Bedrock keys as pasted (providers/bedrock/config.ts)
  bedrockPickRegion: [],
  bedrockNotRegionCode: ['region'],
  bedrockIdIsUserId: [],
  bedrockIdLowerCase: [],
  bedrockIdPrefix: ['start'],
  bedrockIdLength: ['length'],
  bedrockIdCharacters: [],
  bedrockKeysSwapped: [],
  bedrockNeedKeyId: [],
  bedrockIdIsApiKey: [],
  bedrockIdIsSecret: [],
  bedrockNeedSecret: [],
  bedrockSecretIsId: [],
  bedrockSecretLength: ['length'],
  bedrockSecretCharacters: ['found'],
  bedrockNeedSessionToken: [],
  bedrockNoSessionToken: [],
  bedrockApiKeyIsId: [],
  bedrockKeysAndApiKey: [],

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
