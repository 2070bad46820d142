/**
 * The contract, implemented over the app services. Every payload is validated at the boundary
 * with the contract's zod schemas, every answer is checked against its output schema, and no
 * answer or event carries an account secret (a final guard masks every known secret value).
 * Each contract namespace has its own file under ./api/; they share one context (./api/context.ts).
 */
import {
  type AccountView,
  appMsg,
  type EventName,
  type EventPayload,
  isMethodName,
  type MessageRef,
  type MethodName,
  methods,
  type RequestRecordView,
  type Result,
  type SettingsView,
} from '../contract/index.js';
import { zodFieldErrors } from './account-fields.js';
import { accountsApi } from './api/accounts.js';
import { appApi } from './api/app.js';
import { CallFailure, toCallError } from './api/call-failure.js';
import { connectApi } from './api/connect.js';
import { type ApiDeps, type ApiEventListener, createApiContext, type Handlers } from './api/context.js';
import { limitsHandlers, limitsStatus } from './api/limits.js';
import { logApi } from './api/log.js';
import { modelsApi } from './api/models.js';
import { proxyApi } from './api/proxy.js';
import { settingsApi } from './api/settings.js';
import { shareHandlers } from './api/share.js';
import { usageApi } from './api/usage.js';

export { CallFailure } from './api/call-failure.js';
export type { ApiDeps, ApiEventListener } from './api/context.js';

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
  const ctx = createApiContext(deps);
  const { controller, requestLog, appLog, redactor, notices, listeners, emit, accountViews, settingsView } =
    ctx;

  const { settings, vault } = deps;
  const limitsChanged = (status: EventPayload<'limits.changed'>) => emit('limits.changed', status);
  const fail = (
    code: string,
    message: string,
    hint: string | undefined,
    refs: { message?: MessageRef; hint?: MessageRef },
  ) => new CallFailure(code, message, hint, undefined, refs);
  const apply = ctx.applyChanges;

  const handlers: Handlers = {
    ...appApi(ctx),
    ...proxyApi(ctx),
    ...accountsApi(ctx),
    ...modelsApi(ctx),
    ...settingsApi(ctx),
    ...connectApi(ctx),
    ...logApi(ctx),
    ...usageApi(ctx),
    // limits and keys for other people (app/services/api/limits.ts, share.ts)
    ...limitsHandlers({ settings, controller, apply, changed: limitsChanged, fail }),
    ...shareHandlers({ settings, vault, controller, redactor, appLog, apply, fail }),
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

export type { RequestRecordView };
