import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../../proxy-core/src/canonical/types.js';
import { droppedParams, unmappedParams } from '../../../proxy-core/src/dialects/dropped-params.js';
import { createCodecSet } from '../../../proxy-core/src/dialects/registry.js';
import { bedrockConverseCodec } from '../../../proxy-core/src/providers/bedrock/converse/index.js';

// What each wire cannot send, named in the client's own words.

const codecs = createCodecSet([bedrockConverseCodec]);
const base: CanonicalRequest = {
  model: 'm',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  stream: false,
};

function names(
  dialect: 'openai' | 'anthropic' | 'gemini',
  wire: 'openai' | 'anthropic' | 'gemini' | 'bedrock-converse',
  req: Partial<CanonicalRequest>,
  upstreamModel = 'x',
  body: Record<string, unknown> = {},
) {
  const full = { ...base, ...req };
  return droppedParams({ dialect, body, req: full, wire: codecs.wire(wire), opts: { upstreamModel } });
}

describe('dropped parameters', () => {
  it('Claude: seed and penalties, in OpenAI and Gemini names', () => {
    const req = { seed: 1, presencePenalty: 0.1, frequencyPenalty: 0.2 };
    expect(names('openai', 'anthropic', req, 'claude-sonnet-4-5')).toEqual([
      'seed',
      'presence_penalty',
      'frequency_penalty',
    ]);
    expect(names('gemini', 'anthropic', req, 'claude-sonnet-4-5')).toEqual([
      'seed',
      'presencePenalty',
      'frequencyPenalty',
    ]);
    const body = codecs
      .wire('anthropic')
      .encodeRequest({ ...base, ...req }, { upstreamModel: 'claude-sonnet-4-5' });
    for (const k of ['seed', 'presence_penalty', 'frequency_penalty']) expect(body).not.toHaveProperty(k);
  });

  it('Claude with thinking: a low temperature and top_k are named, temperature 1 is not', () => {
    const reasoning = { enabled: true, budgetTokens: 2048 };
    expect(
      names('openai', 'anthropic', { reasoning, temperature: 0.3, topK: 5 }, 'claude-sonnet-4-5'),
    ).toEqual(['temperature', 'top_k']);
    expect(names('openai', 'anthropic', { reasoning, temperature: 1 }, 'claude-sonnet-4-5')).toEqual([]);
  });

  it('Claude: safety settings are named only when they ask for filtering', () => {
    const off = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'OFF' }];
    const on = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_LOW_AND_ABOVE' }];
    expect(names('gemini', 'anthropic', { safetySettings: off }, 'claude-sonnet-4-5')).toEqual([]);
    expect(names('gemini', 'anthropic', { safetySettings: on }, 'claude-sonnet-4-5')).toEqual([
      'safetySettings',
    ]);
  });

  it('OpenAI-compatible and Azure: top_k', () => {
    expect(names('anthropic', 'openai', { topK: 40, seed: 3 })).toEqual(['top_k']);
  });

  it('Gemini: user, serial tool calls, stop sequences past five', () => {
    const tools = [{ name: 't', parameters: { type: 'object' } }];
    expect(
      names('openai', 'gemini', {
        user: 'u',
        tools,
        parallelToolCalls: false,
        stopSequences: ['a', 'b', 'c', 'd', 'e', 'f'],
      }),
    ).toEqual(['user', 'parallel_tool_calls', 'stop']);
  });

  it('Converse: by model family', () => {
    expect(names('openai', 'bedrock-converse', { topK: 5, seed: 1 }, 'amazon.nova-pro-v1:0')).toEqual([
      'seed',
    ]);
    expect(names('openai', 'bedrock-converse', { topK: 5 }, 'meta.llama3-70b-instruct-v1:0')).toEqual([
      'top_k',
    ]);
    expect(
      names(
        'openai',
        'bedrock-converse',
        { reasoning: { enabled: true, effort: 'low' } },
        'meta.llama3-70b-instruct-v1:0',
      ),
    ).toEqual(['reasoning_effort']);
    expect(
      names(
        'openai',
        'bedrock-converse',
        { responseFormat: { type: 'json_object' } },
        'amazon.nova-pro-v1:0',
      ),
    ).toEqual(['response_format']);
    expect(
      names(
        'openai',
        'bedrock-converse',
        { responseFormat: { type: 'json_object' } },
        'anthropic.claude-3-haiku-20240307-v1:0',
      ),
    ).toEqual([]);
  });

  it('parameters with no canonical place are read from the client body', () => {
    expect(unmappedParams('openai', { logit_bias: { 1: 2 }, logprobs: false, top_logprobs: 2 })).toEqual([
      'logit_bias',
      'top_logprobs',
    ]);
    expect(
      unmappedParams('gemini', {
        cached_content: 'cachedContents/a',
        tools: [{ google_search: {} }, { codeExecution: {} }],
        generationConfig: { responseLogprobs: true },
      }),
    ).toEqual(['cachedContent', 'tools.googleSearch', 'tools.codeExecution', 'responseLogprobs']);
    expect(unmappedParams('anthropic', { mcp_servers: [{}] })).toEqual(['mcp_servers']);
  });
});
