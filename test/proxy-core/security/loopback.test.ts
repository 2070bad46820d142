import { describe, expect, it } from 'vitest';
import { isLoopbackHostHeader } from '../../../proxy-core/src/security/loopback.js';

describe('the one loopback Host rule (proxy gate and dev host)', () => {
  it('takes the names that can only mean this computer, with or without a port', () => {
    for (const h of [
      'localhost',
      'LOCALHOST:5731',
      '127.0.0.1',
      '127.0.0.1:5731',
      '127.8.9.10:80',
      '[::1]',
      '[::1]:5731',
    ])
      expect(isLoopbackHostHeader(h), h).toBe(true);
  });
  it('refuses every other name, including ones under .localhost and look-alikes', () => {
    for (const h of [
      undefined,
      '',
      'evil.example',
      'app.localhost:5731',
      '127.0.0.1.evil.example',
      '0.0.0.0',
      '[::2]:5731',
    ])
      expect(isLoopbackHostHeader(h), String(h)).toBe(false);
  });
});
