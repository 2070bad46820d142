import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PRIVATE_FILE_MODE } from '../security/private-file.js';

/** What a store kept in a JSON file is given (the usage store, the spend-limit ledger). */
export interface JsonStoreOptions {
  /** JSON file to persist to; omit for a memory-only store. */
  path?: string;
  /** Debounce before writing after a change (each store has its default). */
  flushDelayMs?: number;
  /** Where warnings go (corrupt or unwritable file). Default console.warn. */
  warn?: (message: string) => void;
  /** The clock (ms since the epoch), also for the name a corrupt file is kept under. */
  now?: () => number;
}

/** A store's own defaults for its file. */
export interface JsonStoreDefaults {
  flushDelayMs: number;
  /** What a failed background write says (the error's text is added). */
  failure: string;
}

/**
 * Writes a store's JSON to its file a short while after it changes, and at once on flush:
 * atomically (a temp file renamed over the old one), private to the user, one write at a time,
 * and a failed write leaves the change pending for the next one. Used by the usage store and the
 * spend-limit ledger.
 */
export class JsonFileWriter {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  readonly path: string | undefined;
  private readonly delayMs: number;
  private readonly failure: string;
  /** The store's warnings (the option, else console.warn). */
  readonly warn: (message: string) => void;
  /** The store's clock (the option, else Date.now). */
  readonly now: () => number;

  constructor(
    opts: JsonStoreOptions,
    defaults: JsonStoreDefaults,
    private readonly snapshot: () => unknown,
  ) {
    this.path = opts.path;
    this.delayMs = opts.flushDelayMs ?? defaults.flushDelayMs;
    this.failure = defaults.failure;
    this.warn = opts.warn ?? ((m) => console.warn(m));
    this.now = opts.now ?? Date.now;
  }

  /** Where a damaged file is kept aside: `<file>.corrupt-<time>`. */
  corruptBackupPath(path: string): string {
    return `${path}.corrupt-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}`;
  }

  /** Notes a change to write with the next flush, without scheduling one. */
  markDirty(): void {
    this.dirty = true;
  }

  /** Notes a change and writes it after the debounce. */
  schedule(): void {
    this.dirty = true;
    if (!this.path || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch((err: unknown) => this.warn(`${this.failure}: ${String(err)}`));
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes pending changes now. */
  async flush(): Promise<void> {
    const path = this.path;
    if (!path) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const run = async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const text = JSON.stringify(this.snapshot());
      const tmp = `${path}.tmp-${process.pid}`;
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(tmp, text, { encoding: 'utf8', mode: PRIVATE_FILE_MODE });
        await rename(tmp, path);
      } catch (err) {
        this.dirty = true;
        await rm(tmp, { force: true }).catch(() => undefined);
        throw err;
      }
    };
    this.writing = this.writing.then(run, run);
    return this.writing;
  }
}
