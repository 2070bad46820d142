import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of a presented secret with the expected one (an access key, the dev
 * host's token). The length leaks, the content does not: a length mismatch still does one
 * comparison's work.
 */
export function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ba.length !== bb.length) {
    timingSafeEqual(ba, ba);
    return false;
  }
  return timingSafeEqual(ba, bb);
}
