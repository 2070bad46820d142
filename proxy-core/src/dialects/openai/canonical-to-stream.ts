import { choiceOf } from '../../canonical/accumulate-stream.js';
import type { FinishReason, Usage } from '../../canonical/types.js';
import { streamEncoder } from '../stream-life.js';
import type { OutboundEvent, ResponseEncodeContext, StreamEncoder } from '../types.js';
import { encodeOpenaiStreamError } from './errors.js';
import { finishReasonToOpenai } from './map-finish-reason.js';
import { usageToOpenai } from './usage.js';

type Json = Record<string, unknown>;

/** Where one choice of the answer stands (several when the client asked for `n` > 1). */
export interface OpenaiChoiceEncodeState {
  index: number;
  roleSent: boolean;
  /** Canonical tool-call block index → OpenAI tool_calls[].index (counts tool calls only). */
  toolIndex: Map<number, number>;
  finishSent: boolean;
  finish?: FinishReason;
}

export interface OpenaiStreamEncodeState {
  id: string;
  model: string;
  created: number;
  includeUsage: boolean;
  /** Choices by index; choice 0 is always there. */
  choices: Map<number, OpenaiChoiceEncodeState>;
  usage: Partial<Usage>;
  failed: boolean;
  ended: boolean;
}

function choiceState(state: OpenaiStreamEncodeState, index: number): OpenaiChoiceEncodeState {
  let c = state.choices.get(index);
  if (!c) {
    c = { index, roleSent: false, toolIndex: new Map(), finishSent: false };
    state.choices.set(index, c);
  }
  return c;
}

function chunk(
  state: OpenaiStreamEncodeState,
  c: OpenaiChoiceEncodeState,
  delta: Json,
  finishReason: string | null = null,
): OutboundEvent {
  return {
    data: JSON.stringify({
      id: state.id,
      object: 'chat.completion.chunk',
      created: state.created,
      model: state.model,
      choices: [{ index: c.index, delta, logprobs: null, finish_reason: finishReason }],
    }),
  };
}

function ensureRole(state: OpenaiStreamEncodeState, c: OpenaiChoiceEncodeState, out: OutboundEvent[]): void {
  if (c.roleSent) return;
  c.roleSent = true;
  out.push(chunk(state, c, { role: 'assistant', content: '' }));
}

function finishChunk(
  state: OpenaiStreamEncodeState,
  c: OpenaiChoiceEncodeState,
  reason: FinishReason,
  out: OutboundEvent[],
): void {
  if (c.finishSent) return;
  ensureRole(state, c, out);
  c.finishSent = true;
  out.push(chunk(state, c, {}, finishReasonToOpenai(reason)));
}

/** Canonical events → OpenAI chat.completion.chunk SSE events, ending with `[DONE]`. */
export const openaiStreamEncoder: StreamEncoder<OpenaiStreamEncodeState> =
  streamEncoder<OpenaiStreamEncodeState>({
    init(ctx: ResponseEncodeContext & { includeUsage?: boolean }) {
      return {
        id: `chatcmpl-${crypto.randomUUID().replace(/-/g, '')}`,
        model: ctx.model,
        created: Math.floor(Date.now() / 1000),
        includeUsage: ctx.includeUsage === true,
        choices: new Map([[0, { index: 0, roleSent: false, toolIndex: new Map(), finishSent: false }]]),
        usage: {},
        failed: false,
        ended: false,
      };
    },

    event(state, event, out) {
      const c = choiceState(state, choiceOf(event));
      switch (event.type) {
        case 'start':
          if (event.id) state.id = event.id;
          if (event.usage) state.usage = { ...state.usage, ...event.usage };
          ensureRole(state, c, out);
          break;
        case 'text_delta':
          ensureRole(state, c, out);
          if (event.text !== '') out.push(chunk(state, c, { content: event.text }));
          break;
        case 'thinking_delta':
          ensureRole(state, c, out);
          if (event.text !== '') out.push(chunk(state, c, { reasoning_content: event.text }));
          break;
        case 'tool_call_start': {
          ensureRole(state, c, out);
          const index = c.toolIndex.size;
          c.toolIndex.set(event.index, index);
          out.push(
            chunk(state, c, {
              tool_calls: [
                { index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } },
              ],
            }),
          );
          break;
        }
        case 'tool_call_delta': {
          const index = c.toolIndex.get(event.index);
          if (index === undefined || event.argumentsDelta === '') break;
          out.push(
            chunk(state, c, { tool_calls: [{ index, function: { arguments: event.argumentsDelta } }] }),
          );
          break;
        }
        case 'usage':
          state.usage = { ...state.usage, ...event.usage };
          break;
        case 'finish':
          c.finish = event.reason;
          finishChunk(state, c, event.reason, out);
          break;
        // Signatures and redacted thinking have no OpenAI representation (see reasoning-cache).
        case 'signature':
        case 'redacted_thinking':
        case 'block_stop':
          break;
      }
    },
    streamError: encodeOpenaiStreamError,
    finish(state, out) {
      for (const c of [...state.choices.values()].sort((a, b) => a.index - b.index))
        finishChunk(state, c, c.finish ?? 'end_turn', out);
      if (state.includeUsage) {
        out.push({
          data: JSON.stringify({
            id: state.id,
            object: 'chat.completion.chunk',
            created: state.created,
            model: state.model,
            choices: [],
            usage: usageToOpenai(state.usage),
          }),
        });
      }
      out.push({ data: '[DONE]' });
    },
  });
