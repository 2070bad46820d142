import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PRIVATE_FILE_MODE } from '../security/private-file.js';

export interface JsonFileWriterOptions {
  /** The file; without one nothing is written (a memory-only store). */
  path?: string;
  /** Debounce after a change before writing. */
  delayMs: number;
  /** What a failed background write says (the error's text is added). */
  failure: string;
  warn: (message: string) => void;
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

  constructor(
    private readonly opts: JsonFileWriterOptions,
    private readonly snapshot: () => unknown,
  ) {}

  /** Notes a change to write with the next flush, without scheduling one. */
  markDirty(): void {
    this.dirty = true;
  }

  /** Notes a change and writes it after the debounce. */
  schedule(): void {
    this.dirty = true;
    if (!this.opts.path || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch((err: unknown) => this.opts.warn(`${this.opts.failure}: ${String(err)}`));
    }, this.opts.delayMs);
    this.timer.unref();
  }

  /** Writes pending changes now. */
  async flush(): Promise<void> {
    const path = this.opts.path;
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
