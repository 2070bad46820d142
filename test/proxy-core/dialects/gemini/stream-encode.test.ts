import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../../proxy-core/src/canonical/types.js';
import { geminiCodec } from '../../../../proxy-core/src/dialects/gemini/index.js';

type Chunk = {
  candidates?: Array<{ content: { parts: Array<Record<string, unknown>> }; finishReason?: string }>;
  usageMetadata?: Record<string, number>;
  responseId?: string;
  modelVersion?: string;
  error?: { code: number; status: string; message: string };
};

function run(events: StreamEvent[]): Chunk[] {
  const enc = geminiCodec.streamEncoder;
  const s = enc.init({ model: 'my-model' });
  const out = [...events.flatMap((e) => enc.encode(s, e)), ...enc.end(s)];
  for (const o of out) expect(o.event).toBeUndefined();
  return out.map((o) => JSON.parse(o.data) as Chunk);
}

describe('Gemini stream encoding', () => {
  it('sends the thinking signature on the last thought piece, and candidates by index', () => {
    const chunks = run([
      { type: 'thinking_delta', index: 0, text: 'Let me ' },
      { type: 'thinking_delta', index: 0, text: 'think.' },
      { type: 'signature', index: 0, signature: 'SIG' },
      { type: 'block_stop', index: 0 },
      { type: 'thinking_delta', index: 0, text: 'Other ', choice: 1 },
      { type: 'text_delta', index: 1, text: 'Hi', choice: 1 },
      { type: 'text_delta', index: 1, text: 'Hello' },
      { type: 'finish', reason: 'end_turn' },
      { type: 'finish', reason: 'max_tokens', choice: 1 },
    ]);
    const parts = (i: number) =>
      chunks.flatMap((c) =>
        (c.candidates ?? [])
          .filter((k) => ((k as { index?: number }).index ?? 0) === i && !k.finishReason)
          .flatMap((k) => k.content.parts),
      );
    expect(parts(0)).toEqual([
      { text: 'Let me ', thought: true },
      { text: 'think.', thought: true, thoughtSignature: 'SIG' },
      { text: 'Hello' },
    ]);
    // An unsigned thought is sent as soon as something else follows it.
    expect(parts(1)).toEqual([{ text: 'Other ', thought: true }, { text: 'Hi' }]);
    expect(chunks.at(-1)?.candidates?.map((k) => k.finishReason)).toEqual(['STOP', 'MAX_TOKENS']);
  });

  it('holds a tool call until its block ends, then sends it whole', () => {
    const chunks = run([
      { type: 'start', id: 'abc', model: 'upstream' },
      { type: 'tool_call_start', index: 0, id: 't', name: 'search', signature: 'S' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"q":' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '"cats"}' },
      { type: 'block_stop', index: 0 },
      { type: 'finish', reason: 'tool_use' },
    ]);
    expect(chunks[0]?.candidates?.[0]?.content.parts).toEqual([
      { functionCall: { name: 'search', args: { q: 'cats' } }, thoughtSignature: 'S' },
    ]);
    expect(chunks).toHaveLength(2);
    expect(chunks.every((c) => c.responseId === 'abc' && c.modelVersion === 'my-model')).toBe(true);
  });

  it('flushes a tool call whose block never stopped when the answer finishes', () => {
    const chunks = run([
      { type: 'tool_call_start', index: 0, id: 't', name: 'ping' },
      { type: 'finish', reason: 'tool_use' },
    ]);
    expect(chunks[0]?.candidates?.[0]?.content.parts).toEqual([{ functionCall: { name: 'ping', args: {} } }]);
  });

  it('puts finishReason and usage only in the last chunk, even when usage comes after the finish', () => {
    const chunks = run([
      { type: 'start', id: 'r', model: 'm', usage: { inputTokens: 7 } },
      { type: 'text_delta', index: 0, text: 'Hi' },
      { type: 'block_stop', index: 0 },
      { type: 'finish', reason: 'max_tokens' },
      { type: 'usage', usage: { outputTokens: 3 } },
    ]);
    expect(
      chunks.slice(0, -1).every((c) => c.candidates?.[0]?.finishReason === undefined && !c.usageMetadata),
    ).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      candidates: [{ finishReason: 'MAX_TOKENS' }],
      usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 3, totalTokenCount: 10 },
    });
  });

  it('ends with the Google error object after an error, and nothing else', () => {
    const chunks = run([
      { type: 'text_delta', index: 0, text: 'Hi' },
      {
        type: 'error',
        error: { status: 429, kind: 'rate_limit', message: 'Slow down', hint: 'Wait a minute.' },
      },
      { type: 'text_delta', index: 0, text: ' more' },
    ]);
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toEqual({
      error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Slow down — Wait a minute.' },
    });
  });

  it('drops redacted thinking and empty deltas rather than sending empty parts', () => {
    const chunks = run([
      { type: 'redacted_thinking', index: 0, data: 'xxx' },
      { type: 'text_delta', index: 1, text: '' },
      { type: 'finish', reason: 'end_turn' },
    ]);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.candidates?.[0]?.finishReason).toBe('STOP');
  });
});
