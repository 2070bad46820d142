/**
 * The `limits` namespace: spend limits on everything together and per account (with each
 * account's prompt-caching and unsupported-parameter choices, carried into the config under the
 * names proxy-core reads), and each limit's use now for the Usage screen's bars and the tray.
 */
import {
  type AccountCostSettings,
  appMsg,
  type LimitsStatusView,
  type LimitsView,
  type LimitView,
  limitSchema,
  type MessageRef,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
} from '../../contract/index.js';
import type { ProxyController } from '../proxy-controller.js';
import type { SettingsStore, StoredAccount } from '../settings-store.js';

export type HandlersOf<M extends MethodName> = {
  [K in M]: (input: MethodParsedInput<K>) => Promise<MethodOutput<K>>;
};

/** Makes the error a call answers (api.ts's CallFailure), given by api.ts to avoid an import cycle. */
export type Fail = (
  code: string,
  message: string,
  hint: string | undefined,
  refs: { message?: MessageRef; hint?: MessageRef },
) => Error;

export interface LimitsApiDeps {
  settings: SettingsStore;
  controller: ProxyController;
  /** Applies the settings to the running proxy. */
  apply: () => Promise<void>;
  /** Tells the window (and the tray) the limits changed. */
  changed: (status: LimitsStatusView) => void;
  fail: Fail;
}

/** Defaults every account has when the user chose nothing (the proxy's defaults). */
const ACCOUNT_DEFAULTS: Omit<AccountCostSettings, 'limits'> = {
  promptCaching: 'auto',
  promptCacheTtl: '5m',
  unsupportedParams: 'drop',
};

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** An account's cost settings as stored (its loose fields), defaults filled in. */
export function accountCostSettings(stored: StoredAccount): AccountCostSettings {
  const limits = limitSchema.safeParse(stored.limits ?? {});
  return {
    limits: limits.success ? limits.data : {},
    promptCaching: pick(stored.promptCaching, ['auto', 'off'], ACCOUNT_DEFAULTS.promptCaching),
    promptCacheTtl: pick(stored.promptCacheTtl, ['5m', '1h'], ACCOUNT_DEFAULTS.promptCacheTtl),
    unsupportedParams: pick(stored.unsupportedParams, ['drop', 'refuse'], ACCOUNT_DEFAULTS.unsupportedParams),
  };
}

/** Only the limits that are set (a cleared field removes that limit). */
export function cleanLimit(limit: LimitView): LimitView {
  return Object.fromEntries(Object.entries(limit).filter(([, v]) => typeof v === 'number')) as LimitView;
}

/** Every configured limit with its use now (the proxy keeps the ledger: nothing is known while it is stopped). */
export function limitsStatus(controller: ProxyController): LimitsStatusView {
  const handle = controller.handle();
  if (handle) return { running: true, statuses: handle.limits(), unpricedModels: handle.unpricedModels() };
  return { running: false, statuses: [], unpricedModels: [] };
}

export function limitsHandlers(
  deps: LimitsApiDeps,
): HandlersOf<'limits.get' | 'limits.setGlobal' | 'limits.setAccount' | 'limits.status'> {
  const { settings, controller } = deps;
  const view = (): LimitsView => ({
    global: settings.getLimits(),
    accounts: settings.getAccounts().map((a) => ({
      id: a.id,
      ...(a.label ? { label: a.label } : {}),
      provider: a.provider,
      ...accountCostSettings(a),
    })),
  });
  const afterChange = async (): Promise<LimitsView> => {
    await deps.apply();
    deps.changed(limitsStatus(controller));
    return view();
  };
  return {
    'limits.get': async () => view(),
    'limits.setGlobal': async (limit) => {
      settings.setLimits(cleanLimit(limit));
      return afterChange();
    },
    'limits.setAccount': async ({ id, ...patch }) => {
      const stored = settings.getAccount(id);
      if (!stored)
        throw deps.fail('not_found', `There is no account "${id}".`, 'It may have been removed.', {
          message: appMsg('noSuchAccount', { account: id }),
          hint: appMsg('noSuchAccountHint'),
        });
      const next: StoredAccount = { ...stored };
      if (patch.limits) {
        const limits = cleanLimit(patch.limits);
        if (Object.keys(limits).length) next.limits = limits;
        else delete next.limits;
      }
      // A choice equal to the default is not written: the proxy's default then applies.
      for (const field of ['promptCaching', 'promptCacheTtl', 'unsupportedParams'] as const) {
        const value = patch[field];
        if (value === undefined) continue;
        if (value === ACCOUNT_DEFAULTS[field]) delete next[field];
        else next[field] = value;
      }
      settings.putAccount(next);
      return afterChange();
    },
    'limits.status': async () => limitsStatus(controller),
  };
}
