/**
 * Pure helpers for accounts at the app boundary: split a draft into stored fields and secrets,
 * mask secrets for the renderer, merge a patch, make an id, validate against proxy-core's
 * account schema with field errors, and recognise a pasted credential.
 */
import type { z } from 'zod';
import { accountSchema, recogniseOtherKeyFile } from '../../proxy-core/src/index.js';
import {
  type AccountView,
  appMsg,
  type CredentialDetection,
  type FieldError,
  KEY_SHAPES,
  type MessageRef,
  PROVIDER_PRESENTATION,
  type ProviderKind,
  type ProviderPresentation,
  providerKindSchema,
  SECRET_FIELD_NAMES,
  zodIssueHintRef,
  zodIssueRef,
} from '../contract/index.js';
import type { StoredAccount } from './settings-store.js';

const SECRET_SET = new Set<string>(SECRET_FIELD_NAMES);
/** Bookkeeping fields of a stored account that are not provider settings. */
const META_FIELDS = new Set(['id', 'provider', 'label', 'enabled', 'secretFields']);

export function isSecretField(name: string): boolean {
  return SECRET_SET.has(name);
}

export interface SplitAccount {
  /** Everything but secrets (what the settings file may hold). */
  plain: Record<string, unknown>;
  /** Secret fields with a value. */
  secrets: Record<string, unknown>;
}

/** Splits an account object into its plain part and its non-empty secret fields. */
export function splitSecrets(account: Record<string, unknown>): SplitAccount {
  const plain: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(account)) {
    if (isSecretField(k)) {
      const empty =
        v === undefined ||
        v === null ||
        v === '' ||
        (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);
      if (!empty) secrets[k] = v;
    } else plain[k] = v;
  }
  return { plain, secrets };
}

/** A recognisable mask: "AKIA…7Q2X"; short secrets show nothing of themselves. */
export function maskString(value: string): string {
  const v = value.trim();
  if (v.length < 12) return '••••••';
  return `${v.slice(0, 4)}…${v.slice(-4)}`;
}

/** Masked form of one secret field (service-account JSON shows its e-mail and key id prefix). */
export function maskSecret(name: string, value: unknown): string {
  if (name === 'serviceAccount') {
    const sa = parseJsonObject(value);
    if (sa) {
      const email = typeof sa.client_email === 'string' ? sa.client_email : 'service account';
      const keyId =
        typeof sa.private_key_id === 'string' && sa.private_key_id.length >= 8 ? sa.private_key_id : '';
      return keyId ? `${email} (key ${keyId.slice(0, 4)}…)` : email;
    }
    return '••••••';
  }
  if (name === 'headers' && value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.keys(value).join(', ');
  }
  if (typeof value === 'string') return maskString(value);
  return '••••••';
}

export function parseJsonObject(value: unknown): Record<string, unknown> | null {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The renderer's view of a stored account and its secrets. */
export function toAccountView(
  stored: StoredAccount,
  secrets: Record<string, unknown> | null,
  secretStorage: 'keychain' | 'session' | 'file',
): AccountView {
  const settings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stored)) {
    if (!META_FIELDS.has(k) && !isSecretField(k)) settings[k] = v;
  }
  const masked: Record<string, string> = {};
  for (const [k, v] of Object.entries(secrets ?? {})) {
    if (isSecretField(k)) masked[k] = maskSecret(k, v);
  }
  const expected = Array.isArray(stored.secretFields) ? (stored.secretFields as unknown[]).map(String) : [];
  return {
    id: stored.id,
    provider: stored.provider,
    label: stored.label,
    enabled: stored.enabled,
    settings,
    secrets: masked,
    secretStorage,
    missingSecrets: expected.filter((f) => !(f in masked)),
  };
}

/** The proxy-core account object (settings + secrets) of a stored account. */
export function toCoreAccount(
  stored: StoredAccount,
  secrets: Record<string, unknown> | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stored)) if (k !== 'secretFields') out[k] = v;
  return { ...out, ...(secrets ?? {}) };
}

/** Applies a patch: absent = unchanged, null = removed, "" on a secret = keep the stored one. */
export function mergePatch(
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'id' || k === 'provider') continue;
    if (v === undefined) continue;
    if (v === null) delete next[k];
    else if (isSecretField(k) && v === '') continue;
    else next[k] = v;
  }
  return next;
}

/** A readable id from the label or provider, unique among `taken`. */
export function makeAccountId(label: string | undefined, provider: ProviderKind, taken: Set<string>): string {
  const base =
    (label ?? '')
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || provider;
  const start = /^[a-z0-9]/.test(base) ? base : `${provider}-${base}`;
  if (!taken.has(start)) return start;
  for (let i = 2; ; i++) if (!taken.has(`${start}-${i}`)) return `${start}-${i}`;
}

/**
 * Zod issues as field errors with plain messages. A missing value is "is required" (zod's own
 * words, "Invalid input: expected string, received undefined", mean nothing to a user).
 */
export function zodFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const ref = zodIssueRef(issue);
    const hintRef = zodIssueHintRef(issue);
    return {
      path: issue.path.map(String).join('.'),
      message:
        issue.code === 'invalid_type' && /received undefined$/.test(issue.message)
          ? 'is required'
          : issue.message,
      ...(ref ? { messageRef: ref } : {}),
      ...(ref && hintRef ? { hintRef } : {}),
    };
  });
}

/** The presentation of a known provider kind, or undefined. */
function presentationFor(kind: unknown): ProviderPresentation | undefined {
  const parsed = providerKindSchema.safeParse(kind);
  return parsed.success ? PROVIDER_PRESENTATION[parsed.data] : undefined;
}

/** Whether the kind's form asks for the API address and the kind brings no default one. */
function needsBaseUrl(p: ProviderPresentation): boolean {
  const form = presentationFor(p.form);
  const asked = form?.fields?.some((f) => f.name === 'baseUrl' && f.required) ?? false;
  return asked && !p.presetBaseUrl;
}

/**
 * What an account needs beyond proxy-core's schema before the window may save it: a custom
 * OpenAI-compatible server has no default address, and the hosted services refuse every call
 * without a key (proxy-core accepts both empty, for config files that fill them in later).
 */
function missingForWindow(account: Record<string, unknown>): FieldError[] {
  const empty = (v: unknown) => typeof v !== 'string' || v.trim() === '';
  const errors: FieldError[] = [];
  const presentation = presentationFor(account.provider);
  if (!presentation) return errors;
  if (needsBaseUrl(presentation) && empty(account.baseUrl)) {
    errors.push({
      path: 'baseUrl',
      message: "is required: the server's address, e.g. http://127.0.0.1:11434/v1",
    });
  }
  const extraKeys = Array.isArray(account.apiKeys) && account.apiKeys.length > 0;
  if (presentation.keyRequired && empty(account.apiKey) && !extraKeys) {
    errors.push({ path: 'apiKey', message: 'is required' });
  }
  return errors;
}

/** Validates a full account (settings + secrets) with proxy-core's schema and the window's needs. */
export function validateCoreAccount(account: Record<string, unknown>): FieldError[] {
  const result = accountSchema.safeParse(account);
  const extra = missingForWindow(account);
  if (result.success) return extra;
  const errors = zodFieldErrors(result.error);
  for (const e of extra) if (!errors.some((x) => x.path === e.path)) errors.push(e);
  // A provider this build's proxy-core does not know yet: say it plainly.
  if (errors.some((e) => e.path === 'provider')) {
    return [
      {
        path: 'provider',
        message: `"${String(account.provider)}" accounts are not supported by this version`,
        messageRef: appMsg('fieldProviderUnsupported', { provider: String(account.provider) }),
      },
    ];
  }
  return errors;
}

/** Recognises what a pasted or dropped credential is, without ever echoing the secret. */
export function detectCredential(text: string): CredentialDetection {
  const t = text.trim();
  const none = (summary: string, summaryRef: MessageRef, errors: FieldError[] = []): CredentialDetection => ({
    provider: null,
    summary,
    summaryRef,
    facts: {},
    errors,
  });
  if (!t)
    return none('Nothing was pasted.', appMsg('credNothing'), [
      { path: 'text', message: 'is empty', messageRef: appMsg('credEmpty') },
    ]);

  const json = t.startsWith('{') ? parseJsonObject(t) : null;
  if (t.startsWith('{') && !json) {
    return none('This looks like JSON but it is incomplete or damaged.', appMsg('credBrokenJson'), [
      {
        path: 'text',
        message: 'is not valid JSON — copy the whole file, including the first { and last }',
        messageRef: appMsg('credBrokenJsonField'),
      },
    ]);
  }
  if (json) {
    if (json.type === 'service_account') {
      const errors: FieldError[] = [];
      for (const f of ['project_id', 'client_email', 'private_key'] as const) {
        if (typeof json[f] !== 'string' || !json[f])
          errors.push({
            path: `serviceAccount.${f}`,
            message: 'is missing',
            messageRef: appMsg('credMissing'),
          });
      }
      if (typeof json.private_key === 'string' && !json.private_key.includes('PRIVATE KEY')) {
        errors.push({
          path: 'serviceAccount.private_key',
          message: 'is not a private key (PEM)',
          messageRef: appMsg('credNotPem'),
        });
      }
      const facts: Record<string, string> = {};
      if (typeof json.project_id === 'string') facts.projectId = json.project_id;
      if (typeof json.client_email === 'string') facts.clientEmail = json.client_email;
      return {
        provider: kindRecognising('service-account-json'),
        summary: `Google Cloud service account${facts.projectId ? ` for project ${facts.projectId}` : ''} (Vertex AI)`,
        summaryRef: facts.projectId
          ? appMsg('credServiceAccountProject', { project: facts.projectId })
          : appMsg('credServiceAccount'),
        facts,
        errors,
      };
    }
    // A gcloud login, an OAuth client…: worded by proxy-core, as the CLI and the save check say it.
    const other = recogniseOtherKeyFile(json);
    if (other) {
      return none(`${other.message}.`, other.messageRef, [
        { path: 'text', message: other.hint, messageRef: other.hintRef },
      ]);
    }
    return none('This JSON is not a credential Keybridge knows.', appMsg('credUnknownJson'), [
      {
        path: 'text',
        message: 'is not a Google Cloud service-account key (its "type" should be "service_account")',
        messageRef: appMsg('credUnknownJsonField'),
      },
    ]);
  }

  const awsId = /\b((?:AKIA|ASIA)[0-9A-Z]{16})\b/.exec(t);
  if (awsId) {
    const facts: Record<string, string> = { accessKeyId: maskString(awsId[1]!) };
    const hasSecret = /(^|[\s,:=])[A-Za-z0-9/+]{40}($|[\s,])/.test(t);
    return {
      provider: kindRecognising('aws-access-key'),
      summary: `AWS access key ${facts.accessKeyId}${hasSecret ? ' with its secret' : ''} (Bedrock)`,
      summaryRef: appMsg(hasSecret ? 'credAwsWithSecret' : 'credAws', { keyId: facts.accessKeyId ?? '' }),
      facts,
      errors: hasSecret
        ? []
        : [
            {
              path: 'secretAccessKey',
              message: 'is needed too — paste the secret access key',
              messageRef: appMsg('credAwsNeedsSecret'),
            },
          ],
    };
  }
  const single = t.split(/\s+/).length === 1;
  if (!single) return none('This does not look like a single key.', appMsg('credNotSingleKey'));
  const shape = KEY_SHAPES.find((k) => k.pattern.test(t));
  if (shape) {
    return {
      provider: shape.kind,
      summary: `${shape.what} ${maskString(t)}`,
      summaryRef: appMsg(shape.code, { mask: maskString(t) }),
      facts: { apiKey: maskString(t) },
      errors: [],
    };
  }
  return none('Keybridge does not recognise this key; choose the provider yourself.', appMsg('credUnknown'));
}

/** The provider kind whose credentials of this structured sort the presentation table claims. */
function kindRecognising(what: NonNullable<ProviderPresentation['recognises']>): ProviderKind | null {
  const entry = Object.entries(PROVIDER_PRESENTATION).find(
    ([, p]) => (p as ProviderPresentation).recognises === what,
  );
  return entry ? providerKindSchema.parse(entry[0]) : null;
}
