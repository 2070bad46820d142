import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../../../proxy-core/src/canonical/errors.js';
import type { CanonicalRequest } from '../../../../proxy-core/src/canonical/types.js';
import { anthropicCodec } from '../../../../proxy-core/src/dialects/anthropic/index.js';

const decode = (body: unknown) =>
  anthropicCodec.decodeRequest(body, { anthropicBeta: ['prompt-caching-2024-07-31'] });
const encode = (req: CanonicalRequest) => anthropicCodec.encodeRequest(req, { upstreamModel: 'claude-up' });

const base: CanonicalRequest = { model: 'pub', system: [], messages: [], stream: false };

describe('Anthropic request → canonical', () => {
  it('reads system blocks with cache_control, every content block kind and tool settings', () => {
    const req = decode({
      model: 'claude-sonnet',
      max_tokens: 1024,
      system: [{ type: 'text', text: 'Be Seraphina.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look', cache_control: { type: 'ephemeral' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA=' } },
            { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
            {
              type: 'document',
              source: { type: 'text', media_type: 'text/plain', data: 'hi' },
              title: 'note',
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'look it up', signature: 'sig1' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'y' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'found', is_error: true },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'a' }] },
          ],
        },
      ],
      tools: [{ name: 'lookup', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      thinking: { type: 'enabled', budget_tokens: 2000 },
      top_k: 0,
      stop_sequences: ['\nUser:'],
      metadata: { user_id: 'u-7' },
    });
    expect(req.system).toEqual([
      { type: 'text', text: 'Be Seraphina.', cacheControl: { type: 'ephemeral', ttl: '1h' } },
    ]);
    expect(req.messages[0]?.content).toEqual([
      { type: 'text', text: 'Look', cacheControl: { type: 'ephemeral' } },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAA=' } },
      { type: 'image', source: { kind: 'url', url: 'https://x/y.png' } },
      { type: 'document', title: 'note', source: { kind: 'base64', mediaType: 'text/plain', data: 'aGk=' } },
    ]);
    expect(req.messages[1]?.content).toEqual([
      { type: 'thinking', text: 'look it up', signature: 'sig1' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'tool_call', id: 'toolu_1', name: 'lookup', arguments: '{"q":"y"}' },
    ]);
    expect(req.messages[2]?.content).toEqual([
      {
        type: 'tool_result',
        toolCallId: 'toolu_1',
        content: [{ type: 'text', text: 'found' }],
        isError: true,
      },
      { type: 'tool_result', toolCallId: 'toolu_2', content: [{ type: 'text', text: 'a' }] },
    ]);
    expect(req).toMatchObject({
      maxTokens: 1024,
      tools: [{ name: 'lookup', parameters: { type: 'object' }, cacheControl: { type: 'ephemeral' } }],
      toolChoice: { type: 'required' },
      parallelToolCalls: false,
      reasoning: { enabled: true, budgetTokens: 2000 },
      stopSequences: ['\nUser:'],
      user: 'u-7',
      anthropicBeta: ['prompt-caching-2024-07-31'],
    });
    expect(req.topK).toBeUndefined();
  });

  it('reads disabled and adaptive thinking', () => {
    const msg = [{ role: 'user', content: 'x' }];
    expect(decode({ model: 'm', messages: msg, thinking: { type: 'disabled' } }).reasoning).toEqual({
      enabled: false,
    });
    expect(decode({ model: 'm', messages: msg, thinking: { type: 'adaptive' } }).reasoning).toEqual({
      enabled: true,
    });
  });

  it('rejects malformed bodies and unsupported server tools with a clear 400', () => {
    const cases: Array<[unknown, string]> = [
      [
        { model: 'm', messages: [{ role: 'user', content: 3 }] },
        'messages[0].content: expected string or array',
      ],
      [{ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
      [
        { model: 'm', messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file' } }] }] },
        'messages[0].content[0].source.type',
      ],
      [
        { model: 'm', messages: [], tools: [{ name: 'web_search', type: 'web_search_20250305' }] },
        'tools[0]',
      ],
      [[], 'request body'],
    ];
    for (const [body, text] of cases) {
      let error: unknown;
      try {
        decode(body);
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(ProxyError);
      expect((error as ProxyError).status).toBe(400);
      expect((error as ProxyError).message).toContain(text);
    }
  });
});

describe('canonical → Anthropic request', () => {
  it('normalises the conversation and keeps cache_control, tools and stop sequences', () => {
    const body = encode({
      ...base,
      system: [{ type: 'text', text: 'sys', cacheControl: { type: 'ephemeral' } }],
      messages: [
        { role: 'assistant', content: [{ type: 'text', text: 'Hello, I am Seraphina.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: '  ' },
            { type: 'text', text: 'there' },
          ],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'Seraphina:  ' }] },
      ],
      tools: [{ name: 't', parameters: { type: 'object' }, cacheControl: { type: 'ephemeral' } }],
      toolChoice: { type: 'tool', name: 't' },
      parallelToolCalls: false,
      stopSequences: ['END'],
      topK: 5,
      user: 'abc',
    });
    expect(body.model).toBe('claude-up');
    expect(body.system).toEqual([{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: '[Start a new chat]' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello, I am Seraphina.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hi' },
          { type: 'text', text: 'there' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'Seraphina:' }] },
    ]);
    expect(body.max_tokens).toBe(4096);
    expect(body.tools).toEqual([
      { name: 't', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 't', disable_parallel_tool_use: true });
    expect(body.stop_sequences).toEqual(['END']);
    expect(body.top_k).toBe(5);
    expect(body.metadata).toEqual({ user_id: 'abc' });
  });

  it('drops thinking Claude did not sign, keeps signed and redacted thinking', () => {
    const body = encode({
      ...base,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'echoed by an OpenAI client' },
            { type: 'text', text: 'a1' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'q2' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'real', signature: 'sig' },
            { type: 'redacted_thinking', data: 'zz' },
            { type: 'tool_call', id: 'toolu_1', name: 'f', arguments: '{"a":1}' },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'see result' },
            { type: 'tool_result', toolCallId: 'toolu_1', content: [] },
          ],
        },
      ],
    });
    const messages = body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    expect(messages[1]?.content).toEqual([{ type: 'text', text: 'a1' }]);
    expect(messages[3]?.content).toEqual([
      { type: 'thinking', thinking: 'real', signature: 'sig' },
      { type: 'redacted_thinking', data: 'zz' },
      { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
    ]);
    // tool_result first in its user turn
    expect(messages[4]?.content.map((b) => b.type)).toEqual(['tool_result', 'text']);
  });

  it('maps reasoning settings to thinking and respects its sampling rules', () => {
    const msgs = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'x' }] }];
    const effort = encode({
      ...base,
      messages: msgs,
      maxTokens: 1000,
      temperature: 0.5,
      topP: 0.9,
      topK: 3,
      reasoning: { enabled: true, effort: 'medium' },
    });
    expect(effort.thinking).toEqual({ type: 'enabled', budget_tokens: 8192 });
    expect(effort.max_tokens as number).toBeGreaterThan(8192);
    expect(effort.temperature).toBeUndefined();
    expect(effort.top_p).toBeUndefined();
    expect(effort.top_k).toBeUndefined();
    expect(encode({ ...base, messages: msgs, reasoning: { enabled: false } }).thinking).toEqual({
      type: 'disabled',
    });
    expect(encode({ ...base, messages: msgs, reasoning: { enabled: true } }).thinking).toEqual({
      type: 'adaptive',
    });
    const budget = encode({
      ...base,
      messages: msgs,
      maxTokens: 20000,
      reasoning: { enabled: true, budgetTokens: 5000 },
    });
    expect(budget).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 5000 }, max_tokens: 20000 });
  });

  it('leaves thinking off when a tool-use turn lost its signed thinking (Claude would reject it)', () => {
    const turn: CanonicalRequest = {
      ...base,
      reasoning: { enabled: true, budgetTokens: 2000 },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'unsigned copy' },
            { type: 'tool_call', id: 'toolu_1', name: 'w', arguments: '{}' },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', toolCallId: 'toolu_1', content: [] }] },
      ],
    };
    expect(encode(turn).thinking).toBeUndefined();
    const signed = structuredClone(turn);
    signed.messages[1]!.content[0] = { type: 'thinking', text: 'signed', signature: 'S' };
    expect(encode(signed).thinking).toEqual({ type: 'enabled', budget_tokens: 2000 });
    // Earlier turns do not matter: a new user question starts a fresh turn.
    const later = structuredClone(turn);
    later.messages.push(
      { role: 'assistant', content: [{ type: 'text', text: 'sunny' }] },
      { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
    );
    expect(encode(later).thinking).toEqual({ type: 'enabled', budget_tokens: 2000 });
    // A prefill cannot be combined with thinking either.
    const prefill = structuredClone(later);
    prefill.messages.push({ role: 'assistant', content: [{ type: 'text', text: 'Seraphina:' }] });
    expect(encode(prefill).thinking).toBeUndefined();
    expect((encode(prefill).messages as unknown[]).at(-1)).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'Seraphina:' }],
    });
  });

  it("clamps temperature to Claude's range and drops whitespace-only stop sequences", () => {
    const msgs = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'x' }] }];
    const body = encode({
      ...base,
      messages: msgs,
      temperature: 1.6,
      stopSequences: ['\n', '  ', '\nUser:'],
    });
    expect(body.temperature).toBe(1);
    expect(body.stop_sequences).toEqual(['\nUser:']);
    expect(encode({ ...base, messages: msgs, stopSequences: ['\n'] }).stop_sequences).toBeUndefined();
  });

  it('leaves thinking off when the client forces a tool call; tools always get an object schema', () => {
    const msgs = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'x' }] }];
    const body = encode({
      ...base,
      messages: msgs,
      reasoning: { enabled: true, effort: 'high' },
      tools: [{ name: 'f', parameters: {}, strict: true }],
      toolChoice: { type: 'required' },
    });
    expect(body.thinking).toBeUndefined();
    expect(body.tool_choice).toEqual({ type: 'any' });
    expect(body.tools).toEqual([{ name: 'f', input_schema: { type: 'object' } }]);
    expect(encode({ ...base, messages: msgs, toolChoice: { type: 'none' } }).tool_choice).toBeUndefined();
  });

  it('sends temperature and top_p together when the client sets both', () => {
    const msgs = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'x' }] }];
    expect(encode({ ...base, messages: msgs, temperature: 0.8, topP: 0.9 })).toMatchObject({
      temperature: 0.8,
      top_p: 0.9,
    });
  });
});
