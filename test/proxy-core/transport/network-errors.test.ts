import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { describeNetworkError } from '../../../proxy-core/src/transport/undici-http-client.js';

const URL = 'https://api.example.com/v1/chat/completions';

describe('describeNetworkError: the three timeouts', () => {
  const cases = [
    {
      error: new undiciErrors.HeadersTimeoutError(),
      code: 'UND_ERR_HEADERS_TIMEOUT',
      message: 'api.example.com did not start answering in time',
      hint: /timeouts\.firstByteMs/,
      refs: ['netNoAnswer', 'netNoAnswerHint'],
    },
    {
      error: new undiciErrors.BodyTimeoutError(),
      code: 'UND_ERR_BODY_TIMEOUT',
      message: 'api.example.com stopped sending in the middle of the answer',
      hint: /timeouts\.idleMs/,
      refs: ['netStalled', 'netStalledHint'],
    },
    {
      error: new undiciErrors.ConnectTimeoutError(),
      code: 'UND_ERR_CONNECT_TIMEOUT',
      message: 'Could not connect to api.example.com in time',
      hint: /outbound proxy/,
      refs: ['netConnectTimeout', 'netCheckHint'],
    },
  ];

  for (const c of cases) {
    it(`${c.code}: by its class and by its code (also on the cause)`, () => {
      const seen = [
        c.error,
        Object.assign(new Error('timed out'), { code: c.code }),
        new Error('fetch failed', { cause: Object.assign(new Error('timed out'), { code: c.code }) }),
      ].map((err) => describeNetworkError(err, URL));
      for (const e of seen) {
        expect(e.kind).toBe('timeout');
        expect(e.retryable).toBe(true);
        expect(e.message).toBe(c.message);
        expect(e.hint).toMatch(c.hint);
        expect(e.messageRef).toEqual({ code: c.refs[0], params: { host: 'api.example.com' } });
        expect(e.hintRef).toEqual({ code: c.refs[1] });
      }
    });
  }

  it('a refused connection is not a timeout', () => {
    const e = describeNetworkError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), URL);
    expect(e.kind).toBe('upstream');
    expect(e.message).toBe('api.example.com refused the connection');
  });
});
