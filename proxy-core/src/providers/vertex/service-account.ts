import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ProxyError } from '../../canonical/errors.js';
import { type MessageRef, proxyMsg } from '../../messages.js';

/** Google's OAuth token endpoint, used when a key file names none. */
export const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
/** The public Google Cloud universe. */
export const DEFAULT_UNIVERSE_DOMAIN = 'googleapis.com';

/** A validated service-account key, as the rest of the provider uses it. */
export interface ServiceAccount {
  clientEmail: string;
  /** PKCS#8 PEM text. */
  privateKey: string;
  privateKeyId?: string;
  projectId: string;
  tokenUri: string;
  universeDomain: string;
}

export type ServiceAccountResult = { ok: true; value: ServiceAccount } | { ok: false; error: ProxyError };

export interface ParseServiceAccountOptions {
  /** The account's projectId override: when set, a key without project_id is fine. */
  projectId?: string;
}

const CREATE_KEY_HINT =
  'In the Google Cloud console open IAM & Admin → Service Accounts, pick the account, then Keys → Add key → Create new key → JSON, and paste the whole downloaded file.';

function fail(
  message: string,
  hint: string,
  messageRef: MessageRef,
  hintRef: MessageRef,
): ServiceAccountResult {
  return {
    ok: false,
    error: new ProxyError('authentication', message, {
      hint,
      code: 'invalid_service_account',
      messageRef,
      hintRef,
    }),
  };
}

/** Line and column (1-based) of a character offset in text. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

function describeJsonFailure(text: string, err: unknown): ServiceAccountResult {
  const trimmed = text.trim();
  if (/^([A-Za-z]:[\\/]|\/|~[\\/]|\.{1,2}[\\/])/.test(trimmed) && !trimmed.includes('{')) {
    return fail(
      'This looks like a file path, not the contents of the key file',
      'Open the downloaded .json key file in a text editor and paste everything in it (it starts with "{").',
      proxyMsg('saIsPath'),
      proxyMsg('saIsPathHint'),
    );
  }
  if (!trimmed.startsWith('{')) {
    return fail(
      'This is not a service-account key: a key file is JSON and starts with "{"',
      `${CREATE_KEY_HINT} Make sure you copy the file's contents, not its name.`,
      proxyMsg('saNotJson'),
      proxyMsg('saCopyContentsHint'),
    );
  }
  const detail = err instanceof Error ? err.message : String(err);
  const pos = /position (\d+)/.exec(detail);
  const offset = pos ? Number(pos[1]) : undefined;
  const endedEarly =
    /end of (JSON )?input|Unterminated/i.test(detail) || offset === undefined || offset >= text.length;
  if (endedEarly && !trimmed.endsWith('}')) {
    return fail(
      'The key file text ends too early — the paste looks cut off',
      'Copy the whole file again, from the first "{" to the last "}".',
      proxyMsg('saCutOff'),
      proxyMsg('saCutOffHint'),
    );
  }
  const where =
    offset === undefined
      ? ''
      : (() => {
          const { line, column } = lineAndColumn(text, offset);
          return ` at line ${line}, column ${column}`;
        })();
  const reason = detail.replace(/\s*in JSON at position \d+.*$/, '');
  const at = offset === undefined ? undefined : lineAndColumn(text, offset);
  return fail(
    `The key file is not valid JSON${where} (${reason})`,
    'Paste the downloaded file unchanged; do not edit it by hand. If it was edited, download a fresh key.',
    at
      ? proxyMsg('saBadJsonAt', { line: at.line, column: at.column, detail: reason })
      : proxyMsg('saBadJson', { detail: reason }),
    proxyMsg('saBadJsonHint'),
  );
}

function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

/**
 * Checks that the private key is a usable RSA PEM key. Repairs one common paste accident: the
 * `\n` escapes arriving as literal backslash-n (double-escaped) instead of newlines.
 */
function checkPrivateKey(
  raw: string,
): { ok: true; pem: string } | { ok: false; result: ServiceAccountResult } {
  let pem = raw.trim();
  if (!pem.includes('\n') && pem.includes('\\n')) pem = pem.replace(/\\n/g, '\n');
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem) || !/-----END (RSA )?PRIVATE KEY-----/.test(pem)) {
    return {
      ok: false,
      result: fail(
        'The "private_key" in the key file is not a PEM private key (it should start with "-----BEGIN PRIVATE KEY-----")',
        `The file was probably edited or cut. ${CREATE_KEY_HINT}`,
        proxyMsg('saNotPem'),
        proxyMsg('saEditedOrCutHint'),
      ),
    };
  }
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa') {
      return {
        ok: false,
        result: fail(
          `The "private_key" in the key file is a ${key.asymmetricKeyType ?? 'non-RSA'} key; Google service-account keys are RSA`,
          CREATE_KEY_HINT,
          proxyMsg('saNotRsa', { type: key.asymmetricKeyType ?? 'non-RSA' }),
          proxyMsg('saCreateKeyHint'),
        ),
      };
    }
  } catch {
    return {
      ok: false,
      result: fail(
        'The "private_key" in the key file is damaged and cannot be read',
        `Part of the key was probably lost while copying. ${CREATE_KEY_HINT}`,
        proxyMsg('saDamagedKey'),
        proxyMsg('saDamagedKeyHint'),
      ),
    };
  }
  return { ok: true, pem: pem.endsWith('\n') ? pem : `${pem}\n` };
}

function checkUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

export interface OtherKeyFile {
  /** What the file is, e.g. a personal gcloud login. */
  message: string;
  /** What to download instead, and where. */
  hint: string;
  /** The same two sentences as catalog codes, for the window's language. */
  messageRef: MessageRef;
  hintRef: MessageRef;
}

/**
 * Recognises the Google credential files that are not service-account keys (a gcloud login,
 * an OAuth client, workload identity federation, impersonation) and says what to use instead.
 * The one place this is decided: the window's paste detection, the account check on save and
 * the CLI's key-file check all word it this way.
 */
export function recogniseOtherKeyFile(o: Record<string, unknown>): OtherKeyFile | undefined {
  if (typeof o.installed === 'object' || typeof o.web === 'object') {
    return {
      message: 'This is an OAuth client ID file ("client_secret_….json"), not a service-account key',
      hint: `OAuth client IDs are for apps that sign users in. ${CREATE_KEY_HINT}`,
      messageRef: proxyMsg('saOAuthClient'),
      hintRef: proxyMsg('saOAuthClientHint'),
    };
  }
  const type = o.type;
  if (type === 'authorized_user') {
    return {
      message: 'This is a personal gcloud login file (type "authorized_user"), not a service-account key',
      hint: `Keybridge needs a service-account key instead. ${CREATE_KEY_HINT}`,
      messageRef: proxyMsg('saUserLogin'),
      hintRef: proxyMsg('saUserLoginHint'),
    };
  }
  if (type === 'external_account' || type === 'external_account_authorized_user') {
    return {
      message:
        'This is a workload identity federation config (type "external_account"), not a service-account key',
      hint: `It holds no key of its own. ${CREATE_KEY_HINT}`,
      messageRef: proxyMsg('saFederation'),
      hintRef: proxyMsg('saFederationHint'),
    };
  }
  if (type === 'impersonated_service_account') {
    return {
      message:
        'This is an impersonation config (type "impersonated_service_account"), not a service-account key',
      hint: CREATE_KEY_HINT,
      messageRef: proxyMsg('saImpersonation'),
      hintRef: proxyMsg('saCreateKeyHint'),
    };
  }
  if (type !== undefined && type !== 'service_account') {
    return {
      message: `This key file has type "${String(type)}"; Keybridge needs type "service_account"`,
      hint: CREATE_KEY_HINT,
      messageRef: proxyMsg('saWrongType', { type: String(type) }),
      hintRef: proxyMsg('saCreateKeyHint'),
    };
  }
  return undefined;
}

/**
 * Validates a pasted service-account key (JSON text or an already-parsed object) and says
 * precisely what is wrong with anything else. Pure: nothing is stored or sent.
 */
export function parseServiceAccount(
  input: string | Record<string, unknown>,
  opts: ParseServiceAccountOptions = {},
): ServiceAccountResult {
  let json: unknown = input;
  if (typeof input === 'string') {
    const text = input.replace(/^\uFEFF/, '');
    if (text.trim() === '') {
      return fail(
        'The service-account key is empty',
        CREATE_KEY_HINT,
        proxyMsg('saEmpty'),
        proxyMsg('saCreateKeyHint'),
      );
    }
    try {
      json = JSON.parse(text);
    } catch (err) {
      return describeJsonFailure(text, err);
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return fail(
      'This is JSON, but not a service-account key (a key file is one JSON object)',
      CREATE_KEY_HINT,
      proxyMsg('saNotObject'),
      proxyMsg('saCreateKeyHint'),
    );
  }
  const o = json as Record<string, unknown>;
  const missingField = (field: string) =>
    fail(
      `The key file has no "${field}"`,
      `It was probably cut or edited. ${CREATE_KEY_HINT}`,
      proxyMsg('saNoField', { field }),
      proxyMsg('saCutHint'),
    );

  const other = recogniseOtherKeyFile(o);
  if (other) return fail(other.message, other.hint, other.messageRef, other.hintRef);

  if (!nonEmptyString(o.private_key)) return missingField('private_key');
  const key = checkPrivateKey(o.private_key);
  if (!key.ok) return key.result;

  if (!nonEmptyString(o.client_email)) return missingField('client_email');
  if (!/^[^@\s]+@[^@\s]+$/.test(o.client_email.trim())) {
    return fail(
      `The key file's "client_email" (${o.client_email}) is not an email address`,
      `It was probably edited. ${CREATE_KEY_HINT}`,
      proxyMsg('saBadEmail', { email: o.client_email }),
      proxyMsg('saEditedHint'),
    );
  }

  const projectId =
    opts.projectId?.trim() || (nonEmptyString(o.project_id) ? o.project_id.trim() : undefined);
  if (!projectId) {
    return fail(
      'The key file has no "project_id", so Keybridge does not know which Google Cloud project to bill',
      'Paste the unchanged key file, or enter the project ID (shown on the Google Cloud console home page) in the account settings.',
      proxyMsg('saNoProject'),
      proxyMsg('saNoProjectHint'),
    );
  }

  const tokenUri = nonEmptyString(o.token_uri) ? o.token_uri.trim() : DEFAULT_TOKEN_URI;
  if (!checkUrl(tokenUri)) {
    return fail(
      `The key file's "token_uri" (${tokenUri}) is not a web address`,
      CREATE_KEY_HINT,
      proxyMsg('saBadTokenUri', { value: tokenUri }),
      proxyMsg('saCreateKeyHint'),
    );
  }
  const universeDomain = nonEmptyString(o.universe_domain)
    ? o.universe_domain.trim()
    : DEFAULT_UNIVERSE_DOMAIN;
  if (!/^[a-z0-9.-]+$/i.test(universeDomain)) {
    return fail(
      `The key file's "universe_domain" (${universeDomain}) is not a domain name`,
      CREATE_KEY_HINT,
      proxyMsg('saBadUniverse', { value: universeDomain }),
      proxyMsg('saCreateKeyHint'),
    );
  }

  const value: ServiceAccount = {
    clientEmail: o.client_email.trim(),
    privateKey: key.pem,
    projectId,
    tokenUri,
    universeDomain,
  };
  if (nonEmptyString(o.private_key_id)) value.privateKeyId = o.private_key_id;
  return { ok: true, value };
}

/** Where a Vertex account's key comes from. */
export interface ServiceAccountSource {
  id: string;
  serviceAccount?: string | Record<string, unknown>;
  serviceAccountFile?: string;
  projectId?: string;
}

/** The full path of an account's key file (relative paths are against the config's folder). */
export function serviceAccountPath(file: string, baseDir: string): string {
  return isAbsolute(file) ? file : resolve(baseDir, file);
}

/**
 * Reads and validates an account's key: the inline JSON, or the file `serviceAccountFile`
 * names. The one loader: `serve` (the Vertex provider) and `check` both use it, so a file
 * `check` passes is a file `serve` can sign with.
 */
export function loadServiceAccount(account: ServiceAccountSource, baseDir: string): ServiceAccountResult {
  const tag = (r: ServiceAccountResult): ServiceAccountResult =>
    r.ok
      ? r
      : {
          ok: false,
          error: new ProxyError(r.error.kind, r.error.message, {
            hint: r.error.hint,
            code: r.error.code,
            account: account.id,
            messageRef: r.error.messageRef,
            hintRef: r.error.hintRef,
          }),
        };
  if (account.serviceAccount !== undefined) {
    return tag(parseServiceAccount(account.serviceAccount, { projectId: account.projectId }));
  }
  if (account.serviceAccountFile === undefined) {
    return tag(
      fail(
        'This Vertex AI account has no service-account key',
        'Paste the service-account JSON key in the account settings.',
        proxyMsg('saNoKey'),
        proxyMsg('saNoKeyHint'),
      ),
    );
  }
  const path = serviceAccountPath(account.serviceAccountFile, baseDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    return tag(
      fail(
        `Could not read the service-account key file ${path}${code ? ` (${code})` : ''}`,
        code === 'ENOENT'
          ? 'Check the path in serviceAccountFile; the file may have been moved or renamed.'
          : 'Check that the file exists and can be read.',
        proxyMsg('saFileUnreadable', { path: `${path}${code ? ` (${code})` : ''}` }),
        proxyMsg(code === 'ENOENT' ? 'saFileMissingHint' : 'saFileUnreadableHint'),
      ),
    );
  }
  return tag(parseServiceAccount(text, { projectId: account.projectId }));
}
