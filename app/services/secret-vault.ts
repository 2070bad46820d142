/**
 * SecretVault: account secrets in the OS keychain (macOS Keychain, Windows Credential Manager,
 * Linux Secret Service) through the keytar API of `@napi-rs/keyring/keytar` — maintained, N-API
 * binaries for every platform, no rebuild per Electron version (keytar itself is archived).
 *
 * One keychain entry per account: service "Keybridge", account = the account id, value = JSON of
 * its secret fields. When no keychain is reachable, the vault says so (`status()`) and keeps the
 * secrets in this process's memory for the session only — never on disk in clear.
 */
import { createRequire } from 'node:module';
import type { MessageArgs } from '../../proxy-core/src/messages.js';
// Type-only imports: this file must load on its own under `node --experimental-strip-types`.
import type { APP_MESSAGES, AppMessageCode, MessageRef } from '../contract/messages.js';

/** The four keytar calls the vault uses. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export type SecretRecord = Record<string, unknown>;

export interface VaultStatus {
  backend: 'keychain' | 'session';
  /** Why the keychain is not used, in plain words (only for 'session'). */
  reason?: string;
  hint?: string;
  /** The reason and hint as catalog codes (app/contract/messages.ts), for the window's language. */
  reasonRef?: MessageRef;
  hintRef?: MessageRef;
}

export const DEFAULT_VAULT_SERVICE = 'Keybridge';
/** Entries that are not accounts (account ids cannot start with "_"). */
export const RESERVED_PREFIX = '_keybridge.';
const PROBE_ACCOUNT = `${RESERVED_PREFIX}probe`;
/** Where the proxy access key is kept. */
export const ACCESS_KEY_ENTRY = `${RESERVED_PREFIX}access-key`;

/** Loads `@napi-rs/keyring/keytar` (CommonJS). Throws when its native binary is missing for this platform. */
export function loadKeyringKeytar(): KeytarApi {
  const require = createRequire(import.meta.url);
  return require('@napi-rs/keyring/keytar') as KeytarApi;
}

export interface OpenVaultOptions {
  /** The keytar implementation, or a loader for it; defaults to @napi-rs/keyring/keytar. */
  keytar?: KeytarApi | (() => KeytarApi);
  service?: string;
  /** Told about problems (never given secret values). */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Called with every secret string the vault sees, so log redaction can recognise it. */
  onSecretSeen?: (value: string) => void;
}

export class SecretVault {
  readonly service: string;
  readonly #keytar: KeytarApi | null;
  readonly #status: VaultStatus;
  /** Session-only store used when there is no keychain. */
  readonly #memory = new Map<string, string>();
  readonly #log: NonNullable<OpenVaultOptions['log']>;
  readonly #onSecretSeen: NonNullable<OpenVaultOptions['onSecretSeen']>;

  private constructor(keytar: KeytarApi | null, status: VaultStatus, opts: OpenVaultOptions) {
    this.service = opts.service ?? DEFAULT_VAULT_SERVICE;
    this.#keytar = keytar;
    this.#status = status;
    this.#log = opts.log ?? (() => {});
    this.#onSecretSeen = opts.onSecretSeen ?? (() => {});
  }

  /** Opens the vault, probing the keychain with a write/read/delete of a throwaway entry. */
  static async open(opts: OpenVaultOptions = {}): Promise<SecretVault> {
    const service = opts.service ?? DEFAULT_VAULT_SERVICE;
    let keytar: KeytarApi;
    try {
      keytar = typeof opts.keytar === 'function' ? opts.keytar() : (opts.keytar ?? loadKeyringKeytar());
    } catch (err) {
      return new SecretVault(
        null,
        sessionStatus({
          text: `the keychain library could not load (${errText(err)})`,
          ref: appMsg('noKeychainOther', { detail: errText(err) }),
        }),
        opts,
      );
    }
    try {
      const probe = `probe-${Date.now()}`;
      await keytar.setPassword(service, PROBE_ACCOUNT, probe);
      const back = await keytar.getPassword(service, PROBE_ACCOUNT);
      await keytar.deletePassword(service, PROBE_ACCOUNT);
      if (back !== probe) throw new Error('it did not give back what was stored');
      // A search reaches the real store (on Linux the Secret Service, not only the kernel cache).
      await keytar.findCredentials(service);
    } catch (err) {
      const status = sessionStatus(describeKeychainFailure(err));
      opts.log?.('warn', `No keychain: ${status.reason}`);
      return new SecretVault(null, status, opts);
    }
    return new SecretVault(keytar, { backend: 'keychain' }, opts);
  }

  status(): VaultStatus {
    return { ...this.#status };
  }

  get backend(): 'keychain' | 'session' {
    return this.#status.backend;
  }

  /** The secret fields of one account, or null when none are stored. */
  async get(accountId: string): Promise<SecretRecord | null> {
    const raw = await this.#read(accountId);
    if (raw === null) return null;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
      this.#see(parsed);
      return parsed as SecretRecord;
    } catch {
      this.#log('warn', `The keychain entry of account "${accountId}" is not readable JSON; ignoring it.`);
      return null;
    }
  }

  /** Replaces the secret fields of one account. An empty record deletes the entry. */
  async set(accountId: string, secrets: SecretRecord): Promise<void> {
    if (Object.keys(secrets).length === 0) {
      await this.delete(accountId);
      return;
    }
    this.#see(secrets);
    const value = JSON.stringify(secrets);
    if (!this.#keytar) {
      this.#memory.set(accountId, value);
      return;
    }
    try {
      await this.#keytar.setPassword(this.service, accountId, value);
    } catch (err) {
      throw keychainError('save', err);
    }
  }

  async delete(accountId: string): Promise<boolean> {
    if (!this.#keytar) return this.#memory.delete(accountId);
    try {
      return await this.#keytar.deletePassword(this.service, accountId);
    } catch (err) {
      throw keychainError('delete', err);
    }
  }

  /** Ids of every entry the vault holds for its service. */
  async list(): Promise<string[]> {
    if (!this.#keytar) return [...this.#memory.keys()].filter((a) => !a.startsWith(RESERVED_PREFIX));
    try {
      const creds = await this.#keytar.findCredentials(this.service);
      return creds.map((c) => c.account).filter((a) => !a.startsWith(RESERVED_PREFIX));
    } catch (err) {
      throw keychainError('read', err);
    }
  }

  async #read(accountId: string): Promise<string | null> {
    if (!this.#keytar) return this.#memory.get(accountId) ?? null;
    try {
      return await this.#keytar.getPassword(this.service, accountId);
    } catch (err) {
      throw keychainError('read', err);
    }
  }

  /** Tells the redactor about every secret string of a record (for a JSON key, its private key). */
  #see(record: unknown): void {
    if (!record || typeof record !== 'object') return;
    for (const value of Object.values(record)) {
      if (typeof value === 'string') {
        if (value.length >= 6) this.#onSecretSeen(value);
        const parsed = value.trim().startsWith('{') ? tryJson(value) : null;
        if (parsed) this.#seeKeyFile(parsed);
      } else if (value && typeof value === 'object') this.#seeKeyFile(value);
    }
  }

  #seeKeyFile(obj: object): void {
    const key = (obj as { private_key?: unknown }).private_key;
    if (typeof key === 'string' && key.length >= 6) this.#onSecretSeen(key);
  }
}

function tryJson(text: string): object | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

/** A catalog sentence (app/contract/messages.ts) as a code and its type-checked parameters. */
function appMsg<C extends AppMessageCode>(
  code: C,
  ...params: MessageArgs<typeof APP_MESSAGES, C>
): MessageRef {
  return params[0] ? { code, params: params[0] } : { code };
}

function sessionStatus(reason: { text: string; ref: MessageRef }): VaultStatus {
  const linux = process.platform === 'linux';
  return {
    backend: 'session',
    reason: `No system keychain is available: ${reason.text}. Credentials are kept only until Keybridge quits.`,
    hint: linux
      ? 'Install and unlock a Secret Service keyring (GNOME Keyring or KWallet), then restart Keybridge.'
      : 'Unlock your system keychain, then restart Keybridge.',
    reasonRef: reason.ref,
    hintRef: appMsg(linux ? 'noKeychainHintLinux' : 'noKeychainHint'),
  };
}

function describeKeychainFailure(err: unknown): { text: string; ref: MessageRef } {
  const text = errText(err);
  const noBus = { text: 'no desktop session bus (D-Bus) was found', ref: appMsg('noKeychainDbus') };
  if (/connect to address|dbus|zbus/i.test(text)) return noBus;
  if (/org\.freedesktop\.secrets|ServiceUnknown|not provided/i.test(text))
    return { text: 'no Secret Service is running', ref: appMsg('noKeychainSecretService') };
  if (/locked|cancel|dismissed/i.test(text))
    return {
      text: 'the keychain is locked or its unlock prompt was dismissed',
      ref: appMsg('noKeychainLocked'),
    };
  if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS) return noBus;
  if (/AccessDenied/i.test(text))
    return { text: 'the keychain refused access', ref: appMsg('noKeychainRefused') };
  return { text: `the keychain did not answer (${text})`, ref: appMsg('noKeychainOther', { detail: text }) };
}

const KEYCHAIN_FAILED = {
  save: 'keychainSaveFailed',
  read: 'keychainReadFailed',
  delete: 'keychainDeleteFailed',
} as const;

function keychainError(action: 'save' | 'read' | 'delete', err: unknown): Error {
  return Object.assign(
    new Error(`Could not ${action} the credential in the system keychain: ${errText(err)}`),
    {
      code: 'keychain',
      hint: 'Unlock your keychain (it may be asking for your login password) and try again.',
      messageRef: appMsg(KEYCHAIN_FAILED[action], { detail: errText(err) }),
      hintRef: appMsg('keychainUnlockHint'),
    },
  );
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
