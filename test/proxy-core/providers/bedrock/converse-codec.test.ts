import { describe, expect, it } from 'vitest';
import type { CanonicalRequest, StreamEvent } from '../../../../proxy-core/src/canonical/types.js';
import { bedrockConverseCodec } from '../../../../proxy-core/src/providers/bedrock/converse/index.js';
import { fixtureChunks, fixtureJson } from '../../../support/fixtures.js';

function decodeCapture(name: string): StreamEvent[] {
  const dec = bedrockConverseCodec.streamDecoder;
  const state = dec.init();
  const out = fixtureChunks(name).flatMap((line) => dec.decode(state, { data: line }));
  return [...out, ...dec.end(state)];
}

/** The same capture as the event-stream framer delivers it: event name + payload (with AWS padding). */
function decodeAsFrames(name: string): StreamEvent[] {
  const dec = bedrockConverseCodec.streamDecoder;
  const state = dec.init();
  const out = fixtureChunks(name).flatMap((line) => {
    const [event, value] = Object.entries(JSON.parse(line) as Record<string, object>)[0]!;
    return dec.decode(state, { event, data: JSON.stringify({ ...value, p: 'abcdefgh' }) });
  });
  return [...out, ...dec.end(state)];
}

function textOf(events: StreamEvent[], type: 'text_delta' | 'thinking_delta'): string {
  return events
    .filter((e): e is Extract<StreamEvent, { type: typeof type }> => e.type === type)
    .map((e) => e.text)
    .join('');
}

const base: CanonicalRequest = { model: 'public', system: [], messages: [], stream: false };

describe('Converse responses (real captures)', () => {
  it('text', () => {
    const res = bedrockConverseCodec.decodeResponse(fixtureJson('bedrock/amazon-bedrock-text.json'));
    expect(res.content).toEqual([{ type: 'text', text: expect.stringContaining('There are **3** "r"s') }]);
    expect(res.finishReason).toBe('end_turn');
    expect(res.usage).toEqual({ inputTokens: 22, outputTokens: 57, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect(res.id).toMatch(/^msg_bdrk_/);
  });

  it('reasoning with signature', () => {
    const res = bedrockConverseCodec.decodeResponse(fixtureJson('bedrock/amazon-bedrock-reasoning.json'));
    expect(res.content[0]).toMatchObject({
      type: 'thinking',
      text: expect.stringContaining('Let me count'),
      signature: expect.stringMatching(/^EvYBCkgI/),
    });
    expect(res.content[1]).toMatchObject({ type: 'text' });
  });

  it('tool call with arguments as JSON text', () => {
    const res = bedrockConverseCodec.decodeResponse(fixtureJson('bedrock/amazon-bedrock-tool-call.1.json'));
    expect(res.content).toEqual([
      { type: 'tool_call', id: 'tool-use-id', name: 'bash', arguments: '{"command":"ls -l"}' },
    ]);
    expect(res.finishReason).toBe('tool_use');
    expect(res.usage).toEqual({ inputTokens: 10, outputTokens: 20 });
  });

  it('text then a tool call without arguments', () => {
    const res = bedrockConverseCodec.decodeResponse(fixtureJson('bedrock/amazon-bedrock-tool-no-args.json'));
    expect(res.content).toEqual([
      { type: 'text', text: "I'll update the issue list for you." },
      { type: 'tool_call', id: 'tool-use-id', name: 'updateIssueList', arguments: '{}' },
    ]);
  });

  it('adds cache reads and writes to input tokens (canonical convention)', () => {
    const res = bedrockConverseCodec.decodeResponse({
      output: { message: { role: 'assistant', content: [{ text: 'hi' }] } },
      stopReason: 'max_tokens',
      usage: { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 1000, cacheWriteInputTokens: 200 },
    });
    expect(res.usage).toEqual({
      inputTokens: 1210,
      outputTokens: 5,
      cacheReadTokens: 1000,
      cacheWriteTokens: 200,
    });
    expect(res.finishReason).toBe('max_tokens');
    expect(
      bedrockConverseCodec.readUsage({ metadata: { usage: { inputTokens: 3, outputTokens: 4 } } }),
    ).toEqual({
      inputTokens: 3,
      outputTokens: 4,
    });
  });

  it.each([
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    ['stop_sequence', 'stop_sequence'],
    ['model_context_window_exceeded', 'max_tokens'],
    ['malformed_tool_use', 'error'],
  ])('maps stop reason %s', (stopReason, finish) => {
    const res = bedrockConverseCodec.decodeResponse({
      output: { message: { content: [] } },
      stopReason,
      usage: {},
    });
    expect(res.finishReason).toBe(finish);
  });
});

describe('ConverseStream (real captures)', () => {
  it.each([
    'bedrock/amazon-bedrock-text.chunks.txt',
    'bedrock/amazon-bedrock-reasoning.chunks.txt',
    'bedrock/amazon-bedrock-tool-call.1.chunks.txt',
    'bedrock/amazon-bedrock-tool-no-args.chunks.txt',
  ])('decodes %s the same from capture lines and from event-stream frames', (name) => {
    const sameId = (evs: StreamEvent[]) => evs.map((e) => (e.type === 'start' ? { ...e, id: 'x' } : e));
    expect(sameId(decodeAsFrames(name))).toEqual(sameId(decodeCapture(name)));
  });

  it('text: one start, deltas, block stop, usage before finish', () => {
    const ev = decodeCapture('bedrock/amazon-bedrock-text.chunks.txt');
    expect(ev[0]).toMatchObject({ type: 'start' });
    expect(ev.filter((e) => e.type === 'start')).toHaveLength(1);
    expect(textOf(ev, 'text_delta')).toBe(
      'Let me count the "r"s in "strawberry":\n\ns-t-**r**-a-w-b-e-**r**-**r**-y\n\nThere are **3** r\'s in "strawberry."',
    );
    expect(ev.slice(-3)).toEqual([
      { type: 'block_stop', index: 0 },
      { type: 'usage', usage: { inputTokens: 22, outputTokens: 55 } },
      { type: 'finish', reason: 'end_turn' },
    ]);
  });

  it('reasoning: thinking block 0 with signature, text block 1', () => {
    const ev = decodeCapture('bedrock/amazon-bedrock-reasoning.chunks.txt');
    expect(textOf(ev, 'thinking_delta')).toContain("So there are 3 r's.");
    expect(ev.find((e) => e.type === 'signature')).toMatchObject({
      index: 0,
      signature: expect.stringMatching(/^Ep0C/),
    });
    expect(ev.filter((e) => e.type === 'thinking_delta').every((e) => e.index === 0)).toBe(true);
    expect(ev.filter((e) => e.type === 'text_delta').every((e) => e.index === 1)).toBe(true);
    expect(ev.filter((e) => e.type === 'block_stop')).toEqual([
      { type: 'block_stop', index: 0 },
      { type: 'block_stop', index: 1 },
    ]);
    expect(ev.at(-1)).toEqual({ type: 'finish', reason: 'end_turn' });
  });

  it('tool call: start, argument deltas, finish after usage (metadata came first)', () => {
    const ev = decodeCapture('bedrock/amazon-bedrock-tool-call.1.chunks.txt');
    expect(ev).toEqual([
      { type: 'start', id: expect.any(String), model: '' },
      { type: 'tool_call_start', index: 0, id: 'tool-use-id', name: 'test-tool' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"value":' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '"Sparkle Day"}' },
      { type: 'block_stop', index: 0 },
      { type: 'usage', usage: { inputTokens: 125, outputTokens: 45 } },
      { type: 'finish', reason: 'tool_use' },
    ]);
  });

  it('text then a tool without arguments: two blocks, no empty deltas', () => {
    const ev = decodeCapture('bedrock/amazon-bedrock-tool-no-args.chunks.txt');
    expect(ev.map((e) => e.type)).toEqual([
      'start',
      'text_delta',
      'block_stop',
      'tool_call_start',
      'block_stop',
      'usage',
      'finish',
    ]);
    expect(ev[3]).toMatchObject({ index: 1, name: 'updateIssueList' });
  });

  it('closes open blocks and finishes when the stream ends without metadata', () => {
    const dec = bedrockConverseCodec.streamDecoder;
    const s = dec.init();
    const out = [
      ...dec.decode(s, { event: 'contentBlockDelta', data: '{"contentBlockIndex":0,"delta":{"text":"Hi"}}' }),
      ...dec.decode(s, { event: 'messageStop', data: '{"stopReason":"max_tokens"}' }),
      ...dec.end(s),
    ];
    expect(out.map((e) => e.type)).toEqual(['start', 'text_delta', 'block_stop', 'finish']);
    expect(out.at(-1)).toEqual({ type: 'finish', reason: 'max_tokens' });
  });

  it('splits reasoning and text sent under one block index into two canonical blocks', () => {
    const dec = bedrockConverseCodec.streamDecoder;
    const s = dec.init();
    const delta = (d: object) => ({
      event: 'contentBlockDelta',
      data: JSON.stringify({ contentBlockIndex: 0, delta: d }),
    });
    const out = [
      ...dec.decode(s, delta({ reasoningContent: { text: 'Thinking…' } })),
      ...dec.decode(s, delta({ text: 'Answer' })),
      ...dec.decode(s, { event: 'contentBlockStop', data: '{"contentBlockIndex":0}' }),
    ];
    expect(out.slice(1)).toEqual([
      { type: 'thinking_delta', index: 0, text: 'Thinking…' },
      { type: 'block_stop', index: 0 },
      { type: 'text_delta', index: 1, text: 'Answer' },
      { type: 'block_stop', index: 1 },
    ]);
  });

  it('carries redacted reasoning', () => {
    const dec = bedrockConverseCodec.streamDecoder;
    const s = dec.init();
    const out = dec.decode(s, {
      event: 'contentBlockDelta',
      data: '{"contentBlockIndex":0,"delta":{"reasoningContent":{"redactedContent":"AAEC"}}}',
    });
    expect(out[1]).toEqual({ type: 'redacted_thinking', index: 0, data: 'AAEC' });
  });
});

describe('canonical → Converse request', () => {
  const encode = (req: Partial<CanonicalRequest>, upstreamModel = 'amazon.nova-lite-v1:0') =>
    bedrockConverseCodec.encodeRequest({ ...base, ...req }, { upstreamModel });

  it('system, messages, inference config; no model or stream in the body', () => {
    const body = encode({
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      maxTokens: 100,
      temperature: 0.5,
      topP: 0.9,
      stopSequences: ['END'],
      stream: true,
    });
    expect(body).toEqual({
      system: [{ text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      inferenceConfig: { maxTokens: 100, temperature: 0.5, topP: 0.9, stopSequences: ['END'] },
    });
  });

  it('cache_control becomes a cachePoint after the block (system, message, tool), keeping the 1h ttl', () => {
    const body = encode({
      system: [{ type: 'text', text: 'Long lore', cacheControl: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [{ type: 'text', text: 'Story so far', cacheControl: { type: 'ephemeral', ttl: '1h' } }],
        },
      ],
      tools: [{ name: 'roll', parameters: { type: 'object' }, cacheControl: { type: 'ephemeral' } }],
    });
    expect(body.system).toEqual([{ text: 'Long lore' }, { cachePoint: { type: 'default' } }]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'Story so far' }, { cachePoint: { type: 'default', ttl: '1h' } }] },
    ]);
    expect((body.toolConfig as { tools: unknown[] }).tools).toEqual([
      { toolSpec: { name: 'roll', inputSchema: { json: { type: 'object' } } } },
      { cachePoint: { type: 'default' } },
    ]);
  });

  it('images and documents go inline as base64 bytes', () => {
    const body = encode({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: 'AAAA' } },
            { type: 'image', source: { kind: 'url', url: 'data:image/png;base64,BBBB' } },
            {
              type: 'document',
              source: { kind: 'base64', mediaType: 'application/pdf', data: 'CCCC' },
              title: 'notes.v2!',
            },
          ],
        },
      ],
    });
    expect((body.messages as Array<{ content: unknown[] }>)[0]!.content).toEqual([
      { image: { format: 'jpeg', source: { bytes: 'AAAA' } } },
      { image: { format: 'png', source: { bytes: 'BBBB' } } },
      { document: { format: 'pdf', name: 'notes v2', source: { bytes: 'CCCC' } } },
    ]);
  });

  it('refuses a web image URL with a clear message', () => {
    expect(() =>
      encode({
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { kind: 'url', url: 'https://x.test/a.png' } }],
          },
        ],
      }),
    ).toThrow(/needs images sent inline/);
  });

  it('tool calls and results, tool choice, and declared tools for the history', () => {
    const body = encode(
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
          {
            role: 'assistant',
            content: [{ type: 'tool_call', id: 't1', name: 'weather', arguments: '{"city":"Oslo"}' }],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', toolCallId: 't1', content: [{ type: 'text', text: 'Rain' }] },
              { type: 'tool_result', toolCallId: 't2', content: [], isError: true },
            ],
          },
        ],
        tools: [{ name: 'weather', description: 'Get weather', parameters: { type: 'object' } }],
        toolChoice: { type: 'required' },
      },
      'mistral.mistral-large-2407-v1:0',
    );
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather?' }] },
      {
        role: 'assistant',
        content: [{ toolUse: { toolUseId: 't1', name: 'weather', input: { city: 'Oslo' } } }],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 't1', content: [{ text: 'Rain' }], status: 'success' } },
          { toolResult: { toolUseId: 't2', content: [{ text: '(empty)' }], status: 'error' } },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'weather',
            description: 'Get weather',
            inputSchema: { json: { type: 'object' } },
          },
        },
      ],
      toolChoice: { any: {} },
    });
  });

  it('tool choice none leaves the tools out unless the history needs them', () => {
    const tools = [{ name: 'dice', parameters: { type: 'object' } }];
    expect(encode({ tools, toolChoice: { type: 'none' } }).toolConfig).toBeUndefined();
    expect(encode({ tools, toolChoice: { type: 'auto' } }).toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'dice', inputSchema: { json: { type: 'object' } } } }],
    });
  });

  it('declares tools used in the history when the request sends none', () => {
    const body = encode({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Go' }] },
        { role: 'assistant', content: [{ type: 'tool_call', id: 't1', name: 'dice', arguments: '{}' }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', toolCallId: 't1', content: [{ type: 'text', text: '4' }] }],
        },
      ],
    });
    expect(body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'dice', inputSchema: { json: { type: 'object', properties: {} } } } }],
    });
  });

  it('merges consecutive turns, drops blank text, starts with the user', () => {
    const body = encode({
      messages: [
        { role: 'assistant', content: [{ type: 'text', text: 'Greetings, traveller.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: '  ' },
            { type: 'text', text: 'there' },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: '.' }] },
      { role: 'assistant', content: [{ text: 'Greetings, traveller.' }] },
      { role: 'user', content: [{ text: 'Hi' }, { text: 'there' }] },
    ]);
  });

  it('reasoning: Claude thinking budget, gpt-oss effort, Nova 2 reasoningConfig, replayed signed thinking', () => {
    const claude = encode(
      {
        reasoning: { enabled: true, budgetTokens: 2000 },
        maxTokens: 1000,
        temperature: 0.7,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Q' }] },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', text: 'hmm', signature: 'sig' },
              { type: 'text', text: 'A' },
            ],
          },
        ],
      },
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
    expect(claude.additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 2000 },
    });
    expect(claude.inferenceConfig).toEqual({ maxTokens: 6096 });
    expect((claude.messages as Array<{ content: unknown[] }>)[1]!.content[0]).toEqual({
      reasoningContent: { reasoningText: { text: 'hmm', signature: 'sig' } },
    });

    const oss = encode({ reasoning: { enabled: true, effort: 'high' } }, 'openai.gpt-oss-120b-1:0');
    expect(oss.additionalModelRequestFields).toEqual({ reasoning_effort: 'high' });
    const nova = encode({ reasoning: { enabled: true, budgetTokens: 1000 } }, 'us.amazon.nova-2-lite-v1:0');
    expect(nova.additionalModelRequestFields).toEqual({
      reasoningConfig: { type: 'enabled', maxReasoningEffort: 'low' },
    });
    const deepseek = encode(
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Q' }] },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', text: 'unsigned' },
              { type: 'text', text: 'A' },
            ],
          },
        ],
      },
      'us.deepseek.r1-v1:0',
    );
    expect((deepseek.messages as Array<{ content: unknown[] }>)[1]!.content).toEqual([{ text: 'A' }]);
  });

  it('top_k goes where each family reads it', () => {
    expect(encode({ topK: 40 }, 'amazon.nova-lite-v1:0').additionalModelRequestFields).toEqual({
      inferenceConfig: { topK: 40 },
    });
    expect(encode({ topK: 40 }, 'mistral.mistral-large-2407-v1:0').additionalModelRequestFields).toEqual({
      top_k: 40,
    });
    expect(
      encode({ topK: 40 }, 'meta.llama3-1-8b-instruct-v1:0').additionalModelRequestFields,
    ).toBeUndefined();
  });
});
