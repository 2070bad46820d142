import { choiceOf } from '../../canonical/accumulate-stream.js';
import { toolArgumentsObject } from '../../canonical/json.js';
import type { FinishReason, Usage } from '../../canonical/types.js';
import { streamEncoder } from '../stream-life.js';
import type { OutboundEvent, ResponseEncodeContext, StreamEncoder } from '../types.js';
import { encodeGeminiStreamError } from './errors.js';
import { finishReasonToGemini } from './map-finish-reason.js';
import type { GeminiPart } from './types.js';
import { usageToGemini } from './usage.js';

/** Where one candidate of the answer stands (several when the client asked for candidateCount > 1). */
export interface GeminiCandidateEncodeState {
  index: number;
  finish?: FinishReason;
  thinkingWithText: number[];
  /**
   * The latest thought text, held back one event: when the block's signature follows, the two go
   * out as one part, so clients that keep a signature only with text (the Vercel AI SDK) keep it.
   */
  heldThought?: { index: number; text: string };
  calls: Array<{ index: number; name: string; signature?: string; args: string }>;
}

/**
 * Encoder state for a Gemini SSE stream. Every event is a GenerateContentResponse chunk; tool
 * calls are held until their block ends (Gemini clients expect a functionCall whole), and the
 * finish reasons and usage go in one last chunk written by `end` — usage may follow the finish.
 */
export interface GeminiStreamEncodeState {
  model: string;
  id: string;
  usage: Partial<Usage>;
  /** Candidates by index; candidate 0 is always there. */
  candidates: Map<number, GeminiCandidateEncodeState>;
  failed: boolean;
  ended: boolean;
}

function candidate(s: GeminiStreamEncodeState, index: number): GeminiCandidateEncodeState {
  let c = s.candidates.get(index);
  if (!c) {
    c = { index, thinkingWithText: [], calls: [] };
    s.candidates.set(index, c);
  }
  return c;
}

function chunk(
  s: GeminiStreamEncodeState,
  c: GeminiCandidateEncodeState,
  parts: GeminiPart[],
): OutboundEvent {
  return {
    data: JSON.stringify({
      candidates: [{ content: { role: 'model', parts }, index: c.index }],
      modelVersion: s.model,
      responseId: s.id,
    }),
  };
}

function flushCall(
  s: GeminiStreamEncodeState,
  c: GeminiCandidateEncodeState,
  index: number,
  out: OutboundEvent[],
): void {
  const i = c.calls.findIndex((x) => x.index === index);
  if (i === -1) return;
  const [call] = c.calls.splice(i, 1);
  if (!call) return;
  const part: GeminiPart = { functionCall: { name: call.name, args: toolArgumentsObject(call.args) } };
  if (call.signature) part.thoughtSignature = call.signature;
  out.push(chunk(s, c, [part]));
}

function flushThought(s: GeminiStreamEncodeState, c: GeminiCandidateEncodeState, out: OutboundEvent[]): void {
  const held = c.heldThought;
  if (!held) return;
  c.heldThought = undefined;
  out.push(chunk(s, c, [{ text: held.text, thought: true }]));
}

function flushAll(s: GeminiStreamEncodeState, out: OutboundEvent[]): void {
  for (const c of sorted(s)) {
    flushThought(s, c, out);
    for (const call of [...c.calls]) flushCall(s, c, call.index, out);
  }
}

function sorted(s: GeminiStreamEncodeState): GeminiCandidateEncodeState[] {
  return [...s.candidates.values()].sort((a, b) => a.index - b.index);
}

export const geminiStreamEncoder: StreamEncoder<GeminiStreamEncodeState> =
  streamEncoder<GeminiStreamEncodeState>({
    init: (ctx: ResponseEncodeContext) => ({
      model: ctx.model,
      id: `kb-${Date.now().toString(36)}`,
      usage: {},
      candidates: new Map([[0, { index: 0, thinkingWithText: [], calls: [] }]]),
      failed: false,
      ended: false,
    }),

    event(s, ev, out) {
      const c = candidate(s, choiceOf(ev));
      if (c.heldThought && !(ev.type === 'signature' && ev.index === c.heldThought.index))
        flushThought(s, c, out);
      switch (ev.type) {
        case 'start':
          s.id = ev.id || s.id;
          if (ev.usage) Object.assign(s.usage, ev.usage);
          break;
        case 'text_delta':
          if (ev.text !== '') out.push(chunk(s, c, [{ text: ev.text }]));
          break;
        case 'thinking_delta':
          if (ev.text !== '') {
            if (!c.thinkingWithText.includes(ev.index)) c.thinkingWithText.push(ev.index);
            c.heldThought = { index: ev.index, text: ev.text };
          }
          break;
        case 'signature': {
          const held = c.heldThought;
          if (held) {
            c.heldThought = undefined;
            out.push(chunk(s, c, [{ text: held.text, thought: true, thoughtSignature: ev.signature }]));
            break;
          }
          out.push(
            chunk(s, c, [
              c.thinkingWithText.includes(ev.index)
                ? { text: '', thought: true, thoughtSignature: ev.signature }
                : { text: '', thoughtSignature: ev.signature },
            ]),
          );
          break;
        }
        case 'redacted_thinking':
          break;
        case 'tool_call_start':
          c.calls.push({ index: ev.index, name: ev.name, signature: ev.signature, args: '' });
          break;
        case 'tool_call_delta': {
          const call = c.calls.find((x) => x.index === ev.index);
          if (call) call.args += ev.argumentsDelta;
          break;
        }
        case 'block_stop':
          flushCall(s, c, ev.index, out);
          break;
        case 'usage':
          Object.assign(s.usage, ev.usage);
          break;
        case 'finish':
          for (const call of [...c.calls]) flushCall(s, c, call.index, out);
          c.finish = ev.reason;
          break;
      }
    },
    flush: flushAll,
    streamError: encodeGeminiStreamError,
    finish(s, out) {
      flushAll(s, out);
      out.push({
        data: JSON.stringify({
          candidates: sorted(s).map((c) => ({
            content: { role: 'model', parts: [{ text: '' }] },
            finishReason: finishReasonToGemini(c.finish ?? 'other'),
            index: c.index,
          })),
          usageMetadata: usageToGemini(s.usage),
          modelVersion: s.model,
          responseId: s.id,
        }),
      });
    },
  });
