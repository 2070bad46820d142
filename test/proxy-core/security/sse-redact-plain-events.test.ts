import { describe, expect, it } from 'vitest';
import { maskSecret, SecretRedactor } from '../../../proxy-core/src/security/redactor.js';
import { SseRedactor } from '../../../proxy-core/src/security/sse-redact.js';

// The redactor lets a one-line JSON `data:` event through on a byte check alone. The events below
// look like content to a careless check but are not: each must still be redacted, split anywhere.
const key = `sk-proj-${'Q7x2'.repeat(10)}`;
const masked = maskSecret(key);

function redact(input: Buffer, step: number): string {
  const s = new SseRedactor(new SecretRedactor([key]));
  const parts: Buffer[] = [];
  for (let i = 0; i < input.length; i += step) parts.push(s.push(input.subarray(i, i + step)));
  parts.push(s.end());
  return Buffer.concat(parts).toString('utf8');
}

describe('SseRedactor: one-line JSON events', () => {
  const suspect = [
    `data: {"Error":{"message":"bad key ${key}"}}\n\n`,
    `data: {"ERROR":"bad key ${key}"}\r\n\r\n`,
    `data:[{"error":{"message":"bad key ${key}"}}]\n\n`,
    `data: {"choices":[]}\nstray words ${key}\n\n`,
    `data: {"choices":[]}\n: comment ${key}\n\n`,
    `event: Exception\ndata: {"msg":"${key}"}\n\n`,
    `data: not json ${key}\n\n`,
  ];
  for (const ev of suspect) {
    it(`redacts ${JSON.stringify(ev.slice(0, 24))}…, split anywhere`, () => {
      const input = Buffer.from(ev + ev);
      for (const step of [1, 2, 5, 17, input.length]) {
        const out = redact(input, step);
        expect(out).not.toContain(key);
        expect(out).toContain(masked);
      }
    });
  }

  it('passes plain content, even quoting the word error or holding a key, byte for byte', () => {
    const content = [
      `data: {"choices":[{"delta":{"content":"the \\"error\\" was ${key}"}}]}\n\n`,
      `data:\t{"choices":[{"delta":{"content":"日本語"}}]}\r\n\r\n`,
    ].join('');
    const input = Buffer.from(content);
    for (const step of [1, 3, input.length]) expect(redact(input, step)).toBe(content);
  });
});
