import { ProxyError } from '../../canonical/errors.js';
import { toolArgumentsObject } from '../../canonical/json.js';
import type { FinishReason, StreamEvent, Usage } from '../../canonical/types.js';
import type { OutboundEvent, ResponseEncodeContext, StreamEncoder } from '../types.js';
import { encodeGeminiError } from './errors.js';
import { finishReasonToGemini } from './map-finish-reason.js';
import type { GeminiPart } from './types.js';
import { usageToGemini } from './usage.js';

/**
 * Encoder state for a Gemini SSE stream. Every event is a GenerateContentResponse chunk; tool
 * calls are held until their block ends (Gemini clients expect a functionCall whole), and the
 * finish reason and usage go in one last chunk written by `end` — usage may follow the finish.
 */
export interface GeminiStreamEncodeState {
  model: string;
  id: string;
  usage: Partial<Usage>;
  finish?: FinishReason;
  thinkingWithText: number[];
  calls: Array<{ index: number; name: string; signature?: string; args: string }>;
  errored: boolean;
  ended: boolean;
}

function chunk(s: GeminiStreamEncodeState, parts: GeminiPart[]): OutboundEvent {
  return {
    data: JSON.stringify({
      candidates: [{ content: { role: 'model', parts }, index: 0 }],
      modelVersion: s.model,
      responseId: s.id,
    }),
  };
}

function flushCall(s: GeminiStreamEncodeState, index: number, out: OutboundEvent[]): void {
  const i = s.calls.findIndex((c) => c.index === index);
  if (i === -1) return;
  const [call] = s.calls.splice(i, 1);
  if (!call) return;
  const part: GeminiPart = { functionCall: { name: call.name, args: toolArgumentsObject(call.args) } };
  if (call.signature) part.thoughtSignature = call.signature;
  out.push(chunk(s, [part]));
}

function flushAllCalls(s: GeminiStreamEncodeState, out: OutboundEvent[]): void {
  for (const c of [...s.calls]) flushCall(s, c.index, out);
}

export const geminiStreamEncoder: StreamEncoder<GeminiStreamEncodeState> = {
  init: (ctx: ResponseEncodeContext) => ({
    model: ctx.model,
    id: `kb-${Date.now().toString(36)}`,
    usage: {},
    thinkingWithText: [],
    calls: [],
    errored: false,
    ended: false,
  }),

  encode(s, ev: StreamEvent): OutboundEvent[] {
    if (s.errored || s.ended) return [];
    const out: OutboundEvent[] = [];
    switch (ev.type) {
      case 'start':
        s.id = ev.id || s.id;
        if (ev.usage) Object.assign(s.usage, ev.usage);
        break;
      case 'text_delta':
        if (ev.text !== '') out.push(chunk(s, [{ text: ev.text }]));
        break;
      case 'thinking_delta':
        if (ev.text !== '') {
          if (!s.thinkingWithText.includes(ev.index)) s.thinkingWithText.push(ev.index);
          out.push(chunk(s, [{ text: ev.text, thought: true }]));
        }
        break;
      case 'signature':
        out.push(
          chunk(s, [
            s.thinkingWithText.includes(ev.index)
              ? { text: '', thought: true, thoughtSignature: ev.signature }
              : { text: '', thoughtSignature: ev.signature },
          ]),
        );
        break;
      case 'redacted_thinking':
        break;
      case 'tool_call_start':
        s.calls.push({ index: ev.index, name: ev.name, signature: ev.signature, args: '' });
        break;
      case 'tool_call_delta': {
        const call = s.calls.find((c) => c.index === ev.index);
        if (call) call.args += ev.argumentsDelta;
        break;
      }
      case 'block_stop':
        flushCall(s, ev.index, out);
        break;
      case 'usage':
        Object.assign(s.usage, ev.usage);
        break;
      case 'finish':
        flushAllCalls(s, out);
        s.finish = ev.reason;
        break;
      case 'error': {
        flushAllCalls(s, out);
        s.errored = true;
        const err = ProxyError.fromInfo(ev.error);
        out.push({ data: JSON.stringify(encodeGeminiError(err)) });
        break;
      }
    }
    return out;
  },

  end(s): OutboundEvent[] {
    if (s.errored || s.ended) return [];
    s.ended = true;
    const out: OutboundEvent[] = [];
    flushAllCalls(s, out);
    out.push({
      data: JSON.stringify({
        candidates: [
          {
            content: { role: 'model', parts: [{ text: '' }] },
            finishReason: finishReasonToGemini(s.finish ?? 'other'),
            index: 0,
          },
        ],
        usageMetadata: usageToGemini(s.usage),
        modelVersion: s.model,
        responseId: s.id,
      }),
    });
    return out;
  },
};
