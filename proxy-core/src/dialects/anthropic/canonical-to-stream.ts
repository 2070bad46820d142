import type { FinishReason, Usage } from '../../canonical/types.js';
import { streamEncoder } from '../stream-life.js';
import type { OutboundEvent, ResponseEncodeContext, StreamEncoder } from '../types.js';
import { encodeAnthropicStreamError } from './errors.js';
import { finishReasonToAnthropic } from './map-stop-reason.js';
import { usageToAnthropic } from './usage.js';

type Json = Record<string, unknown>;
type OpenKind = 'text' | 'thinking' | 'tool_use';

export interface AnthropicStreamEncodeState {
  id: string;
  model: string;
  started: boolean;
  /** Canonical block index → Anthropic content index and kind. */
  blocks: Map<number, { wireIndex: number; kind: OpenKind | 'redacted_thinking' }>;
  nextWireIndex: number;
  /** The Anthropic block currently open (Claude streams one block at a time). */
  open?: { wireIndex: number; canonical: number; kind: OpenKind };
  usage: Partial<Usage>;
  finish?: { reason: FinishReason; stopSequence?: string };
  failed: boolean;
  ended: boolean;
}

function ev(type: string, body: Json): OutboundEvent {
  return { event: type, data: JSON.stringify({ type, ...body }) };
}

function messageStart(state: AnthropicStreamEncodeState, out: OutboundEvent[]): void {
  if (state.started) return;
  state.started = true;
  const usage = usageToAnthropic(state.usage);
  out.push(
    ev('message_start', {
      message: {
        id: state.id,
        type: 'message',
        role: 'assistant',
        model: state.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage,
      },
    }),
  );
}

function closeOpen(state: AnthropicStreamEncodeState, out: OutboundEvent[]): void {
  if (!state.open) return;
  out.push(ev('content_block_stop', { index: state.open.wireIndex }));
  state.open = undefined;
}

function openBlock(
  state: AnthropicStreamEncodeState,
  canonical: number,
  kind: OpenKind | 'redacted_thinking',
  contentBlock: Json,
  out: OutboundEvent[],
): number {
  messageStart(state, out);
  closeOpen(state, out);
  const wireIndex = state.nextWireIndex++;
  state.blocks.set(canonical, { wireIndex, kind });
  out.push(ev('content_block_start', { index: wireIndex, content_block: contentBlock }));
  if (kind !== 'redacted_thinking') state.open = { wireIndex, canonical, kind };
  return wireIndex;
}

/** The wire index of the open block for `canonical` of `kind`, opening one if needed. */
function blockFor(
  state: AnthropicStreamEncodeState,
  canonical: number,
  kind: 'text' | 'thinking',
  out: OutboundEvent[],
) {
  if (state.open && state.open.canonical === canonical && state.open.kind === kind)
    return state.open.wireIndex;
  const initial: Json =
    kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
  return openBlock(state, canonical, kind, initial, out);
}

function finishEvents(state: AnthropicStreamEncodeState, out: OutboundEvent[]): void {
  messageStart(state, out);
  closeOpen(state, out);
  const finish = state.finish ?? { reason: 'end_turn' as FinishReason };
  out.push(
    ev('message_delta', {
      delta: {
        stop_reason: finishReasonToAnthropic(finish.reason),
        stop_sequence: finish.stopSequence ?? null,
      },
      usage: usageToAnthropic(state.usage),
    }),
  );
  out.push(ev('message_stop', {}));
}

/**
 * Canonical events → Anthropic Messages SSE: message_start, blocks opened lazily from deltas
 * (each closed before the next opens), message_delta with stop reason and usage, message_stop.
 */
export const anthropicStreamEncoder: StreamEncoder<AnthropicStreamEncodeState> =
  streamEncoder<AnthropicStreamEncodeState>({
    init(ctx: ResponseEncodeContext) {
      return {
        id: `msg_${crypto.randomUUID().replace(/-/g, '')}`,
        model: ctx.model,
        started: false,
        blocks: new Map(),
        nextWireIndex: 0,
        usage: {},
        failed: false,
        ended: false,
      };
    },

    event(state, event, out) {
      switch (event.type) {
        case 'start':
          if (event.id) state.id = event.id.startsWith('msg_') ? event.id : `msg_${event.id}`;
          if (event.usage) state.usage = { ...state.usage, ...event.usage };
          messageStart(state, out);
          break;
        case 'text_delta': {
          if (event.text === '') break;
          const index = blockFor(state, event.index, 'text', out);
          out.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: event.text } }));
          break;
        }
        case 'thinking_delta': {
          if (event.text === '') break;
          const index = blockFor(state, event.index, 'thinking', out);
          out.push(
            ev('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: event.text } }),
          );
          break;
        }
        case 'signature': {
          const index = blockFor(state, event.index, 'thinking', out);
          out.push(
            ev('content_block_delta', {
              index,
              delta: { type: 'signature_delta', signature: event.signature },
            }),
          );
          break;
        }
        case 'redacted_thinking':
          openBlock(
            state,
            event.index,
            'redacted_thinking',
            { type: 'redacted_thinking', data: event.data },
            out,
          );
          out.push(ev('content_block_stop', { index: state.nextWireIndex - 1 }));
          break;
        case 'tool_call_start':
          openBlock(
            state,
            event.index,
            'tool_use',
            { type: 'tool_use', id: event.id, name: event.name, input: {} },
            out,
          );
          break;
        case 'tool_call_delta': {
          if (event.argumentsDelta === '') break;
          const block = state.blocks.get(event.index);
          if (block?.kind !== 'tool_use') break;
          out.push(
            ev('content_block_delta', {
              index: block.wireIndex,
              delta: { type: 'input_json_delta', partial_json: event.argumentsDelta },
            }),
          );
          break;
        }
        case 'block_stop':
          if (state.open?.canonical === event.index) closeOpen(state, out);
          break;
        case 'usage':
          state.usage = { ...state.usage, ...event.usage };
          break;
        case 'finish':
          state.finish = {
            reason: event.reason,
            ...(event.stopSequence ? { stopSequence: event.stopSequence } : {}),
          };
          closeOpen(state, out);
          break;
      }
    },
    streamError: encodeAnthropicStreamError,
    finish: finishEvents,
  });
