import { describe, expect, it } from 'vitest';
import { anthropicCodec } from '../../../proxy-core/src/dialects/anthropic/index.js';
import { geminiCodec } from '../../../proxy-core/src/dialects/gemini/index.js';
import { openaiCodec } from '../../../proxy-core/src/dialects/openai/index.js';

// Issue 17: the facts of a dialect the pipeline needs sit in its codec, not in the pipeline.

describe('codec facts', () => {
  it('where an answer names its model version', () => {
    expect(openaiCodec.readModel?.({ model: 'gpt-4.1-2025-04-14' })).toBe('gpt-4.1-2025-04-14');
    expect(anthropicCodec.readModel?.({ model: 'claude-sonnet-4-5-20250929' })).toBe(
      'claude-sonnet-4-5-20250929',
    );
    expect(geminiCodec.readModel?.({ modelVersion: 'gemini-2.5-pro-001', model: 'x' })).toBe(
      'gemini-2.5-pro-001',
    );
    expect(openaiCodec.readModel?.({ model: '' })).toBeUndefined();
    expect(geminiCodec.readModel?.({})).toBeUndefined();
  });

  it('which image links a wire’s upstreams fetch themselves', () => {
    expect(openaiCodec.mediaLinks).toBe('all');
    // Claude on Vertex and Bedrock fetches none: every link is inlined.
    expect(anthropicCodec.mediaLinks).toBeUndefined();
    const gemini = geminiCodec.mediaLinks;
    if (typeof gemini !== 'function') throw new Error('Gemini reads some links itself');
    expect(gemini('https://www.youtube.com/watch?v=abc')).toBe(true);
    expect(gemini('https://example.com/cat.png')).toBe(false);
  });

  it('OpenAI streams report usage only on request; the others always do', () => {
    const usage = openaiCodec.streamUsage;
    if (!usage) throw new Error('OpenAI streams need usage asked for');
    const body = { model: 'm', stream: true, stream_options: { foo: 1 } };
    expect(usage.ask(body)).toEqual({
      model: 'm',
      stream: true,
      stream_options: { foo: 1, include_usage: true },
    });
    expect(body.stream_options).toEqual({ foo: 1 });
    expect(usage.isUsageOnly('{"choices":[],"usage":{"prompt_tokens":1}}')).toBe(true);
    expect(usage.isUsageOnly('{"choices":[{"delta":{}}],"usage":{"prompt_tokens":1}}')).toBe(false);
    expect(usage.isUsageOnly('[DONE]')).toBe(false);
    expect(anthropicCodec.streamUsage).toBeUndefined();
    expect(geminiCodec.streamUsage).toBeUndefined();
  });
});
