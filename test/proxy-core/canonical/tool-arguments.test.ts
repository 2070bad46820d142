/**
 * One rule for a tool call's arguments when the target wire wants an object (Anthropic, Gemini,
 * Bedrock Converse): a JSON object goes as it is, another JSON value is wrapped as `{value}`, and
 * text that is not JSON (a model cut off mid-call, say) is kept as `{arguments: text}` so the
 * next model still sees what was said. Checked through every encoder that makes such an object.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest, CanonicalResponse, Part } from '../../../proxy-core/src/canonical/types.js';
import { anthropicCodec } from '../../../proxy-core/src/dialects/anthropic/index.js';
import { geminiCodec } from '../../../proxy-core/src/dialects/gemini/index.js';
import { bedrockConverseCodec } from '../../../proxy-core/src/providers/bedrock/converse/index.js';

const call = (args: string): Part => ({ type: 'tool_call', id: 'toolu_1', name: 'lookup', arguments: args });

const request = (args: string): CanonicalRequest => ({
  model: 'pub',
  system: [],
  stream: false,
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'look it up' }] },
    { role: 'assistant', content: [call(args)] },
    {
      role: 'user',
      content: [{ type: 'tool_result', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'ok' }] }],
    },
  ],
});

const response = (args: string): CanonicalResponse => ({
  id: 'r1',
  model: 'pub',
  content: [call(args)],
  finishReason: 'tool_use',
  usage: { inputTokens: 1, outputTokens: 1 },
});

type Json = Record<string, unknown>;
const opts = { upstreamModel: 'up' };

/** The object each encoder sends for the tool call's arguments. */
const encoders: Record<string, (args: string) => unknown> = {
  'Anthropic request': (args) => {
    const body = anthropicCodec.encodeRequest(request(args), opts) as {
      messages: Array<{ content: Json[] }>;
    };
    return body.messages[1]?.content.find((b) => b.type === 'tool_use')?.input;
  },
  'Anthropic response': (args) => {
    const body = anthropicCodec.encodeResponse(response(args), { model: 'pub' }) as { content: Json[] };
    return body.content.find((b) => b.type === 'tool_use')?.input;
  },
  'Gemini request': (args) => {
    const body = geminiCodec.encodeRequest(request(args), opts) as {
      contents: Array<{ parts: Array<{ functionCall?: { args: unknown } }> }>;
    };
    return body.contents[1]?.parts.find((p) => p.functionCall)?.functionCall?.args;
  },
  'Bedrock Converse request': (args) => {
    const body = bedrockConverseCodec.encodeRequest(request(args), opts) as {
      messages: Array<{ content: Array<{ toolUse?: { input: unknown } }> }>;
    };
    return body.messages[1]?.content.find((c) => c.toolUse)?.toolUse?.input;
  },
};

describe('tool-call arguments, where the wire wants an object', () => {
  for (const [name, encode] of Object.entries(encoders)) {
    describe(name, () => {
      it('sends a JSON object as it is', () => {
        expect(encode('{"city":"Oslo","days":[1,2]}')).toEqual({ city: 'Oslo', days: [1, 2] });
      });
      it('sends no arguments as an empty object', () => {
        expect(encode('')).toEqual({});
      });
      it('wraps a JSON value that is not an object', () => {
        expect(encode('[1,2]')).toEqual({ value: [1, 2] });
      });
      it('keeps text that is not JSON, so nothing the model said is lost', () => {
        expect(encode('{"city":"Os')).toEqual({ arguments: '{"city":"Os' });
      });
    });
  }
});
