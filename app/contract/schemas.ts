/**
 * Payload and result schemas of the renderer ⇄ main contract. Plain zod, no electron, no node:
 * the renderer (browser), the preload script, the dev host and the main process all import it.
 *
 * Rules every schema here follows:
 * - secrets go IN (account drafts, updates) and never come back OUT: views carry masked values only;
 * - every call answers a `Result` envelope (see methods.ts), so errors cross IPC and WebSocket intact;
 * - a sentence for the user (`message`, `hint`, `error`, `reason`…) may carry beside it `<name>Ref`:
 *   its code in the message catalog (messages.ts) and parameters, so the window shows it in its
 *   own language; the English text stays for logs and as the fallback.
 */
import { z } from 'zod';
import { PROVIDER_KINDS } from '../../proxy-core/src/providers/presentation.js';
import { messageRefSchema } from './messages.js';

// ───────────────────────────── shared pieces ─────────────────────────────

/** A problem with one field of a payload, with a message the user can read. */
export const fieldErrorSchema = z.object({
  /** Dotted path of the field, e.g. "serviceAccount.private_key" or "port". Empty for the whole payload. */
  path: z.string(),
  message: z.string(),
  messageRef: messageRefSchema.optional(),
  /** When the English message ends with a hint ("… — …"), the hint's code (shown after the message). */
  hintRef: messageRefSchema.optional(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

/** A sentence for the user and the hint after it, each with its catalog code (see the rules above). */
const explained = {
  message: z.string(),
  hint: z.string().optional(),
  messageRef: messageRefSchema.optional(),
  hintRef: messageRefSchema.optional(),
};

/** What went wrong, when something did, and what to do, each with its catalog code. */
const failure = {
  error: z.string().optional(),
  hint: z.string().optional(),
  errorRef: messageRefSchema.optional(),
  hintRef: messageRefSchema.optional(),
};

/** Error answer of any call: a message, a hint a non-technical user can act on, field errors for forms. */
export const callErrorSchema = z.object({
  /** Machine code: invalid_payload, not_found, conflict, keychain, proxy_not_running, upstream, internal… */
  code: z.string(),
  ...explained,
  fields: z.array(fieldErrorSchema).optional(),
});
export type CallError = z.infer<typeof callErrorSchema>;

/** A notice the UI shows until dismissed (keychain missing, settings file reset, port changed…). */
export const noticeSchema = z.object({
  id: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  ...explained,
  /** ISO time it was raised. */
  time: z.string(),
});
export type Notice = z.infer<typeof noticeSchema>;

/** Requests served, how many failed, and their tokens (the proxy's counters, a usage row). */
export const requestCounts = {
  requests: z.number(),
  errors: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
};

const accountId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, ".", "-" or "_"');

// ───────────────────────────── app ─────────────────────────────

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** 'desktop' inside Electron; 'web' when served by the dev host / headless `serve --ui`. */
  mode: z.enum(['desktop', 'web']),
  platform: z.string(),
  arch: z.string(),
  versions: z.object({ node: z.string(), electron: z.string().optional(), chrome: z.string().optional() }),
  dataDir: z.string(),
  logFile: z.string().optional(),
  /** Where secrets are kept: the OS keychain, or (no keychain found) this session's memory only or the secrets file. */
  secretStorage: z.enum(['keychain', 'session', 'file']),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

// ───────────────────────────── proxy status ─────────────────────────────

export const proxyStateSchema = z.enum(['stopped', 'starting', 'running', 'stopping', 'error']);
export type ProxyStateView = z.infer<typeof proxyStateSchema>;

export const proxyStatusSchema = z.object({
  state: proxyStateSchema,
  host: z.string().optional(),
  port: z.number().int().optional(),
  /** OpenAI-style base URL, e.g. http://127.0.0.1:5731/v1 */
  url: z.string().optional(),
  /** Why it is in the error state, in plain words, and what to do. */
  ...failure,
  /** Set when the wanted port was taken and another one was used: "Port 5731 was busy, using 5732." */
  portNote: z.string().optional(),
  portNoteRef: messageRefSchema.optional(),
  stats: z.object({ startedAt: z.string().optional(), ...requestCounts, activeStreams: z.number() }),
});
export type ProxyStatusView = z.infer<typeof proxyStatusSchema>;

// ───────────────────────────── accounts ─────────────────────────────

/** Every provider kind, from proxy-core's presentation table (the registry's kinds, in the window's order). */
export const providerKindSchema = z.enum(PROVIDER_KINDS);
export type ProviderKind = z.infer<typeof providerKindSchema>;

/**
 * Names of account fields that hold secrets. They are kept in the OS keychain, never in the
 * settings file, and come back to the renderer masked only.
 */
export const SECRET_FIELD_NAMES = [
  'apiKey',
  'serviceAccount',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'clientSecret',
  'token',
  /** Extra upstream headers (may carry keys); shown as their names only. */
  'headers',
] as const;
export type SecretFieldName = (typeof SECRET_FIELD_NAMES)[number];

/**
 * An account as the user typed it: provider, optional id (generated from the label when absent),
 * and provider fields flat on the object, secrets included (e.g. `apiKey`, `serviceAccount` as the
 * pasted JSON text or object, `accessKeyId` + `secretAccessKey`, `region`, `baseUrl`).
 * Main validates it against proxy-core's account schema and answers precise field errors.
 */
export const accountDraftSchema = z.looseObject({
  provider: providerKindSchema,
  id: accountId.optional(),
  label: z.string().max(200).optional(),
  enabled: z.boolean().optional(),
});
export type AccountDraft = z.infer<typeof accountDraftSchema>;

/**
 * A change to an existing account. Fields absent are unchanged; a secret field absent or ""
 * keeps the stored secret (the form shows the mask, the user types only to replace it);
 * `null` removes an optional field.
 */
export const accountPatchSchema = z.looseObject({
  label: z.string().max(200).optional(),
  enabled: z.boolean().optional(),
});
export type AccountPatch = z.infer<typeof accountPatchSchema>;

/** An account as the renderer sees it: settings in clear, secrets masked (`AKIA…7Q2X`). */
export const accountViewSchema = z.object({
  id: z.string(),
  provider: providerKindSchema,
  label: z.string().optional(),
  enabled: z.boolean(),
  /** Non-secret provider fields (region, baseUrl, projectId, deployments, models…). */
  settings: z.record(z.string(), z.unknown()),
  /** Masked secret fields, by name: only which ones are set and a recognisable mask. */
  secrets: z.record(z.string(), z.string()),
  /** Where its secrets live: 'keychain'; with no keychain on this system 'session' (lost on quit) or 'file' (the secrets file, mode 0600). */
  secretStorage: z.enum(['keychain', 'session', 'file']),
  /** True when a secret this account needs is missing (e.g. the keychain entry was deleted). */
  missingSecrets: z.array(z.string()),
});
export type AccountView = z.infer<typeof accountViewSchema>;

export const validationResultSchema = z.object({
  valid: z.boolean(),
  errors: z.array(fieldErrorSchema),
});
export type ValidationResult = z.infer<typeof validationResultSchema>;

/** What a pasted or dropped credential looks like: which provider, and the non-secret facts in it. */
export const credentialDetectionSchema = z.object({
  provider: providerKindSchema.nullable(),
  /** Plain-words description, e.g. "Google Cloud service account for project my-proj". */
  summary: z.string(),
  summaryRef: messageRefSchema.optional(),
  /** Non-secret facts read from it (projectId, clientEmail, keyIdPrefix…); never the secret itself. */
  facts: z.record(z.string(), z.string()),
  errors: z.array(fieldErrorSchema),
});
export type CredentialDetection = z.infer<typeof credentialDetectionSchema>;

/** An error as a view shows it (proxy-core's ErrorInfo): the HTTP status and kind, if any, and what to tell the user. */
export const errorInfoViewSchema = z.object({
  status: z.number().optional(),
  kind: z.string().optional(),
  ...explained,
});
export type ErrorInfoView = z.infer<typeof errorInfoViewSchema>;

export const accountTestResultSchema = z.object({
  ok: z.boolean(),
  /** Success text ("Vertex AI answered in 812 ms"), or absent on failure. */
  message: z.string().optional(),
  messageRef: messageRefSchema.optional(),
  error: errorInfoViewSchema.optional(),
  latencyMs: z.number(),
});
export type AccountTestResult = z.infer<typeof accountTestResultSchema>;

export const accountModelsSchema = z.object({
  accountId: z.string(),
  models: z.array(
    z.object({
      id: z.string(),
      displayName: z.string().optional(),
      contextWindow: z.number().optional(),
      ownedBy: z.string().optional(),
    }),
  ),
  /** upstream = the account's own list; config = typed by the user; catalog = Keybridge's built-in list. */
  source: z.enum(['upstream', 'config', 'catalog']),
  /** Why the upstream list was not used, in plain words. */
  reason: z.string().optional(),
  reasonRef: messageRefSchema.optional(),
});
export type AccountModels = z.infer<typeof accountModelsSchema>;

// ───────────────────────────── models ─────────────────────────────

export const routeViewSchema = z.object({ account: accountId, model: z.string().min(1) });

export const modelEntrySchema = z.object({
  /** Public id clients send and /v1/models lists. */
  id: z.string().min(1).max(200),
  enabled: z.boolean(),
  /** Failover order: first route first. */
  routes: z.array(routeViewSchema).min(1, 'needs at least one account'),
});
export type ModelEntry = z.infer<typeof modelEntrySchema>;

export const modelSettingsSchema = z.object({
  models: z.array(modelEntrySchema),
  /** The user's own names: alias → public model id. */
  aliases: z.record(z.string().min(1), z.string().min(1)),
  /** Used when a client sends no model or one Keybridge does not know, and by "Send a test message". */
  defaultModel: z.string().min(1).nullable(),
});
export type ModelSettings = z.infer<typeof modelSettingsSchema>;

/** Where a public model goes: an account, its provider kind and the model id upstream (a route, a try). */
export const servedBySchema = z.object({
  account: z.string(),
  provider: z.string(),
  upstreamModel: z.string(),
});

export const publicModelViewSchema = z.object({
  id: z.string(),
  routes: z.array(servedBySchema),
});
export type PublicModelView = z.infer<typeof publicModelViewSchema>;

// ───────────────────────────── settings ─────────────────────────────

export const outboundProxySettingSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('system') }),
  z.object({ mode: z.literal('none') }),
  z.object({
    mode: z.literal('custom'),
    url: z
      .string()
      .trim()
      .refine((u) => {
        try {
          return /^(https?|socks5h?):$/i.test(new URL(u).protocol);
        } catch {
          return false;
        }
      }, 'must be an http://, https:// or socks5:// URL, e.g. socks5://127.0.0.1:1080'),
  }),
]);
export type OutboundProxySetting = z.infer<typeof outboundProxySettingSchema>;

export const languageSchema = z.enum(['system', 'en', 'zh-CN']);
export const themeSchema = z.enum(['system', 'light', 'dark']);

/** Settings the user changes in the Settings screen. No secrets: the access key lives in the keychain. */
export const appSettingsSchema = z.object({
  port: z.number().int().min(1024, 'must be 1024 or higher').max(65535, 'must be 65535 or lower'),
  /** Ask every caller for the access key, loopback included. */
  requireAccessKey: z.boolean(),
  /** Listen on the local network too (needs an access key). */
  lan: z.boolean(),
  /** Browser origins allowed to call the proxy without the access key, e.g. http://localhost:8000 */
  allowedOrigins: z.array(
    z
      .string()
      .trim()
      .transform((o) => o.replace(/\/+$/, ''))
      .pipe(z.string().regex(/^https?:\/\/[^/\s]+$/i, 'must look like http://host:port (no path)')),
  ),
  outboundProxy: outboundProxySettingSchema,
  launchAtLogin: z.boolean(),
  language: languageSchema,
  theme: themeSchema,
  /** Keep request and response bodies in the log (off by default). */
  logBodies: z.boolean(),
  /** How many recent requests the live log keeps. */
  logMaxRecords: z.number().int().min(50).max(100_000),
  /** Days of usage history kept. */
  usageRetentionDays: z.number().int().min(1).max(3650),
  /** Look for new Keybridge releases on GitHub (off unless the user turns it on; absent = off). */
  checkForUpdates: z.boolean().optional(),
  /**
   * Where keys are kept when the system has no keychain: 'session' (until Keybridge quits; absent =
   * this) or 'file' (a file in the data folder only the user can read, kept across restarts).
   */
  keysWithoutKeychain: z.enum(['session', 'file']).optional(),
});
export type AppSettings = z.infer<typeof appSettingsSchema>;

/** Where keys are kept right now, and why there is no keychain when there is none. No secrets. */
export const secretStorageViewSchema = z.object({
  backend: z.enum(['keychain', 'session', 'file']),
  /** Why no keychain is used: no D-Bus session, no Secret Service, locked, refused, no keychain library, other. */
  noKeychainReason: z
    .enum(['no-bus', 'no-service', 'locked', 'refused', 'library', 'unavailable'])
    .optional(),
  /** The secrets file (where keys are, or would be, with the file option); only when there is no keychain. */
  file: z.string().optional(),
});
export type SecretStorageView = z.infer<typeof secretStorageViewSchema>;

/** The Settings screen's view: the settings plus whether an access key exists and where keys are kept. */
export const settingsViewSchema = appSettingsSchema.extend({
  hasAccessKey: z.boolean(),
  /** Main always sends it; optional so a view from an older main still parses. */
  secretStorage: secretStorageViewSchema.optional(),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

export const settingsPatchSchema = appSettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

// ───────────────────────────── connect ─────────────────────────────

export const sillyTavernSourceSchema = z.enum(['openai', 'claude', 'gemini']);
export type SillyTavernSource = z.infer<typeof sillyTavernSourceSchema>;

export const connectInfoSchema = z.object({
  running: z.boolean(),
  /** Origin the proxy listens on, e.g. http://127.0.0.1:5731 */
  origin: z.string().nullable(),
  accessKeyRequired: z.boolean(),
  /** The access key to paste, only when one is set (it is the user's own key to their proxy). */
  accessKey: z.string().nullable(),
  sources: z.array(
    z.object({
      source: sillyTavernSourceSchema,
      /** SillyTavern's name for it: "Custom (OpenAI-compatible)", "Claude", "Google AI Studio". */
      title: z.string(),
      /** Values to paste, in the order SillyTavern asks for them: label + value. */
      fields: z.array(
        z.object({ label: z.string(), value: z.string(), labelRef: messageRefSchema.optional() }),
      ),
      steps: z.array(z.string()),
    }),
  ),
});
export type ConnectInfo = z.infer<typeof connectInfoSchema>;

export const testMessageInputSchema = z.strictObject({
  source: sillyTavernSourceSchema.default('openai'),
  /** Public model id; the default model when absent. */
  model: z.string().min(1).optional(),
  text: z.string().min(1).max(2000).default('Hi'),
});

export const testMessageResultSchema = z.object({
  ok: z.boolean(),
  model: z.string().optional(),
  reply: z.string().optional(),
  status: z.number().optional(),
  latencyMs: z.number(),
  ...failure,
});
export type TestMessageResult = z.infer<typeof testMessageResultSchema>;

export const diagnosticsSchema = z.object({
  /** Plain text for the clipboard, every secret redacted. */
  text: z.string(),
});
