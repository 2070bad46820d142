import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ReasoningCache,
  rememberReasoning,
  restoreReasoning,
} from '../../../proxy-core/src/canonical/reasoning-cache.js';
import type { CanonicalRequest, CanonicalResponse } from '../../../proxy-core/src/canonical/types.js';
import { anthropicCodec } from '../../../proxy-core/src/dialects/anthropic/index.js';
import { openaiCodec } from '../../../proxy-core/src/dialects/openai/index.js';

const toolResponse: CanonicalResponse = {
  id: 'msg_1',
  model: 'claude',
  content: [
    { type: 'thinking', text: 'I should look up Oslo.', signature: 'SIG-1' },
    { type: 'redacted_thinking', data: 'REDACTED' },
    { type: 'tool_call', id: 'toolu_1', name: 'weather', arguments: '{"city":"Oslo"}' },
  ],
  finishReason: 'tool_use',
  usage: { inputTokens: 1, outputTokens: 1 },
};

describe('reasoning cache: multi-turn tool use with thinking through an OpenAI-only client', () => {
  it('restores signed and redacted thinking that the OpenAI round trip lost', () => {
    const cache = new ReasoningCache(10);
    rememberReasoning(cache, toolResponse);

    // The client saw the OpenAI rendering and sends it back on the next turn.
    const shown = openaiCodec.encodeResponse(toolResponse, { model: 'pub' }) as {
      choices: Array<{ message: Record<string, unknown> }>;
    };
    const next = openaiCodec.decodeRequest(
      {
        model: 'pub',
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          shown.choices[0]?.message,
          { role: 'tool', tool_call_id: 'toolu_1', content: '-3°C' },
        ],
      },
      {},
    );
    // Without the cache, Claude would get no thinking at all (unsigned text is dropped).
    const bare = anthropicCodec.encodeRequest(next, { upstreamModel: 'claude' }) as {
      messages: Array<{ content: Array<{ type: string }> }>;
    };
    expect(bare.messages[1]?.content.map((b) => b.type)).toEqual(['tool_use']);

    const restored = restoreReasoning(cache, next);
    expect(restored.messages[1]?.content).toEqual(toolResponse.content);
    const body = anthropicCodec.encodeRequest(restored, { upstreamModel: 'claude' }) as {
      messages: Array<{ content: Array<Record<string, unknown>> }>;
    };
    expect(body.messages[1]?.content).toEqual([
      { type: 'thinking', thinking: 'I should look up Oslo.', signature: 'SIG-1' },
      { type: 'redacted_thinking', data: 'REDACTED' },
      { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } },
    ]);
    expect(next.messages[1]?.content[0]).toEqual({ type: 'thinking', text: 'I should look up Oslo.' });
  });

  it('restores Gemini thoughtSignatures on tool calls', () => {
    const cache = new ReasoningCache();
    rememberReasoning(cache, {
      ...toolResponse,
      content: [{ type: 'tool_call', id: 'fc_1', name: 'f', arguments: '{}', signature: 'GEMINI-SIG' }],
    });
    const req: CanonicalRequest = {
      model: 'm',
      system: [],
      stream: false,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_call', id: 'fc_1', name: 'f', arguments: '{}' }] },
      ],
    };
    expect(restoreReasoning(cache, req).messages[0]?.content[0]).toMatchObject({ signature: 'GEMINI-SIG' });
  });

  it('finds text-only turns by their text, even when the client trimmed it', () => {
    const cache = new ReasoningCache();
    rememberReasoning(cache, {
      ...toolResponse,
      content: [
        { type: 'thinking', text: 't', signature: 'S' },
        { type: 'text', text: 'Hello there,\n\nfriend. ' },
      ],
      finishReason: 'end_turn',
    });
    const req: CanonicalRequest = {
      model: 'm',
      system: [],
      stream: false,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello there, friend.' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Something else' }] },
      ],
    };
    const out = restoreReasoning(cache, req);
    expect(out.messages[1]?.content[0]).toEqual({ type: 'thinking', text: 't', signature: 'S' });
    expect(out.messages[2]).toEqual(req.messages[2]);
    expect(out.messages[0]).toBe(req.messages[0]);
  });

  it('finds a turn however the client reflowed its whitespace or split it into parts', () => {
    const space = fc.constantFrom(' ', '  ', '\n', '\n\n', '\t', '\u00a0', '\u3000', '\r\n');
    const word = fc.string({ minLength: 1, maxLength: 12 }).filter((w) => /^\S+$/.test(w));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(word, space, space), { minLength: 1, maxLength: 40 }),
        fc.array(fc.constantFrom('', ' ', '\n'), { minLength: 2, maxLength: 2 }),
        fc.integer({ min: 0, max: 40 }),
        (words, [lead, trail], cut) => {
          const cache = new ReasoningCache();
          const said = words.map(([w, a]) => `${w}${a}`).join('');
          rememberReasoning(cache, {
            ...toolResponse,
            content: [
              { type: 'thinking', text: 't', signature: 'S' },
              { type: 'text', text: said },
            ],
            finishReason: 'end_turn',
          });
          // the client sends it back with other whitespace, in two parts
          const echoed = `${lead}${words.map(([w, , b]) => `${w}${b}`).join('')}${trail}`;
          const at = Math.min(cut, echoed.length);
          const req: CanonicalRequest = {
            model: 'm',
            system: [],
            stream: false,
            messages: [
              { role: 'user', content: [{ type: 'text', text: 'hi' }] },
              {
                role: 'assistant',
                content: [
                  { type: 'text', text: echoed.slice(0, at) },
                  { type: 'text', text: echoed.slice(at) },
                ],
              },
            ],
          };
          expect(restoreReasoning(cache, req).messages[1]?.content[0]).toEqual({
            type: 'thinking',
            text: 't',
            signature: 'S',
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps nothing when there is nothing a client could lose, and leaves signed turns alone', () => {
    const cache = new ReasoningCache();
    rememberReasoning(cache, {
      ...toolResponse,
      content: [
        { type: 'thinking', text: 'unsigned' },
        { type: 'text', text: 'x' },
      ],
    });
    expect(cache.size).toBe(0);
    rememberReasoning(cache, toolResponse);
    const signed: CanonicalRequest = {
      model: 'm',
      system: [],
      stream: false,
      messages: [
        {
          role: 'assistant',
          content: [{ type: 'thinking', text: 'mine', signature: 'MINE' }, toolResponse.content[2]!],
        },
      ],
    };
    expect(restoreReasoning(cache, signed).messages[0]).toBe(signed.messages[0]);
  });

  it('is a bounded LRU: the least recently used entry goes first', () => {
    const cache = new ReasoningCache(2);
    const entry = { reasoning: [], toolSignatures: {} };
    cache.set('a', entry);
    cache.set('b', entry);
    expect(cache.get('a')).toBe(entry); // a is now the most recent
    cache.set('c', entry);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(entry);
    expect(cache.get('c')).toBe(entry);
    expect(() => new ReasoningCache(0)).toThrow(RangeError);
  });

  it('forgets an evicted turn: a reflowed copy of it is no longer restored, a kept one still is', () => {
    const cache = new ReasoningCache(2);
    const say = (text: string, signature: string) =>
      rememberReasoning(cache, {
        ...toolResponse,
        content: [
          { type: 'thinking', text: 't', signature },
          { type: 'text', text },
        ],
        finishReason: 'end_turn',
      });
    say('The first answer, long enough to have distinct ends.', 'S1');
    say('The same first answer, long enough to have distinct ends.', 'S2');
    say('The same first answer, long enough to have distinct ends.', 'S3'); // replaces S2's entry
    say('A third answer that pushes the first one out.', 'S4');
    const restored = (text: string) =>
      restoreReasoning(cache, {
        model: 'm',
        system: [],
        stream: false,
        messages: [{ role: 'assistant', content: [{ type: 'text', text }] }],
      }).messages[0]?.content[0];
    expect(restored(' The first  answer, long enough to have\ndistinct ends. ')).toEqual({
      type: 'text',
      text: ' The first  answer, long enough to have\ndistinct ends. ',
    });
    expect(restored('The same first answer, long enough to have distinct ends.')).toMatchObject({
      signature: 'S3',
    });
    expect(restored('A third answer that pushes the first one out.')).toMatchObject({ signature: 'S4' });
  });

  it('finds a tool-call turn by its calls when the client did not send the ids back (Gemini)', () => {
    const cache = new ReasoningCache(10);
    rememberReasoning(cache, {
      ...toolResponse,
      content: [
        { type: 'thinking', text: 'I should look up Oslo.', signature: 'SIG-1' },
        { type: 'tool_call', id: 'toolu_1', name: 'weather', arguments: '{"city": "Oslo", "unit": "C"}' },
      ],
    });
    const turn = (args: string): CanonicalRequest => ({
      model: 'm',
      system: [],
      stream: false,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
        {
          role: 'assistant',
          content: [{ type: 'tool_call', id: 'call_1_0', name: 'weather', arguments: args }],
        },
      ],
    });
    // Same call, keys reordered and spaced differently, under an id of the proxy's own making.
    const restored = restoreReasoning(cache, turn('{"unit":"C","city":"Oslo"}'));
    expect(restored.messages[1]?.content[0]).toEqual({
      type: 'thinking',
      text: 'I should look up Oslo.',
      signature: 'SIG-1',
    });
    // Another call is another turn: nothing is put in.
    expect(restoreReasoning(cache, turn('{"city":"Rome","unit":"C"}')).messages[1]?.content).toHaveLength(1);
  });
});
