/**
 * What every contract namespace of the API shares: the services, the event emitter and the small
 * helpers several namespaces need (the access key, the account and settings views, applying changes).
 */
import { randomBytes } from 'node:crypto';
import {
  type AccountView,
  type AppInfo,
  type EventName,
  type EventPayload,
  events,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
  type SettingsView,
} from '../../contract/index.js';
import { toAccountView, zodFieldErrors } from '../account-fields.js';
import type { AppLog } from '../app-log.js';
import type { NoticeBoard } from '../notices.js';
import type { ProxyController } from '../proxy-controller.js';
import type { Redactor } from '../redact.js';
import type { RequestLog } from '../request-log.js';
import { ACCESS_KEY_ENTRY, type SecretVault } from '../secret-vault.js';
import type { SettingsStore, StoredAccount } from '../settings-store.js';

export interface ApiDeps {
  settings: SettingsStore;
  vault: SecretVault;
  controller: ProxyController;
  requestLog: RequestLog;
  appLog: AppLog;
  redactor: Redactor;
  notices: NoticeBoard;
  appInfo: () => Omit<AppInfo, 'secretStorage'>;
  /** Told when the keys moved (the user chose where keys go without a keychain). */
  onVaultChange?: () => void;
  /** Turns launch-at-login on or off at the OS level. */
  setLaunchAtLogin?: (enabled: boolean) => Promise<void>;
  /** fetch used by "Send a test message" (defaults to the global one). */
  fetch?: typeof fetch;
  now?: () => Date;
}

export type Handlers = { [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> };
/** The handlers of one contract namespace (`accounts` → every `accounts.*` call). */
export type NamespaceHandlers<N extends string> = Pick<Handlers, Extract<MethodName, `${N}.${string}`>>;
export type ApiEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export type ApiContext = ReturnType<typeof createApiContext>;

export function createApiContext(deps: ApiDeps) {
  const { settings, vault, controller, appLog, redactor } = deps;
  const now = deps.now ?? (() => new Date());
  const listeners = new Set<ApiEventListener>();

  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    const parsed = events[event].safeParse(payload);
    if (!parsed.success) {
      appLog.error(`Event ${event} has an invalid payload; not sent`, zodFieldErrors(parsed.error));
      return;
    }
    const safe = redactor.answer(parsed.data as EventPayload<E>);
    if (safe !== parsed.data) appLog.warn(`Event ${event} contained a secret; it was masked`);
    for (const l of listeners) {
      try {
        l(event, safe);
      } catch (err) {
        appLog.warn(`An event listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };

  const getAccessKey = async (): Promise<string | null> => {
    const entry = await vault.get(ACCESS_KEY_ENTRY);
    if (typeof entry?.accessKey !== 'string') return null;
    redactor.addAccessKey(entry.accessKey);
    return entry.accessKey;
  };
  const setAccessKey = async (key: string | null): Promise<void> => {
    if (key === null) await vault.delete(ACCESS_KEY_ENTRY);
    else {
      redactor.addAccessKey(key);
      await vault.set(ACCESS_KEY_ENTRY, { accessKey: key });
    }
  };
  const newAccessKey = (): string => `kb-${randomBytes(24).toString('base64url')}`;

  const secretStorageView = () => {
    const v = vault.status();
    return {
      backend: v.backend,
      ...(v.reasonCode ? { noKeychainReason: v.reasonCode } : {}),
      ...(v.file ? { file: v.file } : {}),
    };
  };
  const settingsView = async (): Promise<SettingsView> => ({
    ...settings.getSettings(),
    hasAccessKey: (await getAccessKey()) !== null,
    secretStorage: secretStorageView(),
  });

  const accountView = async (stored: StoredAccount): Promise<AccountView> =>
    toAccountView(stored, await vault.get(stored.id), vault.backend);
  const accountViews = async (): Promise<AccountView[]> =>
    Promise.all(settings.getAccounts().map((a) => accountView(a)));

  /** Applies settings/accounts to the running proxy and tells the UI. */
  const applyChanges = async (): Promise<void> => {
    await controller.apply();
  };

  return {
    ...deps,
    deps,
    now,
    listeners,
    emit,
    getAccessKey,
    setAccessKey,
    newAccessKey,
    settingsView,
    accountView,
    accountViews,
    applyChanges,
  };
}
