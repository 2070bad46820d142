/**
 * Every call the renderer may make and every event it may hear, defined once.
 * The preload script, the dev host's WebSocket shim and main's IPC handlers are all generated
 * from these two tables, so a channel exists only if it is listed here.
 */
import { z } from 'zod';
import {
  accessKeyDraftSchema,
  accessKeyNameSchema,
  accountCostPatchSchema,
  limitSchema,
  limitsStatusSchema,
  limitsViewSchema,
  shareCopySchema,
  shareViewSchema,
} from './limits-schemas.js';
import { exportFileSchema, requestRecordSchema, usageSummarySchema } from './log-schemas.js';
import {
  accountDraftSchema,
  accountModelsSchema,
  accountPatchSchema,
  accountTestResultSchema,
  accountViewSchema,
  appInfoSchema,
  type callErrorSchema,
  connectInfoSchema,
  credentialDetectionSchema,
  diagnosticsSchema,
  modelSettingsSchema,
  noticeSchema,
  proxyStatusSchema,
  publicModelViewSchema,
  settingsPatchSchema,
  settingsViewSchema,
  testMessageInputSchema,
  testMessageResultSchema,
  validationResultSchema,
} from './schemas.js';

const none = z.strictObject({});
const byId = z.strictObject({ id: z.string().min(1).max(64) });

function call<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string) {
  return { input, output, doc };
}

export const methods = {
  // app
  'app.info': call(none, appInfoSchema, 'Versions, mode (desktop/web), data dir, where secrets are kept.'),
  'app.notices': call(
    none,
    z.array(noticeSchema),
    'Notices to show (no keychain, settings reset, port moved…).',
  ),
  'app.dismissNotice': call(byId, z.array(noticeSchema), 'Hides a notice; answers the remaining ones.'),
  'app.diagnostics': call(
    none,
    diagnosticsSchema,
    '"Copy diagnostics": versions, settings, recent errors, redacted.',
  ),

  // proxy
  'proxy.status': call(none, proxyStatusSchema, 'Proxy state, URL, port, error with hint.'),
  'proxy.start': call(none, proxyStatusSchema, 'Starts the proxy (next free port if taken).'),
  'proxy.stop': call(none, proxyStatusSchema, 'Stops the proxy, letting streams finish for a few seconds.'),

  // accounts
  'accounts.list': call(none, z.array(accountViewSchema), 'Accounts with masked secrets.'),
  'accounts.add': call(
    z.strictObject({ account: accountDraftSchema }),
    accountViewSchema,
    'Adds an account.',
  ),
  'accounts.update': call(
    z.strictObject({ id: z.string().min(1).max(64), patch: accountPatchSchema }),
    accountViewSchema,
    'Changes an account; secret fields left out or "" keep the stored secret.',
  ),
  'accounts.remove': call(
    byId,
    z.strictObject({ removed: z.boolean() }),
    'Removes an account and its keychain entry.',
  ),
  'accounts.validate': call(
    z.strictObject({ account: accountDraftSchema, existingId: z.string().optional() }),
    validationResultSchema,
    'Checks a draft (or a patch of existingId) without saving; precise field errors.',
  ),
  'accounts.detectCredential': call(
    z.strictObject({ text: z.string().max(200_000) }),
    credentialDetectionSchema,
    'Says what a pasted/dropped credential is (service-account JSON, AWS key, API key…).',
  ),
  'accounts.test': call(
    byId,
    accountTestResultSchema,
    'Proves the credential works with the cheapest real call.',
  ),
  'accounts.models': call(
    byId,
    accountModelsSchema,
    "One account's models, with their source and the reason.",
  ),

  // models
  'models.get': call(none, modelSettingsSchema, 'Enabled models, routes (failover order), aliases, default.'),
  'models.update': call(modelSettingsSchema, modelSettingsSchema, 'Replaces the model settings.'),
  'models.public': call(none, z.array(publicModelViewSchema), 'What clients see in /v1/models.'),

  // settings
  'settings.get': call(none, settingsViewSchema, 'App settings.'),
  'settings.update': call(
    settingsPatchSchema,
    settingsViewSchema,
    'Changes some settings; the proxy follows.',
  ),
  'settings.generateAccessKey': call(
    none,
    z.strictObject({ accessKey: z.string() }),
    'Makes a new access key (the old one stops working).',
  ),
  'settings.getAccessKey': call(
    none,
    z.strictObject({ accessKey: z.string().nullable() }),
    'For the Copy button.',
  ),
  'settings.clearAccessKey': call(
    none,
    settingsViewSchema,
    'Removes the access key (not allowed while LAN is on).',
  ),

  // connect
  'connect.info': call(none, connectInfoSchema, 'What to paste into SillyTavern for each source.'),
  'connect.sendTestMessage': call(
    testMessageInputSchema,
    testMessageResultSchema,
    'A real request through the running proxy; the reply or the error with a hint.',
  ),

  // request log & usage
  'log.recent': call(
    z.strictObject({ limit: z.number().int().min(1).max(100_000).optional() }),
    z.array(requestRecordSchema),
    'Most recent request records, newest last.',
  ),
  'log.clear': call(
    none,
    z.strictObject({ cleared: z.number() }),
    'Empties the live log (usage totals stay).',
  ),
  'log.export': call(
    z.strictObject({ format: z.enum(['jsonl', 'csv']) }),
    exportFileSchema,
    'The live log as a JSONL or CSV file.',
  ),
  'usage.summary': call(
    z.strictObject({ days: z.number().int().min(1).max(3650).default(30) }),
    usageSummarySchema,
    'Tokens and cost per model and per day.',
  ),

  // spend limits (Settings → Limits, the Usage screen's bars)
  'limits.get': call(
    none,
    limitsViewSchema,
    "Limits on everything and per account, with each account's cost settings.",
  ),
  'limits.setGlobal': call(limitSchema, limitsViewSchema, 'Replaces the limits on everything together.'),
  'limits.setAccount': call(
    accountCostPatchSchema,
    limitsViewSchema,
    "Changes one account's limits, prompt caching or unsupported-parameter choice.",
  ),
  'limits.status': call(none, limitsStatusSchema, 'Each limit with its use now, and models without a price.'),

  // keys for other people and apps (the Share screen)
  'share.list': call(
    none,
    shareViewSchema,
    'Keys (names, rules, usage; never the key) and the address to share.',
  ),
  'share.create': call(
    accessKeyDraftSchema,
    shareCopySchema,
    'Makes a strong random key with these rules; answers it once, with the address.',
  ),
  'share.copy': call(
    z.strictObject({ name: accessKeyNameSchema }),
    shareCopySchema,
    'The address and key together, for the Copy button.',
  ),
  'share.update': call(
    accessKeyDraftSchema,
    shareViewSchema,
    "Changes a key's models and limits; the key itself stays the same, so its holder changes nothing.",
  ),
  'share.revoke': call(
    z.strictObject({ name: accessKeyNameSchema }),
    shareViewSchema,
    'Deletes a key: it stops working at once.',
  ),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What the caller passes (defaults not yet applied). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What the handler receives (after parsing). */
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export const events = {
  'status.changed': proxyStatusSchema,
  'request.record': requestRecordSchema,
  'accounts.changed': z.array(accountViewSchema),
  'settings.changed': settingsViewSchema,
  'notices.changed': z.array(noticeSchema),
  /** A limit crossed 80 % or was reached, or the limits changed. */
  'limits.changed': limitsStatusSchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** Every call answers this envelope; errors survive IPC and WebSocket structured cloning. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: z.infer<typeof callErrorSchema> };

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** IPC channel names, derived once: `kb:call:<method>` and `kb:event:<event>`. */
export const channelForMethod = (m: MethodName): string => `kb:call:${m}`;
export const channelForEvent = (e: EventName): string => `kb:event:${e}`;
