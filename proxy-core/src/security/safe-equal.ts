import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of a presented secret with the expected one (an access key, the dev
 * host's token). The length leaks, the content does not: a length mismatch still does one
 * comparison's work.
 */
export function safeEqual(a: string, b: string): boolean {
  return safeEqualBytes(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The same comparison for bytes made beforehand (keys compared on every request). */
export function safeEqualBytes(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}
