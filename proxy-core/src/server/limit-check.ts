import { ProxyError } from '../canonical/errors.js';
import type { AccessKeyConfig, KeybridgeConfig } from '../config/schema.js';
import { proxyMsg } from '../messages.js';
import type { LimitStatus } from '../observability/limit-types.js';
import {
  accountLimit,
  globalLimit,
  keyLimit,
  limitReachedError,
  reachedPart,
} from '../observability/limits.js';
import type { LimitsLedger } from '../observability/limits-ledger.js';
import type { ModelCatalog } from '../routing/catalog.js';

/** True when the key may use the model (by public id or an alias of it); a key without a list may use all. */
export function keyAllowsModel(
  key: AccessKeyConfig | undefined,
  model: string,
  catalog: Pick<ModelCatalog, 'canonicalId'>,
): boolean {
  if (!key?.models) return true;
  const id = catalog.canonicalId(model);
  return key.models.some((m) => m === model || catalog.canonicalId(m) === id);
}

/** Refuses (403) a model the caller's access key may not use, naming the ones it may. */
export function checkKeyModel(
  key: AccessKeyConfig | undefined,
  model: string,
  catalog: Pick<ModelCatalog, 'canonicalId'>,
): void {
  if (!key || keyAllowsModel(key, model, catalog)) return;
  const allowed = key.models?.length ? key.models.join(', ') : '(none)';
  throw new ProxyError('permission', `Keybridge: the key "${key.name}" may not use the model ${model}`, {
    code: 'model_not_allowed',
    hint: `This key may use: ${allowed}`,
    messageRef: proxyMsg('keyModelNotAllowed', { name: key.name, model }),
    hintRef: proxyMsg('keyModelsAllowedHint', { models: allowed }),
  });
}

export interface LimitCheckInput {
  config: Pick<KeybridgeConfig, 'limits' | 'accounts' | 'server'>;
  ledger: LimitsLedger;
  now: number;
  /** The access key the caller presented, if any. */
  accessKey?: AccessKeyConfig;
}

function refuse(st: LimitStatus, now: number): never {
  throw limitReachedError(st, now);
}

/**
 * The request-wide spend-limit check, once before anything is sent upstream: refuses with 429 when
 * the limit on everything or on the caller's key is used up. A request already in flight is never
 * cut: use is counted when a request ends, and only the next one is refused.
 */
export function checkLimits(input: LimitCheckInput): void {
  const { config, ledger, now } = input;
  const global = reachedPart(globalLimit(config), ledger, now);
  if (global) refuse(global, now);
  if (input.accessKey) {
    const key = reachedPart(keyLimit(config, input.accessKey.name), ledger, now);
    if (key) refuse(key, now);
  }
}

/**
 * The per-account check, on the attempt path before each try (PipelineEnv.beforeSend): an account
 * whose limit is used up refuses its route, so the next route serves; when every route refuses,
 * the client gets this 429.
 */
export function checkAccountLimit(
  config: Pick<KeybridgeConfig, 'limits' | 'accounts' | 'server'>,
  ledger: LimitsLedger,
  now: number,
  account: string,
): void {
  const st = reachedPart(accountLimit(config, account), ledger, now);
  if (st) refuse(st, now);
}
