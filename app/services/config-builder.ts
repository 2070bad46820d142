/**
 * Builds proxy-core's KeybridgeConfig from what the app keeps: settings (no secrets), keychain
 * secrets, the access key and the resolved outbound proxy. Pure: all inputs are given.
 */
import { configSchema, type KeybridgeConfig } from '../../proxy-core/src/index.js';
import { type AppSettings, appMsg, type ModelSettings } from '../contract/index.js';
import type { LimitView } from '../contract/limits-schemas.js';
import { toCoreAccount } from './account-fields.js';
import { ConfigProblem } from './proxy-controller.js';
import type { StoredAccessKey, StoredAccount } from './settings-store.js';
import type { ResolvedOutbound } from './system-proxy.js';

export interface ConfigInputs {
  settings: AppSettings;
  accounts: Array<{ stored: StoredAccount; secrets: Record<string, unknown> | null }>;
  models: ModelSettings;
  accessKey: string | null;
  /** Limits on everything together (the Settings → Limits screen). */
  limits?: LimitView;
  /** Keys for other people and apps (the Share screen), each with its secret from the keychain. */
  accessKeys?: Array<{ stored: StoredAccessKey; key: string | null }>;
  outbound: ResolvedOutbound;
  /** Overrides the port (tests, `serve --port`). */
  port?: number;
}

export function buildKeybridgeConfig(input: ConfigInputs): KeybridgeConfig {
  const { settings, models } = input;
  const accounts = input.accounts.map(({ stored, secrets }) => {
    const core = toCoreAccount(stored, secrets);
    const expected = Array.isArray(stored.secretFields) ? (stored.secretFields as unknown[]).map(String) : [];
    const missing = expected.filter((f) => !secrets || !(f in secrets));
    const proxy =
      core.proxy === undefined || core.proxy === 'inherit' ? input.outbound.perAccount[stored.id] : undefined;
    return {
      ...core,
      // An account whose secret is gone (no keychain after a restart) is kept but switched off.
      enabled: stored.enabled && missing.length === 0,
      ...(proxy ? { proxy } : {}),
    };
  });
  // A key whose secret is gone (no keychain after a restart) is left out: it cannot be presented.
  const accessKeys = (input.accessKeys ?? []).flatMap(({ stored, key }) =>
    key
      ? [
          {
            name: stored.name,
            key,
            ...(stored.models ? { models: stored.models } : {}),
            ...(hasLimit(stored.limits) ? { limits: stored.limits } : {}),
          },
        ]
      : [],
  );
  const enabledModels = models.models.filter((m) => m.enabled);
  const enabledIds = new Set(enabledModels.map((m) => m.id));
  const raw = {
    server: {
      host: '127.0.0.1',
      port: input.port ?? settings.port,
      ...(input.accessKey ? { accessKey: input.accessKey } : {}),
      requireAccessKey: settings.requireAccessKey,
      lan: settings.lan,
      allowedOrigins: settings.allowedOrigins,
      ...(accessKeys.length ? { accessKeys } : {}),
    },
    ...(input.limits && hasLimit(input.limits) ? { limits: input.limits } : {}),
    accounts,
    models: enabledModels.map((m) => ({ id: m.id, routes: m.routes })),
    aliases: Object.fromEntries(Object.entries(models.aliases).filter(([, to]) => enabledIds.has(to))),
    ...(models.defaultModel && enabledIds.has(models.defaultModel)
      ? { defaultModel: models.defaultModel }
      : {}),
    logging: { bodies: settings.logBodies },
    outboundProxy: input.outbound.global,
  };
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => describeIssue(i.path, i.message, accounts));
    throw new ConfigProblem(
      `The saved setup is not valid: ${problems.join('; ')}.`,
      'Open the account or setting named here and correct it.',
      { message: appMsg('setupInvalid', { detail: problems.join('; ') }), hint: appMsg('setupInvalidHint') },
    );
  }
  return parsed.data;
}

function hasLimit(limit: LimitView | undefined): boolean {
  return !!limit && Object.values(limit).some((v) => typeof v === 'number');
}

function describeIssue(
  path: PropertyKey[],
  message: string,
  accounts: Array<Record<string, unknown>>,
): string {
  if (path[0] === 'accounts' && typeof path[1] === 'number') {
    const id = accounts[path[1]]?.id;
    return `account "${String(id)}": ${path.slice(2).map(String).join('.') || 'it'} ${message}`;
  }
  return `${path.map(String).join('.')} ${message}`;
}
