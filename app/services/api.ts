/**
 * The contract, implemented over the app services. Every payload is validated at the boundary
 * with the contract's zod schemas, every answer is checked against its output schema, and no
 * answer or event carries an account secret (a final guard masks every known secret value).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  type AccountDraft,
  type AccountView,
  type AppInfo,
  appMsg,
  type CallError,
  type ConnectInfo,
  type EventName,
  type EventPayload,
  events,
  isMethodName,
  type MessageRef,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
  type ModelSettings,
  messageRefSchema,
  methods,
  type RequestRecordView,
  type Result,
  type SettingsView,
  type TestMessageResult,
} from '../contract/index.js';
import {
  detectCredential,
  makeAccountId,
  mergePatch,
  splitSecrets,
  toAccountView,
  toCoreAccount,
  validateCoreAccount,
  zodFieldErrors,
} from './account-fields.js';
import { limitsHandlers, limitsStatus } from './api/limits.js';
import { shareHandlers } from './api/share.js';
import type { AppLog } from './app-log.js';
import { buildDiagnostics } from './diagnostics.js';
import type { NoticeBoard } from './notices.js';
import type { ProxyController } from './proxy-controller.js';
import type { Redactor } from './redact.js';
import type { RequestLog } from './request-log.js';
import { ACCESS_KEY_ENTRY, type SecretVault } from './secret-vault.js';
import type { SettingsStore, StoredAccount } from './settings-store.js';

/** A failure with a code, a message, a hint and field errors, as the renderer receives it. */
export class CallFailure extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly fields?: CallError['fields'];
  /** The message and hint as catalog codes (app/contract/messages.ts), for the window's language. */
  readonly messageRef?: MessageRef;
  readonly hintRef?: MessageRef;
  constructor(
    code: string,
    message: string,
    hint?: string,
    fields?: CallError['fields'],
    refs: { message?: MessageRef; hint?: MessageRef } = {},
  ) {
    super(message);
    this.name = 'CallFailure';
    this.code = code;
    this.hint = hint;
    this.fields = fields;
    this.messageRef = refs.message;
    this.hintRef = refs.hint;
  }
}

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

type Handlers = { [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> };
export type ApiEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Calls whose answers may contain the proxy access key (the user's own key to their proxy). */
const ACCESS_KEY_METHODS = new Set<MethodName>([
  'connect.info',
  'settings.generateAccessKey',
  'settings.getAccessKey',
  // A key for another person: once when made, and when the user presses Copy.
  'share.create',
  'share.copy',
]);

export interface AppApi {
  call(method: string, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: ApiEventListener): () => void;
  /** Emits an event to subscribers (validated against its schema). */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Account views, for the tray and diagnostics. */
  accountViews(): Promise<AccountView[]>;
  settingsView(): Promise<SettingsView>;
  close(): void;
}

export function createAppApi(deps: ApiDeps): AppApi {
  const { settings, vault, controller, requestLog, appLog, redactor, notices } = deps;
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

  const requireAccount = (id: string): StoredAccount => {
    const found = settings.getAccount(id);
    if (!found)
      throw new CallFailure(
        'not_found',
        `There is no account "${id}".`,
        'It may have been removed.',
        undefined,
        {
          message: appMsg('noSuchAccount', { account: id }),
          hint: appMsg('noSuchAccountHint'),
        },
      );
    return found;
  };

  const requireRunning = () => {
    const handle = controller.handle();
    if (!handle) {
      const status = controller.status();
      throw new CallFailure(
        'proxy_not_running',
        'The proxy is not running.',
        status.error ?? 'Start it with the Start button, then try again.',
        undefined,
        {
          message: appMsg('proxyNotRunning'),
          hint: status.error ? status.errorRef : appMsg('proxyStartHint'),
        },
      );
    }
    return handle;
  };

  /** Applies settings/accounts to the running proxy and tells the UI. */
  const applyChanges = async (): Promise<void> => {
    await controller.apply();
  };

  const accountsChanged = async () => emit('accounts.changed', await accountViews());
  const limitsChanged = (status: EventPayload<'limits.changed'>) => emit('limits.changed', status);
  const fail = (
    code: string,
    message: string,
    hint: string | undefined,
    refs: { message?: MessageRef; hint?: MessageRef },
  ) => new CallFailure(code, message, hint, undefined, refs);

  /** Validates a full account (plain + secrets) and answers field errors. */
  const checkAccount = (account: Record<string, unknown>) => {
    const errors = validateCoreAccount(account);
    if (errors.length > 0) {
      throw new CallFailure(
        'invalid_account',
        'Some fields need attention.',
        errors.map((e) => `${e.path || 'account'} ${e.message}`).join('; '),
        errors,
        { message: appMsg('fieldsNeedAttention') },
      );
    }
  };

  /**
   * Stores an account (keychain + settings file) and applies it to the running proxy, all or
   * nothing: when any step fails (the keychain refuses, the file cannot be written, the proxy
   * cannot use the account) what was there before is put back and the user is told why.
   */
  const storeAccount = async (
    id: string,
    account: Record<string, unknown>,
    previous: { stored: StoredAccount; secrets: Record<string, unknown> } | null,
  ): Promise<void> => {
    const { plain, secrets } = splitSecrets(account);
    let vaultWritten = false;
    let settingsWritten = false;
    try {
      await vault.set(id, secrets);
      vaultWritten = true;
      settings.putAccount({ ...(plain as StoredAccount), secretFields: Object.keys(secrets) });
      settingsWritten = true;
      const before = controller.status().error;
      const after = await controller.apply();
      // A change the running proxy could not take is reported on its status, not thrown.
      if (after.error && after.error !== before)
        throw new CallFailure('account_not_saved', after.error, after.hint);
    } catch (err) {
      const problems: string[] = [];
      const attempt = async (what: string, fn: () => unknown) => {
        try {
          await fn();
        } catch (undo) {
          problems.push(`${what}: ${undo instanceof Error ? undo.message : String(undo)}`);
        }
      };
      if (settingsWritten) {
        await attempt('settings', () =>
          previous ? settings.putAccount(previous.stored) : settings.removeAccount(id),
        );
      }
      if (vaultWritten) {
        await attempt('keychain', () => (previous ? vault.set(id, previous.secrets) : vault.delete(id)));
      }
      if (settingsWritten) await attempt('proxy', () => applyChanges());
      if (problems.length) appLog.error(`Undoing the change to account "${id}" failed`, problems);
      appLog.warn(`Account "${id}" not saved: ${err instanceof Error ? err.message : String(err)}`);
      if (err instanceof CallFailure) {
        throw new CallFailure(
          err.code,
          err.code === 'account_not_saved' ? `The account was not saved: ${err.message}` : err.message,
          err.hint ?? 'Nothing was changed. Correct the values and try again.',
          err.fields,
        );
      }
      const o = (err && typeof err === 'object' ? err : {}) as { message?: unknown; hint?: unknown };
      throw new CallFailure(
        'account_not_saved',
        `The account was not saved: ${typeof o.message === 'string' ? o.message : String(err)}`,
        typeof o.hint === 'string' ? o.hint : 'Nothing was changed. Correct the values and try again.',
      );
    }
  };

  const prepareDraft = (draft: AccountDraft, id: string): Record<string, unknown> => {
    const account: Record<string, unknown> = { ...draft, id };
    if (account.enabled === undefined) account.enabled = true;
    return account;
  };

  const validateModels = (next: ModelSettings): void => {
    const accountIds = new Set(settings.getAccounts().map((a) => a.id));
    const errors: CallError['fields'] = [];
    const ids = new Set<string>();
    next.models.forEach((m, i) => {
      if (ids.has(m.id))
        errors.push({
          path: `models.${i}.id`,
          message: `"${m.id}" is listed twice`,
          messageRef: appMsg('fieldModelTwice', { model: m.id }),
        });
      ids.add(m.id);
      m.routes.forEach((r, j) => {
        if (!accountIds.has(r.account))
          errors.push({
            path: `models.${i}.routes.${j}.account`,
            message: `no account "${r.account}"`,
            messageRef: appMsg('fieldNoAccount', { account: r.account }),
          });
      });
    });
    for (const [alias, target] of Object.entries(next.aliases)) {
      if (!ids.has(target))
        errors.push({
          path: `aliases.${alias}`,
          message: `points to unknown model "${target}"`,
          messageRef: appMsg('fieldAliasUnknownModel', { model: target }),
        });
      if (ids.has(alias))
        errors.push({
          path: `aliases.${alias}`,
          message: 'is already a model name',
          messageRef: appMsg('fieldAliasIsModel'),
        });
    }
    if (next.defaultModel && !ids.has(next.defaultModel) && !(next.defaultModel in next.aliases)) {
      errors.push({
        path: 'defaultModel',
        message: `"${next.defaultModel}" is not one of your models`,
        messageRef: appMsg('fieldDefaultUnknown', { model: next.defaultModel }),
      });
    }
    if (errors.length > 0)
      throw new CallFailure('invalid_models', 'Some model settings need attention.', undefined, errors, {
        message: appMsg('modelsNeedAttention'),
      });
  };

  const pickTestModel = async (requested?: string): Promise<string | null> => {
    if (requested) return requested;
    const m = settings.getModels();
    if (m.defaultModel) return m.defaultModel;
    const enabled = m.models.find((x) => x.enabled);
    if (enabled) return enabled.id;
    const handle = controller.handle();
    if (handle) {
      try {
        const listed = await handle.listModels();
        return listed[0]?.id ?? null;
      } catch {
        return null;
      }
    }
    return null;
  };

  const connectInfo = async (): Promise<ConnectInfo> => {
    const status = controller.status();
    const s = settings.getSettings();
    const accessKey = await getAccessKey();
    const required = s.requireAccessKey || s.lan;
    const origin = status.state === 'running' && status.port ? `http://127.0.0.1:${status.port}` : null;
    const base = origin ?? `http://127.0.0.1:${s.port}`;
    const model = (await pickTestModel()) ?? '';
    const keyText = accessKey ?? '';
    return {
      running: status.state === 'running',
      origin,
      accessKeyRequired: required,
      accessKey,
      sources: [
        {
          source: 'openai',
          title: 'Custom (OpenAI-compatible)',
          fields: [
            { label: 'Custom Endpoint (Base URL)', labelRef: appMsg('stBaseUrl'), value: `${base}/v1` },
            { label: 'Custom API Key', labelRef: appMsg('stApiKey'), value: keyText },
            ...(model ? [{ label: 'Model', labelRef: appMsg('stModel'), value: model }] : []),
          ],
          steps: [
            'In SillyTavern open API Connections and choose Chat Completion.',
            'Set Chat Completion Source to "Custom (OpenAI-compatible)".',
            'Paste the Base URL (and the API key if one is shown), then click Connect.',
            'Pick a model from the list and press "Test Message".',
          ],
        },
        {
          source: 'claude',
          title: 'Claude',
          fields: [
            { label: 'Reverse Proxy: Proxy Server URL', labelRef: appMsg('stProxyUrl'), value: `${base}/v1` },
            { label: 'Proxy Password', labelRef: appMsg('stProxyPassword'), value: keyText || 'keybridge' },
          ],
          steps: [
            'Set Chat Completion Source to "Claude".',
            'Open the Reverse Proxy section and paste the Proxy Server URL.',
            accessKey
              ? 'Paste the access key as the Proxy Password.'
              : 'SillyTavern needs some password here: any text works, e.g. "keybridge".',
            'Choose a Claude model and press "Test Message".',
          ],
        },
        {
          source: 'gemini',
          title: 'Google AI Studio',
          fields: [
            { label: 'Reverse Proxy: Proxy Server URL', labelRef: appMsg('stProxyUrl'), value: base },
            { label: 'Proxy Password', labelRef: appMsg('stProxyPassword'), value: keyText },
          ],
          steps: [
            'Set Chat Completion Source to "Google AI Studio".',
            'Open the Reverse Proxy section and paste the Proxy Server URL (without /v1).',
            accessKey ? 'Paste the access key as the Proxy Password.' : 'Leave the password empty.',
            'Choose a Gemini model and press "Test Message".',
          ],
        },
      ],
    };
  };

  const sendTestMessage = async (
    input: MethodParsedInput<'connect.sendTestMessage'>,
  ): Promise<TestMessageResult> => {
    const status = controller.status();
    if (status.state !== 'running' || !status.port) {
      return {
        ok: false,
        latencyMs: 0,
        error: 'The proxy is not running.',
        hint: status.error ?? 'Start it first, then send the test message again.',
        errorRef: appMsg('proxyNotRunning'),
        hintRef: status.error ? status.errorRef : appMsg('testStartFirstHint'),
      };
    }
    const model = await pickTestModel(input.model);
    if (!model) {
      return {
        ok: false,
        latencyMs: 0,
        error: 'There is no model to talk to yet.',
        hint: 'Add an account and enable at least one model under Models.',
        errorRef: appMsg('testNoModel'),
        hintRef: appMsg('testNoModelHint'),
      };
    }
    const origin = `http://127.0.0.1:${status.port}`;
    const key = await getAccessKey();
    const req = testRequest(input.source, origin, model, input.text, key);
    const started = Date.now();
    const doFetch = deps.fetch ?? fetch;
    try {
      const res = await doFetch(req.url, {
        method: 'POST',
        headers: req.headers,
        body: JSON.stringify(req.body),
        signal: AbortSignal.timeout(120_000),
      });
      const text = await res.text();
      const latencyMs = Date.now() - started;
      const json = safeJson(text);
      if (!res.ok) {
        const err = readProxyError(json);
        // The proxy's record of this request carries the message and hint as catalog codes.
        const recorded = requestLog.get(res.headers.get('x-request-id') ?? '')?.error;
        const statusHint = hintForStatus(res.status);
        return {
          ok: false,
          model,
          status: res.status,
          latencyMs,
          error: err.message ?? (`${res.status} ${res.statusText}`.trim() || 'The request failed.'),
          hint: err.hint ?? statusHint?.text,
          errorRef: err.message ? recorded?.messageRef : appMsg('testFailedStatus', { status: res.status }),
          hintRef: err.hint ? recorded?.hintRef : statusHint?.ref,
        };
      }
      const reply = readReply(input.source, json);
      if (reply === null) {
        return {
          ok: false,
          model,
          status: res.status,
          latencyMs,
          error: 'The answer could not be read.',
          hint: 'Copy diagnostics and report it.',
          errorRef: appMsg('testUnreadable'),
          hintRef: appMsg('testUnreadableHint'),
        };
      }
      return { ok: true, model, reply, status: res.status, latencyMs };
    } catch (err) {
      return {
        ok: false,
        model,
        latencyMs: Date.now() - started,
        error: `Could not reach the proxy: ${err instanceof Error ? err.message : String(err)}`,
        hint: 'Check that the proxy is running, then try again.',
        errorRef: appMsg('testUnreachable', { detail: err instanceof Error ? err.message : String(err) }),
        hintRef: appMsg('testUnreachableHint'),
      };
    }
  };

  const handlers: Handlers = {
    'app.info': async () => ({ ...deps.appInfo(), secretStorage: vault.backend }),
    'app.notices': async () => notices.list(),
    'app.dismissNotice': async ({ id }) => notices.dismiss(id),
    'app.diagnostics': async () => {
      const text = buildDiagnostics(
        {
          appInfo: { ...deps.appInfo(), secretStorage: vault.backend },
          settings: await settingsView(),
          accounts: await accountViews(),
          status: controller.status(),
          recentProblems: appLog.recentProblems(),
          logTail: appLog.tail(80),
          extra: { vault: vault.status(), models: settings.getModels(), notices: notices.list() },
          now: now(),
        },
        redactor,
      );
      return { text };
    },

    'proxy.status': async () => controller.status(),
    'proxy.start': async () => controller.start(),
    'proxy.stop': async () => controller.stop(),

    'accounts.list': accountViews,
    'accounts.add': async ({ account: draft }) => {
      const taken = new Set(settings.getAccounts().map((a) => a.id));
      if (draft.id && taken.has(draft.id)) {
        throw new CallFailure(
          'conflict',
          `An account named "${draft.id}" already exists.`,
          'Choose another name.',
          [{ path: 'id', message: 'is already used by another account', messageRef: appMsg('fieldIdTaken') }],
          { message: appMsg('accountExists', { account: draft.id }), hint: appMsg('chooseAnotherName') },
        );
      }
      const id = draft.id ?? makeAccountId(draft.label, draft.provider, taken);
      const account = prepareDraft(draft, id);
      checkAccount(account);
      await storeAccount(id, account, null);
      appLog.info(`Account "${id}" (${draft.provider}) added`);
      await accountsChanged();
      return accountView(requireAccount(id));
    },
    'accounts.update': async ({ id, patch }) => {
      const stored = requireAccount(id);
      const secrets = (await vault.get(id)) ?? {};
      const merged = mergePatch(toCoreAccount(stored, secrets), patch);
      checkAccount(merged);
      await storeAccount(id, merged, { stored, secrets });
      appLog.info(`Account "${id}" updated`);
      await accountsChanged();
      return accountView(requireAccount(id));
    },
    'accounts.remove': async ({ id }) => {
      requireAccount(id);
      settings.removeAccount(id);
      await vault.delete(id);
      appLog.info(`Account "${id}" removed`);
      await applyChanges();
      await accountsChanged();
      return { removed: true };
    },
    'accounts.validate': async ({ account: draft, existingId }) => {
      let account: Record<string, unknown>;
      if (existingId) {
        const stored = requireAccount(existingId);
        account = mergePatch(toCoreAccount(stored, await vault.get(existingId)), draft);
      } else {
        const taken = new Set(settings.getAccounts().map((a) => a.id));
        if (draft.id && taken.has(draft.id)) {
          return {
            valid: false,
            errors: [
              {
                path: 'id',
                message: 'is already used by another account',
                messageRef: appMsg('fieldIdTaken'),
              },
            ],
          };
        }
        account = prepareDraft(draft, draft.id ?? makeAccountId(draft.label, draft.provider, taken));
      }
      const errors = validateCoreAccount(account);
      return { valid: errors.length === 0, errors };
    },
    'accounts.detectCredential': async ({ text }) => detectCredential(text),
    'accounts.test': async ({ id }) => {
      requireAccount(id);
      const result = await requireRunning().testAccount(id);
      if (result.ok)
        return {
          ok: true,
          message: result.message,
          messageRef: result.messageRef,
          latencyMs: result.latencyMs,
        };
      return { ok: false, error: result.error, latencyMs: result.latencyMs };
    },
    'accounts.models': async ({ id }) => {
      requireAccount(id);
      const listing = await requireRunning().listAccountModels(id);
      return { accountId: id, ...listing };
    },

    'models.get': async () => settings.getModels(),
    'models.update': async (next) => {
      validateModels(next);
      const saved = settings.setModels(next);
      await applyChanges();
      return saved;
    },
    'models.public': async () => {
      const handle = controller.handle();
      if (handle) return handle.listModels();
      const accounts = new Map(settings.getAccounts().map((a) => [a.id, a.provider]));
      return settings
        .getModels()
        .models.filter((m) => m.enabled)
        .map((m) => ({
          id: m.id,
          routes: m.routes.map((r) => ({
            account: r.account,
            provider: accounts.get(r.account) ?? 'unknown',
            upstreamModel: r.model,
          })),
        }));
    },

    'settings.get': settingsView,
    'settings.update': async (patch) => {
      const before = settings.getSettings();
      const wantsKey = patch.lan === true || patch.requireAccessKey === true;
      if (wantsKey && (await getAccessKey()) === null) await setAccessKey(newAccessKey());
      let next: ReturnType<typeof settings.getSettings>;
      try {
        next = settings.updateSettings(patch);
      } catch (err) {
        if (err instanceof z.ZodError)
          throw new CallFailure(
            'invalid_payload',
            'Some settings are not valid.',
            undefined,
            zodFieldErrors(err),
            { message: appMsg('settingsInvalid') },
          );
        throw err;
      }
      if (patch.keysWithoutKeychain !== undefined && patch.keysWithoutKeychain !== vault.backend) {
        try {
          await vault.setFallback(patch.keysWithoutKeychain);
        } catch (err) {
          // Nothing changed where the keys are: put the choice back as it was.
          settings.updateSettings({ keysWithoutKeychain: before.keysWithoutKeychain ?? 'session' });
          throw err;
        }
        deps.onVaultChange?.();
        emit('accounts.changed', await accountViews());
      }
      if (patch.launchAtLogin !== undefined && patch.launchAtLogin !== before.launchAtLogin) {
        if (deps.setLaunchAtLogin) await deps.setLaunchAtLogin(patch.launchAtLogin);
      }
      requestLog.setLimits({ maxRecords: next.logMaxRecords, retentionDays: next.usageRetentionDays });
      await applyChanges();
      const view = await settingsView();
      emit('settings.changed', view);
      return view;
    },
    'settings.generateAccessKey': async () => {
      const key = newAccessKey();
      await setAccessKey(key);
      await applyChanges();
      emit('settings.changed', await settingsView());
      return { accessKey: key };
    },
    'settings.getAccessKey': async () => ({ accessKey: await getAccessKey() }),
    'settings.clearAccessKey': async () => {
      const s = settings.getSettings();
      if (s.lan || s.requireAccessKey) {
        throw new CallFailure(
          'conflict',
          'The access key is in use.',
          s.lan
            ? 'Turn LAN access off first: other devices must not reach your proxy without a key.'
            : 'Turn off "Require the access key" first.',
          undefined,
          {
            message: appMsg('accessKeyInUse'),
            hint: appMsg(s.lan ? 'accessKeyInUseLanHint' : 'accessKeyInUseRequiredHint'),
          },
        );
      }
      await setAccessKey(null);
      await applyChanges();
      const view = await settingsView();
      emit('settings.changed', view);
      return view;
    },

    'connect.info': connectInfo,
    'connect.sendTestMessage': sendTestMessage,

    'log.recent': async ({ limit }) => requestLog.recent(limit),
    'log.clear': async () => ({ cleared: requestLog.clear() }),
    'log.export': async ({ format }) => requestLog.export(format),
    'usage.summary': async ({ days }) => requestLog.usage(days),

    // ── limits and keys for other people (app/services/api/limits.ts, share.ts)
    ...limitsHandlers({ settings, controller, apply: applyChanges, changed: limitsChanged, fail }),
    ...shareHandlers({ settings, vault, controller, redactor, appLog, apply: applyChanges, fail }),
  };

  const call = async (method: string, rawInput: unknown): Promise<Result<unknown>> => {
    if (!isMethodName(method)) {
      return {
        ok: false,
        error: {
          code: 'unknown_method',
          message: `Unknown call "${String(method)}".`,
          messageRef: appMsg('unknownCall', { method: String(method) }),
        },
      };
    }
    const spec = methods[method];
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const fields = zodFieldErrors(parsed.error);
      return {
        ok: false,
        error: {
          code: 'invalid_payload',
          message: 'Some values are missing or not valid.',
          hint: fields.map((f) => `${f.path || 'value'}: ${f.message}`).join('; '),
          fields,
          messageRef: appMsg('invalidPayload'),
        },
      };
    }
    try {
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      const out = spec.output.safeParse(value);
      if (!out.success) {
        appLog.error(`Answer of ${method} does not match the contract`, zodFieldErrors(out.error));
        return {
          ok: false,
          error: {
            code: 'internal',
            message: 'Keybridge produced an unexpected answer.',
            messageRef: appMsg('unexpectedAnswer'),
          },
        };
      }
      // Last line: a secret that slipped into an answer is masked, never a reason to refuse it
      // (a refusal would stop the screen working for as long as the secret stays around).
      const safe = redactor.answer(out.data, ACCESS_KEY_METHODS.has(method));
      if (safe !== out.data) appLog.warn(`Answer of ${method} contained a secret; it was masked`);
      return { ok: true, value: safe };
    } catch (err) {
      return { ok: false, error: redactor.answer(toCallError(err, method, appLog)) };
    }
  };

  const unsubscribers = [
    controller.onStatus((s) => emit('status.changed', s)),
    requestLog.subscribe((r) => emit('request.record', r)),
    notices.subscribe((n) => emit('notices.changed', n)),
    // A limit crossed 80 % or was reached: the window's bars and the tray follow.
    controller.onLimit(() => limitsChanged(limitsStatus(controller))),
  ];

  return {
    call,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
    accountViews,
    settingsView,
    close() {
      for (const u of unsubscribers) u();
      listeners.clear();
    },
  };
}

function toCallError(err: unknown, method: string, log: AppLog): CallError {
  if (err instanceof CallFailure) {
    return {
      code: err.code,
      message: err.message,
      hint: err.hint,
      fields: err.fields,
      messageRef: err.messageRef,
      hintRef: err.hintRef,
    };
  }
  if (err instanceof z.ZodError) {
    const fields = zodFieldErrors(err);
    return {
      code: 'invalid_payload',
      message: 'Some values are not valid.',
      fields,
      messageRef: appMsg('invalidValues'),
    };
  }
  const o = (err && typeof err === 'object' ? err : {}) as {
    message?: unknown;
    hint?: unknown;
    code?: unknown;
    messageRef?: unknown;
    hintRef?: unknown;
  };
  const message = typeof o.message === 'string' ? o.message : String(err);
  log.error(`${method} failed: ${message}`);
  // proxy-core's ProxyError and the vault's errors carry their catalog codes.
  const ref = (v: unknown) => {
    const parsed = messageRefSchema.safeParse(v);
    return parsed.success ? parsed.data : undefined;
  };
  return {
    code: typeof o.code === 'string' ? o.code : 'internal',
    message,
    hint: typeof o.hint === 'string' ? o.hint : undefined,
    messageRef: ref(o.messageRef),
    hintRef: ref(o.hintRef),
  };
}

interface PreparedTest {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function testRequest(
  source: 'openai' | 'claude' | 'gemini',
  origin: string,
  model: string,
  text: string,
  key: string | null,
): PreparedTest {
  if (source === 'claude') {
    return {
      url: `${origin}/v1/messages`,
      headers: {
        'content-type': 'application/json',
        'x-api-key': key ?? 'keybridge',
        'anthropic-version': '2023-06-01',
      },
      body: { model, max_tokens: 256, messages: [{ role: 'user', content: text }] },
    };
  }
  if (source === 'gemini') {
    const q = key ? `?key=${encodeURIComponent(key)}` : '';
    return {
      url: `${origin}/v1beta/models/${encodeURIComponent(model)}:generateContent${q}`,
      headers: { 'content-type': 'application/json' },
      body: { contents: [{ role: 'user', parts: [{ text }] }], generationConfig: { maxOutputTokens: 256 } },
    };
  }
  return {
    url: `${origin}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: { model, max_tokens: 256, stream: false, messages: [{ role: 'user', content: text }] },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Reads the message and hint from any of the three dialects' error bodies. */
function readProxyError(json: unknown): { message?: string; hint?: string } {
  const body = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const error = (body.error && typeof body.error === 'object' ? body.error : body) as Record<string, unknown>;
  const message = typeof error.message === 'string' ? error.message : undefined;
  const hint = typeof error.hint === 'string' ? error.hint : undefined;
  // proxy-core writes "message — hint" into the one message field the dialects have.
  if (!hint && message?.includes(' — ')) {
    const at = message.indexOf(' — ');
    return { message: message.slice(0, at), hint: message.slice(at + 3) };
  }
  return { message, hint };
}

function hintForStatus(status: number): { text: string; ref: MessageRef } | undefined {
  if (status === 401 || status === 403)
    return {
      text: 'The proxy wants the access key: check Settings → Access key.',
      ref: appMsg('testHintAccessKey'),
    };
  if (status === 404)
    return { text: 'Check that the model is enabled under Models.', ref: appMsg('testHintModel') };
  if (status === 429)
    return {
      text: 'The provider is rate limiting this account; wait a moment and try again.',
      ref: appMsg('testHintRateLimit'),
    };
  if (status >= 500)
    return {
      text: 'The provider had a problem; the live log shows the details.',
      ref: appMsg('testHintProvider'),
    };
  return undefined;
}

function readReply(source: 'openai' | 'claude' | 'gemini', json: unknown): string | null {
  const body = (json && typeof json === 'object' ? json : null) as Record<string, unknown> | null;
  if (!body) return null;
  const textOf = (parts: unknown): string | null =>
    Array.isArray(parts)
      ? parts
          .map((p) =>
            p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'
              ? (p as { text: string }).text
              : '',
          )
          .join('')
      : null;
  if (source === 'claude') return textOf(body.content);
  if (source === 'gemini') {
    const cand = Array.isArray(body.candidates)
      ? (body.candidates[0] as Record<string, unknown> | undefined)
      : undefined;
    const content = cand?.content as { parts?: unknown } | undefined;
    return textOf(content?.parts);
  }
  const choice = Array.isArray(body.choices)
    ? (body.choices[0] as Record<string, unknown> | undefined)
    : undefined;
  const message = choice?.message as { content?: unknown } | undefined;
  if (typeof message?.content === 'string') return message.content;
  return textOf(message?.content);
}

export type { RequestRecordView };
