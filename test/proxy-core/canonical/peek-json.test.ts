import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { peekJsonMembers } from '../../../proxy-core/src/canonical/json.js';

const MEMBERS = { first: ['model'], last: ['usage', 'usageMetadata', 'modelVersion'] } as const;
const peek = (text: string) => peekJsonMembers(Buffer.from(text), MEMBERS);

describe('peekJsonMembers reads usage and model from a whole answer without parsing it all', () => {
  it('reads an OpenAI answer', () => {
    const answer = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      choices: [{ index: 0, message: { role: 'assistant', content: 'He said "usage": 3, {model}' } }],
      usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
    };
    expect(peek(JSON.stringify(answer, null, 2))).toEqual({ model: answer.model, usage: answer.usage });
  });

  it('reads an Anthropic answer whose tool input has its own "model" and "usage" members', () => {
    const answer = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'tool_use', id: 't', name: 'pick', input: { model: 'x', usage: { a: 1 } } }],
      stop_reason: 'tool_use',
      usage: { input_tokens: 40, output_tokens: 9, cache_read_input_tokens: 0 },
    };
    expect(peek(JSON.stringify(answer))).toEqual({ model: answer.model, usage: answer.usage });
  });

  it('reads a Gemini answer, where "model" is also a role value', () => {
    const answer = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
      modelVersion: 'gemini-2.5-flash',
    };
    expect(peek(JSON.stringify(answer))).toEqual({
      usageMetadata: answer.usageMetadata,
      modelVersion: answer.modelVersion,
    });
  });

  it('says when the bytes are not a JSON object, and leaves out unreadable members', () => {
    expect(peek('<html><body>Not Found</body></html>')).toBeUndefined();
    expect(peek('{"id":"x","choices":[')).toBeUndefined();
    expect(peek('[1,2]')).toBeUndefined();
    expect(peek('{"model": "m", "usage": {"prompt_tokens": 1,, }')).toEqual({ model: 'm' });
    expect(peek('  {"usage": null, "model": 7}\n')).toEqual({ usage: null, model: 7 });
  });

  it('agrees with a full parse for any answer with the members at their usual places', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(
        fc.string(),
        fc.dictionary(
          fc.string().filter((k) => !['model', 'usage', 'usageMetadata', 'modelVersion'].includes(k)),
          value,
          { maxKeys: 4 },
        ),
        value,
        fc.string(),
        (model, middle, usage, content) => {
          // content may hold anything, including the member names, quotes and braces
          const answer = { model, ...middle, content: [content, { text: content }], usage };
          const got = peek(JSON.stringify(answer));
          expect(got).toEqual(JSON.parse(JSON.stringify({ model, usage })));
        },
      ),
      { numRuns: 300 },
    );
  });
});
