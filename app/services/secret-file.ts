/**
 * The secrets file: where keys live when the system has no keychain and the user chose "a file in
 * the data folder only you can read" (servers, Termux, Linux without a Secret Service). It holds
 * only secrets — one JSON string per vault entry — and nothing else.
 *
 * Every write is atomic (a new file beside it, flushed, then renamed over the old one) and the file
 * is created with mode 0600; the mode is checked on creation, after every write and when the file
 * is read, and tightened back to 0600 when someone loosened it. A file Keybridge cannot make
 * private is refused, never used. (Windows has no such modes and always has its Credential
 * Manager; there the file's folder permissions apply.)
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

export const SECRETS_FILE_NAME = 'secrets.json';
const FILE_MODE = 0o600;
const checksModes = process.platform !== 'win32';

interface FileShape {
  keybridgeSecrets: 1;
  /** Vault entry name → the entry's value (a JSON string of the account's secret fields). */
  entries: Record<string, string>;
}

export class SecretFileError extends Error {
  readonly code = 'secrets_file';
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

/** The mode bits of a file (permissions only). */
export function fileMode(file: string): number {
  return statSync(file).mode & 0o777;
}

export class SecretFile {
  readonly path: string;
  /** Told about repairs (a loosened mode tightened); never given secret values. */
  readonly #warn: (message: string) => void;

  constructor(file: string, warn: (message: string) => void = () => {}) {
    this.path = file;
    this.#warn = warn;
  }

  static inDataDir(dataDir: string, warn?: (message: string) => void): SecretFile {
    return new SecretFile(path.join(dataDir, SECRETS_FILE_NAME), warn);
  }

  exists(): boolean {
    return existsSync(this.path);
  }

  /** The entries in the file (empty when there is no file). Throws a SecretFileError for a damaged or foreign file. */
  read(): Map<string, string> {
    if (!this.exists()) return new Map();
    this.#ensurePrivate(this.path, 'read');
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (err) {
      throw new SecretFileError(
        `The secrets file ${this.path} is not readable JSON (${err instanceof Error ? err.message : String(err)}).`,
        'Move it away and add your keys again, or restore it from a backup.',
      );
    }
    const shape = parsed as Partial<FileShape> | null;
    if (shape?.keybridgeSecrets !== 1 || !shape.entries || typeof shape.entries !== 'object') {
      throw new SecretFileError(
        `${this.path} is not a Keybridge secrets file.`,
        'Move it away and add your keys again.',
      );
    }
    const out = new Map<string, string>();
    for (const [k, v] of Object.entries(shape.entries)) if (typeof v === 'string') out.set(k, v);
    return out;
  }

  /** Replaces the file's content with these entries, atomically, mode 0600. */
  write(entries: Map<string, string>): void {
    const body: FileShape = { keybridgeSecrets: 1, entries: Object.fromEntries(entries) };
    const tmp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    // 'wx': a new file only (never follow a link someone left at that name), created 0600.
    const fd = openSync(tmp, 'wx', FILE_MODE);
    try {
      if (checksModes && (fstatSync(fd).mode & 0o777) !== FILE_MODE) fchmodSync(fd, FILE_MODE);
      if (checksModes && (fstatSync(fd).mode & 0o777) !== FILE_MODE) {
        throw new SecretFileError(
          `Could not make ${tmp} readable by you only (mode ${(fstatSync(fd).mode & 0o777).toString(8)}).`,
          'Check the permissions of the data folder; the keys were not saved to the file.',
        );
      }
      writeSync(fd, `${JSON.stringify(body, null, 2)}\n`);
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      unlinkSync(tmp);
      throw err;
    }
    closeSync(fd);
    renameSync(tmp, this.path);
    this.#ensurePrivate(this.path, 'write');
  }

  /** Deletes the file (after its keys moved elsewhere). */
  remove(): void {
    if (this.exists()) unlinkSync(this.path);
  }

  #ensurePrivate(file: string, when: 'read' | 'write'): void {
    if (!checksModes) return;
    const st = statSync(file);
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
      throw new SecretFileError(
        `The secrets file ${file} belongs to another user (uid ${st.uid}); Keybridge will not use it.`,
        'Move it away, or run Keybridge as the user who owns it.',
      );
    }
    const mode = st.mode & 0o777;
    if (mode === FILE_MODE) return;
    chmodSync(file, FILE_MODE);
    if (fileMode(file) !== FILE_MODE) {
      throw new SecretFileError(
        `The secrets file ${file} could not be made readable by you only (mode ${mode.toString(8)}).`,
        'Check the permissions of the data folder.',
      );
    }
    this.#warn(
      `The secrets file ${file} had mode ${mode.toString(8)} (${when === 'read' ? 'found' : 'after writing'}); it is now 600 (readable by you only).`,
    );
  }
}
