/**
 * The one catalog of message codes the window can receive from main and proxy-core.
 *
 * Main and proxy-core write each sentence in English (logs, the CLI and the fallback keep it) and
 * send beside it a `MessageRef`: a code from this catalog and its parameters (strings or numbers,
 * never secrets). The window shows `msg.<code>` of its language (renderer/src/i18n/locales/*.json),
 * or the English text when it has no entry for the code. A code listed here without a text in both
 * locale files fails tsc (renderer/src/i18n/index.ts) and test/renderer/messages.test.ts.
 *
 * Plain zod and TypeScript: the renderer, the preload, the dev host and main all import it.
 */
import { z } from 'zod';
import {
  type MessageArgs,
  type MessageParams,
  type MessageRef,
  PROXY_MESSAGES,
} from '../../proxy-core/src/messages.js';

export type { MessageParams, MessageRef };

/** The app's own codes (app/services/*) and the parameters each takes. */
export const APP_MESSAGES = {
  // ── calls (app/services/api/*.ts)
  unknownCall: ['method'],
  invalidPayload: [],
  invalidValues: [],
  unexpectedAnswer: [],
  noSuchAccount: ['account'],
  noSuchAccountHint: [],
  proxyNotRunning: [],
  proxyStartHint: [],
  accountExists: ['account'],
  chooseAnotherName: [],
  fieldsNeedAttention: [],
  modelsNeedAttention: [],
  settingsInvalid: [],
  accessKeyInUse: [],
  accessKeyInUseLanHint: [],
  accessKeyInUseRequiredHint: [],

  // ── keys for other people (app/services/api/share.ts)
  noSuchShareKey: ['name'],
  noSuchShareKeyHint: [],
  shareKeyExists: ['name'],
  shareKeyLost: ['name'],
  shareKeyLostHint: [],

  // ── "Send a test message" (app/services/api/connect.ts)
  testStartFirstHint: [],
  testNoModel: [],
  testNoModelHint: [],
  testUnreadable: [],
  testUnreadableHint: [],
  testUnreachable: ['detail'],
  testUnreachableHint: [],
  testFailedStatus: ['status'],
  testHintAccessKey: [],
  testHintModel: [],
  testHintRateLimit: [],
  testHintProvider: [],

  // ── field errors (zod issues, app/contract/messages.ts zodIssueRef; model settings)
  fieldRequired: [],
  fieldWrongType: ['expected'],
  fieldEmpty: [],
  fieldTooShort: ['minimum'],
  fieldTooLong: ['maximum'],
  fieldMin: ['minimum'],
  fieldMax: ['maximum'],
  fieldNotInteger: [],
  fieldOneOf: ['values'],
  fieldUnknown: ['keys'],
  fieldBadFormat: [],
  fieldUrl: [],
  fieldHttpUrl: [],
  fieldAccountId: [],
  fieldProxyUrl: [],
  fieldOrigin: [],
  fieldNeedsAccount: [],
  fieldVertexRegion: [],
  fieldServiceAccountRequired: [],
  fieldServiceAccountBoth: [],
  fieldIdTaken: [],
  fieldProviderUnsupported: ['provider'],
  fieldModelTwice: ['model'],
  fieldNoAccount: ['account'],
  fieldAliasUnknownModel: ['model'],
  fieldAliasIsModel: [],
  fieldDefaultUnknown: ['model'],

  // ── pasted credentials (app/services/account-fields.ts detectCredential)
  credNothing: [],
  credEmpty: [],
  credBrokenJson: [],
  credBrokenJsonField: [],
  credServiceAccount: [],
  credServiceAccountProject: ['project'],
  credMissing: [],
  credNotPem: [],
  credUnknownJson: [],
  credUnknownJsonField: [],
  credAws: ['keyId'],
  credAwsWithSecret: ['keyId'],
  credAwsNeedsSecret: [],
  credNotSingleKey: [],
  credAnthropic: ['mask'],
  credGoogleAi: ['mask'],
  credOpenRouter: ['mask'],
  credOpenAi: ['mask'],
  credOpenAiKey: ['mask'],
  credDeepSeek: ['mask'],
  credBedrockKey: ['mask'],
  credAzure: ['mask'],
  credUnknown: [],

  // ── proxy status (app/services/proxy-controller.ts)
  portsAllTaken: ['from', 'to'],
  portsAllTakenHint: [],
  portMoveFailed: ['port', 'detail'],
  portMoveAllTaken: ['port', 'to'],
  portMoveFailedHint: [],
  portMoved: ['wanted', 'port'],
  setupInvalid: ['detail'],
  setupInvalidHint: [],

  // ── notices (app/services/settings-store.ts, secret-vault.ts, app-services.ts)
  settingsUnreadable: ['detail'],
  settingsUnreadableHint: ['file', 'folder'],
  settingsNewer: [],
  settingsNewerHint: ['file'],
  settingsNotMigrated: ['detail'],
  settingsKeptAs: ['file'],
  settingsRepaired: ['fields'],
  settingsSecretsRemoved: [],
  settingsSecretsRemovedHint: [],
  keychainSaveFailed: ['detail'],
  keychainReadFailed: ['detail'],
  keychainDeleteFailed: ['detail'],
  keychainUnlockHint: [],
  usageFileProblem: ['detail'],
  usageFileHint: [],

  // ── Connect SillyTavern: the names of SillyTavern's fields (app/services/api/connect.ts connectInfo)
  stBaseUrl: [],
  stApiKey: [],
  stModel: [],
  stProxyUrl: [],
  stProxyPassword: [],
} as const satisfies Record<string, readonly string[]>;

/** Every code the window may receive, with its parameters. */
export const MESSAGES = { ...PROXY_MESSAGES, ...APP_MESSAGES } as const;
export type MessageCode = keyof typeof MESSAGES;
export type AppMessageCode = keyof typeof APP_MESSAGES;

export function isMessageCode(code: string): code is MessageCode {
  return Object.hasOwn(MESSAGES, code);
}

/** An app sentence as a code and its parameters (type-checked against the catalog). */
export function appMsg<C extends AppMessageCode>(
  code: C,
  ...params: MessageArgs<typeof APP_MESSAGES, C>
): MessageRef {
  return params[0] ? { code, params: params[0] } : { code };
}

/** A MessageRef crossing IPC: a code and its string/number parameters. */
export const messageRefSchema = z.object({
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

/**
 * The catalog code of a message our own schemas write (refine/regex messages): the window shows
 * the translation, the field error keeps the English. Unknown messages fall back to the issue's kind.
 */
const SCHEMA_MESSAGES: Record<string, AppMessageCode> = {
  'must be an http(s) URL': 'fieldHttpUrl',
  'must be 1-64 letters, digits, ".", "-" or "_"': 'fieldAccountId',
  'must be an http://, https:// or socks5:// URL, e.g. socks5://127.0.0.1:1080': 'fieldProxyUrl',
  'must be an http://, https:// or socks5:// URL': 'fieldProxyUrl',
  'must look like http://host:port (no path)': 'fieldOrigin',
  'needs at least one account': 'fieldNeedsAccount',
  'needs at least one route': 'fieldNeedsAccount',
  'must be a region such as global, us-east5, europe-west1, us or eu': 'fieldVertexRegion',
  'is required: paste the service-account JSON key, or set serviceAccountFile to its path':
    'fieldServiceAccountRequired',
  'give either serviceAccount or serviceAccountFile, not both': 'fieldServiceAccountBoth',
  'must be 1024 or higher': 'fieldMin',
  'must be 65535 or lower': 'fieldMax',
};

/** The parts of a zod issue that say what went wrong (zod 4's issue shapes, loosely typed). */
interface IssueLike {
  code: string;
  message: string;
  input?: unknown;
  expected?: unknown;
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  format?: unknown;
  values?: unknown;
  keys?: unknown;
  params?: unknown;
}

const num = (v: unknown): number | string =>
  typeof v === 'number' || typeof v === 'string' ? v : typeof v === 'bigint' ? Number(v) : '';

/** The hint a custom issue carries beside its message (`params: { hintRef }`), if any. */
export function zodIssueHintRef(issue: IssueLike): MessageRef | undefined {
  const carried = messageRefSchema.safeParse((issue.params as { hintRef?: unknown } | undefined)?.hintRef);
  return carried.success && isMessageCode(carried.data.code) ? carried.data : undefined;
}

/** A zod issue as a catalog message, or undefined when no code says it better than its text. */
export function zodIssueRef(issue: IssueLike): MessageRef | undefined {
  // A custom issue may carry its sentence's code: `params: { messageRef }` (e.g. a ProxyError's).
  const carried = messageRefSchema.safeParse(
    (issue.params as { messageRef?: unknown } | undefined)?.messageRef,
  );
  if (carried.success && isMessageCode(carried.data.code)) return carried.data;
  const known = SCHEMA_MESSAGES[issue.message];
  if (known === 'fieldMin') return appMsg('fieldMin', { minimum: num(issue.minimum) });
  if (known === 'fieldMax') return appMsg('fieldMax', { maximum: num(issue.maximum) });
  if (known) return { code: known };
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || /received undefined/.test(issue.message))
        return appMsg('fieldRequired');
      if (issue.expected === 'int') return appMsg('fieldNotInteger');
      return appMsg('fieldWrongType', { expected: String(issue.expected ?? '') });
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1
          ? appMsg('fieldEmpty')
          : appMsg('fieldTooShort', { minimum: num(issue.minimum) });
      if (issue.origin === 'array' || issue.origin === 'set')
        return Number(issue.minimum) <= 1
          ? appMsg('fieldEmpty')
          : appMsg('fieldMin', { minimum: num(issue.minimum) });
      return appMsg('fieldMin', { minimum: num(issue.minimum) });
    case 'too_big':
      if (issue.origin === 'string') return appMsg('fieldTooLong', { maximum: num(issue.maximum) });
      return appMsg('fieldMax', { maximum: num(issue.maximum) });
    case 'invalid_value':
    case 'invalid_union': {
      const values = Array.isArray(issue.values) ? issue.values.map(String) : [];
      if (values.length > 0) return appMsg('fieldOneOf', { values: values.join(', ') });
      return issue.code === 'invalid_union' ? appMsg('fieldBadFormat') : undefined;
    }
    case 'unrecognized_keys':
      return appMsg('fieldUnknown', { keys: Array.isArray(issue.keys) ? issue.keys.join(', ') : '' });
    case 'invalid_format':
      return issue.format === 'url' ? appMsg('fieldUrl') : appMsg('fieldBadFormat');
    default:
      return undefined;
  }
}
