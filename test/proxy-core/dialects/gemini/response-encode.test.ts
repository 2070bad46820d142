import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../../../proxy-core/src/canonical/errors.js';
import { geminiCodec } from '../../../../proxy-core/src/dialects/gemini/index.js';
import { fixtureJson } from '../../../support/fixtures.js';

describe('Gemini response and error encoding', () => {
  it('re-encodes a real capture into the same parts, finish reason and usage', () => {
    for (const name of [
      'gemini/google-text.json',
      'gemini/google-tool-call.json',
      'gemini/google-reasoning-gemini3.json',
    ]) {
      const original = fixtureJson<{
        candidates: Array<{ content: { parts: unknown[] }; finishReason: string }>;
        usageMetadata: Record<string, number>;
      }>(name);
      const res = geminiCodec.decodeResponse(original);
      const body = geminiCodec.encodeResponse(res, { model: 'gemini-3-pro-preview' }) as typeof original & {
        responseId: string;
      };
      expect(body.candidates[0]?.content.parts).toEqual(original.candidates[0]?.content.parts);
      expect(body.candidates[0]?.finishReason).toBe('STOP');
      const u = original.usageMetadata;
      expect(body.usageMetadata).toMatchObject({
        promptTokenCount: u.promptTokenCount,
        candidatesTokenCount: u.candidatesTokenCount,
        thoughtsTokenCount: u.thoughtsTokenCount,
        totalTokenCount: u.totalTokenCount,
      });
      expect(body.responseId).toBe(res.id);
    }
  });

  it('reports cached tokens as cachedContentTokenCount', () => {
    const body = geminiCodec.encodeResponse(
      {
        id: 'r',
        model: 'm',
        content: [{ type: 'text', text: 'ok' }],
        finishReason: 'max_tokens',
        usage: { inputTokens: 100, outputTokens: 5, cacheReadTokens: 80 },
      },
      { model: 'claude-sonnet' },
    );
    expect(body).toMatchObject({
      candidates: [{ finishReason: 'MAX_TOKENS' }],
      usageMetadata: {
        promptTokenCount: 100,
        candidatesTokenCount: 5,
        cachedContentTokenCount: 80,
        totalTokenCount: 105,
      },
      modelVersion: 'claude-sonnet',
    });
  });

  it.each([
    ['invalid_request', 400, 'INVALID_ARGUMENT'],
    ['authentication', 401, 'UNAUTHENTICATED'],
    ['permission', 403, 'PERMISSION_DENIED'],
    ['not_found', 404, 'NOT_FOUND'],
    ['rate_limit', 429, 'RESOURCE_EXHAUSTED'],
    ['internal', 500, 'INTERNAL'],
    ['overloaded', 529, 'UNAVAILABLE'],
    ['timeout', 504, 'DEADLINE_EXCEEDED'],
  ] as const)('renders a %s error as Google’s {"error":{code,message,status}}', (kind, code, status) => {
    const err = new ProxyError(kind, 'Something failed', { hint: 'Do this.' });
    expect(geminiCodec.encodeError(err)).toEqual({
      error: { code, message: 'Something failed — Do this.', status },
    });
  });

  it('carries retry advice and renders a mid-stream error as one SSE data event', () => {
    const err = new ProxyError('rate_limit', 'Quota used up', { retryAfterMs: 34_400 });
    expect(geminiCodec.encodeError(err)).toMatchObject({
      error: { details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34.4s' }] },
    });
    const events = geminiCodec.encodeStreamError(err);
    expect(events).toHaveLength(1);
    expect(events[0]?.event).toBeUndefined();
    expect(JSON.parse(events[0]?.data ?? '')).toMatchObject({
      error: { code: 429, status: 'RESOURCE_EXHAUSTED' },
    });
  });

  it('reads usage from a response body or a stream chunk for the passthrough tap', () => {
    expect(geminiCodec.readUsage(fixtureJson('gemini/google-text.json'))).toEqual({
      inputTokens: 9,
      outputTokens: 272,
      reasoningTokens: 244,
    });
    expect(geminiCodec.readUsage({ candidates: [] })).toBeUndefined();
    expect(geminiCodec.readUsage(null)).toBeUndefined();
  });
});
