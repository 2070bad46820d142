export { ProxyError } from './canonical/errors.js';
export type * from './canonical/types.js';
export { ConfigError, loadConfigFile, parseConfig } from './config/load.js';
export type { AccountConfig, KeybridgeConfig } from './config/schema.js';
export { accountSchema, configSchema } from './config/schema.js';
export type {
  KeyUsage,
  Limit,
  LimitMeasure,
  LimitPeriod,
  LimitScope,
  LimitStatus,
  UsageAmount,
} from './observability/limit-types.js';
export type { RequestRecord } from './observability/types.js';
export { UsageStore, type UsageTotals } from './observability/usage-store.js';
export type { CredentialTestResult, ModelInfo, ModelListing } from './providers/types.js';
export { recogniseOtherKeyFile } from './providers/vertex/service-account.js';
export type { AttemptRecord } from './routing/retry-policy.js';
export { configSecrets, redactorForConfig } from './security/config-secrets.js';
export { isLoopbackHostHeader } from './security/loopback.js';
export { maskSecret, REDACTED, SecretRedactor } from './security/redactor.js';
export { safeEqual } from './security/safe-equal.js';
export { createProxy, PortInUseError } from './server/proxy.js';
export type {
  CreateProxyOptions,
  ListenInfo,
  ProxyHandle,
  ProxyState,
  ProxyStats,
  ProxyStatus,
  PublicModel,
} from './server/proxy-handle.js';
