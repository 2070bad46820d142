import { chmodSync, statSync } from 'node:fs';
import { chmod, stat } from 'node:fs/promises';

/** Files that hold request records or usage are private to their owner. */
export const PRIVATE_FILE_MODE = 0o600;

const widerThanPrivate = (mode: number) => (mode & 0o077) !== 0;

/** Makes an existing file private (0600) when others may read it; quiet when it is not there. */
export function tightenFileModeSync(file: string): void {
  if (process.platform === 'win32') return;
  try {
    if (widerThanPrivate(statSync(file).mode)) chmodSync(file, PRIVATE_FILE_MODE);
  } catch {
    // not there yet (it is created private) or not ours to change
  }
}

/** As tightenFileModeSync, without blocking. */
export async function tightenFileMode(file: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    if (widerThanPrivate((await stat(file)).mode)) await chmod(file, PRIVATE_FILE_MODE);
  } catch {
    // as above
  }
}
