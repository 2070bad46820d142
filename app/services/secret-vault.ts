/**
 * SecretVault: account secrets in the OS keychain (macOS Keychain, Windows Credential Manager,
 * Linux Secret Service) through the keytar API of `@napi-rs/keyring/keytar` — maintained, N-API
 * binaries for every platform, no rebuild per Electron version (keytar itself is archived).
 *
 * One keychain entry per account: service "Keybridge", account = the account id, value = JSON of
 * its secret fields. When no keychain is reachable, the vault says so (`status()`) and keeps the
 * secrets where the user chose: in this process's memory for the session only (the default), or,
 * opted into, in a file in the data folder that only the user can read (mode 0600; see
 * secret-file.ts) so a headless `serve --ui` keeps its keys across restarts. When a keychain
 * appears again, the keys in that file move into it and the file is deleted.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { MessageArgs } from '../../proxy-core/src/messages.js';
// Type-only imports: this file must load on its own under `node --experimental-strip-types`.
import type { APP_MESSAGES, AppMessageCode, MessageRef } from '../contract/messages.js';
import type { SecretFile } from './secret-file.js';

/** The four keytar calls the vault uses. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export type SecretRecord = Record<string, unknown>;

/** Where the keys are kept when there is no keychain: the user's choice (default: the session). */
export type KeychainFallback = 'session' | 'file';
export type VaultBackend = 'keychain' | KeychainFallback;
/** Why no keychain could be used, as a code the window translates. */
export type NoKeychainReason = 'no-bus' | 'no-service' | 'locked' | 'refused' | 'library' | 'unavailable';

export interface VaultStatus {
  backend: VaultBackend;
  /** Why the keychain is not used, in plain words (only when there is none). */
  reason?: string;
  reasonCode?: NoKeychainReason;
  hint?: string;
  /** The secrets file (where keys are, or would be, kept with the file option); set when there is no keychain. */
  file?: string;
}

export const DEFAULT_VAULT_SERVICE = 'Keybridge';
/** Entries that are not accounts (account ids cannot start with "_"). */
export const RESERVED_PREFIX = '_keybridge.';
const PROBE_ACCOUNT = `${RESERVED_PREFIX}probe`;
/** The id of the notice that says there is no keychain (the window shows the storage choice with it). */
export const NO_KEYCHAIN_NOTICE = 'no-keychain';
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
  /** The secrets file: used when there is no keychain and `fallback` is 'file'; emptied into the keychain when one exists. */
  file?: SecretFile;
  /** Where keys go without a keychain (default 'session'). */
  fallback?: KeychainFallback;
}

export class SecretVault {
  readonly service: string;
  readonly #keytar: KeytarApi | null;
  #status: VaultStatus;
  /** The store used when there is no keychain: the session's memory, mirrored to the file with that option. */
  readonly #memory = new Map<string, string>();
  readonly #file: SecretFile | undefined;
  readonly #log: NonNullable<OpenVaultOptions['log']>;
  readonly #onSecretSeen: NonNullable<OpenVaultOptions['onSecretSeen']>;

  private constructor(keytar: KeytarApi | null, status: VaultStatus, opts: OpenVaultOptions) {
    this.service = opts.service ?? DEFAULT_VAULT_SERVICE;
    this.#keytar = keytar;
    this.#status = status;
    this.#file = opts.file;
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
      opts.log?.('warn', `No keychain: the keychain library could not load (${errText(err)})`);
      return SecretVault.#withoutKeychain(
        { code: 'library', text: `the keychain library could not load (${errText(err)})` },
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
      const why = describeKeychainFailure(err);
      opts.log?.('warn', `No keychain: ${why.text}`);
      return SecretVault.#withoutKeychain(why, opts);
    }
    const vault = new SecretVault(keytar, { backend: 'keychain' }, opts);
    await vault.#moveFileIntoKeychain();
    return vault;
  }

  /** A vault with no keychain: the session's memory, or the secrets file when the user chose it. */
  static #withoutKeychain(
    why: { code: NoKeychainReason; text: string },
    opts: OpenVaultOptions,
  ): SecretVault {
    const fallback: KeychainFallback = opts.fallback === 'file' && opts.file ? 'file' : 'session';
    const vault = new SecretVault(null, noKeychainStatus(why, fallback, opts.file), opts);
    if (fallback === 'file' && opts.file) {
      try {
        for (const [k, v] of opts.file.read()) vault.#memory.set(k, v);
      } catch (err) {
        // A damaged file is left as it is (the user may want it back) and nothing is written over it.
        vault.#status = { ...noKeychainStatus(why, 'session', opts.file) };
        opts.log?.('error', `${errText(err)} Keys are kept for this session only.`);
      }
    }
    return vault;
  }

  /** Keys left in the secrets file from a time without a keychain move into the keychain; then the file goes. */
  async #moveFileIntoKeychain(): Promise<void> {
    const file = this.#file;
    if (!file?.exists() || !this.#keytar) return;
    try {
      const entries = file.read();
      for (const [account, value] of entries) await this.#keytar.setPassword(this.service, account, value);
      file.remove();
      this.#log(
        'info',
        `Moved ${entries.size} saved key entr${entries.size === 1 ? 'y' : 'ies'} from ${file.path} into the system keychain and deleted the file.`,
      );
    } catch (err) {
      this.#log(
        'warn',
        `Could not move the keys in ${file.path} into the keychain (${errText(err)}); the file was kept.`,
      );
    }
  }

  status(): VaultStatus {
    return { ...this.#status };
  }

  get backend(): VaultBackend {
    return this.#status.backend;
  }

  /**
   * Switches where keys go while there is no keychain: 'file' writes every key of this session to
   * the secrets file (and keeps it up to date); 'session' deletes the file and keeps the keys in
   * memory only. With a keychain this changes nothing (the keychain is always used).
   */
  async setFallback(fallback: KeychainFallback): Promise<VaultStatus> {
    if (this.#keytar || this.#status.backend === fallback) return this.status();
    const file = this.#file;
    if (fallback === 'file') {
      if (!file)
        throw vaultError('no_secrets_file', 'There is no data folder to keep a secrets file in.', '');
      try {
        // Keys already in a file (kept before the settings were reset, say) are kept, not
        // overwritten; this session's keys win. A damaged file is refused, never written over.
        for (const [k, v] of file.read()) if (!this.#memory.has(k)) this.#memory.set(k, v);
        file.write(this.#memory);
      } catch (err) {
        throw fileError('save', err);
      }
    } else {
      try {
        file?.remove();
      } catch (err) {
        throw fileError('delete', err);
      }
    }
    this.#status = {
      ...this.#status,
      ...noKeychainStatus(
        { code: this.#status.reasonCode ?? 'unavailable', text: '' },
        fallback,
        file,
        this.#status,
      ),
    };
    this.#log(
      'info',
      fallback === 'file'
        ? `Keys are now kept in ${file?.path} (readable by you only).`
        : 'Keys are now kept for this session only; the secrets file was deleted.',
    );
    return this.status();
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
      const before = this.#memory.get(accountId);
      this.#memory.set(accountId, value);
      this.#persist(() =>
        before === undefined ? this.#memory.delete(accountId) : this.#memory.set(accountId, before),
      );
      return;
    }
    try {
      await this.#keytar.setPassword(this.service, accountId, value);
    } catch (err) {
      throw keychainError('save', err);
    }
  }

  async delete(accountId: string): Promise<boolean> {
    if (!this.#keytar) {
      const before = this.#memory.get(accountId);
      if (before === undefined) return false;
      this.#memory.delete(accountId);
      this.#persist(() => this.#memory.set(accountId, before));
      return true;
    }
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

  /** With the file option, writes the session's keys to the file; on failure undoes the change and throws. */
  #persist(undo: () => void): void {
    if (this.#status.backend !== 'file' || !this.#file) return;
    try {
      this.#file.write(this.#memory);
    } catch (err) {
      undo();
      throw fileError('save', err);
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

/**
 * What the user is told when there is no keychain (English; the window shows the same from the
 * reason code and backend in its own language). `previous` keeps the first reason when only the
 * fallback changes.
 */
function noKeychainStatus(
  why: { code: NoKeychainReason; text: string },
  fallback: KeychainFallback,
  file: SecretFile | undefined,
  previous?: VaultStatus,
): VaultStatus {
  const reasonText = previous?.reason?.match(/^No system keychain is available: (.*?)\. /)?.[1] ?? why.text;
  const where =
    fallback === 'file' && file
      ? `Credentials are kept in ${file.path}, a file only you can read.`
      : 'Credentials are kept only until Keybridge quits.';
  return {
    backend: fallback,
    reason: `No system keychain is available: ${reasonText}. ${where}`,
    reasonCode: why.code,
    hint:
      fallback === 'file'
        ? 'Anyone who can log in as you, or read your backups, can read that file. Install a keychain to keep keys there instead; they move into it by themselves.'
        : process.platform === 'linux'
          ? 'Install and unlock a Secret Service keyring (GNOME Keyring or KWallet) and restart Keybridge, or choose in Settings to keep keys in a file only you can read.'
          : 'Unlock your system keychain and restart Keybridge, or choose in Settings to keep keys in a file only you can read.',
    ...(file ? { file: file.path } : {}),
  };
}

function describeKeychainFailure(err: unknown): { code: NoKeychainReason; text: string } {
  const text = errText(err);
  if (/connect to address|dbus|zbus/i.test(text))
    return { code: 'no-bus', text: 'no desktop session bus (D-Bus) was found' };
  if (/org\.freedesktop\.secrets|ServiceUnknown|not provided/i.test(text))
    return { code: 'no-service', text: 'no Secret Service is running' };
  if (/locked|cancel|dismissed/i.test(text))
    return { code: 'locked', text: 'the keychain is locked or its unlock prompt was dismissed' };
  if (process.platform === 'linux' && !sessionBusExists(process.env.DBUS_SESSION_BUS_ADDRESS)) {
    return { code: 'no-bus', text: 'no desktop session bus (D-Bus) was found' };
  }
  if (/AccessDenied/i.test(text)) return { code: 'refused', text: 'the keychain refused access' };
  return { code: 'unavailable', text: `the keychain did not answer (${text})` };
}

/** False when there is no session bus address, or it names a socket file that does not exist. */
function sessionBusExists(address: string | undefined): boolean {
  if (!address) return false;
  const socket = /(?:^|;)unix:(?:[^;]*,)?path=([^,;]+)/.exec(address)?.[1];
  return socket === undefined || existsSync(socket);
}

function vaultError(code: string, message: string, hint: string): Error {
  return Object.assign(new Error(message), { code, hint });
}

function fileError(action: 'save' | 'delete', err: unknown): Error {
  const hint = (err as { hint?: unknown })?.hint;
  return vaultError(
    'secrets_file',
    `Could not ${action} the secrets file: ${errText(err)}`,
    typeof hint === 'string' ? hint : 'Check that the data folder exists and that you can write to it.',
  );
}

const KEYCHAIN_FAILED = {
  save: 'keychainSaveFailed',
  read: 'keychainReadFailed',
  delete: 'keychainDeleteFailed',
} as const;

/** A catalog sentence (app/contract/messages.ts) as a code and its type-checked parameters. */
function appMsg<C extends AppMessageCode>(
  code: C,
  ...params: MessageArgs<typeof APP_MESSAGES, C>
): MessageRef {
  return params[0] ? { code, params: params[0] } : { code };
}

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
