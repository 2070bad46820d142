import { asJsonObject, bytesAt } from '../../canonical/json.js';
import type { StreamEvent } from '../../canonical/types.js';
import { jsonStreamDecoder } from '../stream-life.js';
import type { StreamDecoder } from '../types.js';
import { errorInfoFromAnthropicBody } from './errors.js';
import { finishReasonFromAnthropic } from './map-stop-reason.js';
import { type AnthropicUsageCounters, readAnthropicCounters, usageFromCounters } from './usage.js';

type Json = Record<string, unknown>;
type Kind = 'text' | 'thinking' | 'redacted_thinking' | 'tool_call' | 'ignored';

interface WireBlock {
  kind: Kind;
  /** Canonical index, assigned when the block first produces an event. */
  index?: number;
  open: boolean;
}

export interface AnthropicStreamDecodeState {
  messageId?: string;
  nextIndex: number;
  /** Wire content-block index (of the current message) → block. */
  blocks: Map<number, WireBlock>;
  counters: AnthropicUsageCounters;
  finished: boolean;
  /** message_stop seen: the rest is ignored. */
  done: boolean;
  failed: boolean;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function kindOf(type: unknown): Kind {
  switch (type) {
    case 'text':
    case 'text_delta':
      return 'text';
    case 'thinking':
    case 'thinking_delta':
    case 'signature_delta':
      return 'thinking';
    case 'redacted_thinking':
      return 'redacted_thinking';
    case 'tool_use':
    case 'input_json_delta':
      return 'tool_call';
    default:
      return 'ignored';
  }
}

function indexOf(state: AnthropicStreamDecodeState, block: WireBlock): number {
  if (block.index === undefined) block.index = state.nextIndex++;
  return block.index;
}

function closeAll(state: AnthropicStreamDecodeState, out: StreamEvent[]): void {
  for (const block of state.blocks.values()) {
    if (block.open && block.index !== undefined) out.push({ type: 'block_stop', index: block.index });
    block.open = false;
  }
}

/**
 * The events of the text a text or thinking block carries — at its start (`text`; `thinking` and
 * `signature`) or in a delta (`text_delta`; `thinking_delta`, `signature_delta`), whose members
 * have the same names. Nothing for a member that is absent or empty.
 */
function contentEvents(
  state: AnthropicStreamDecodeState,
  block: WireBlock,
  kind: 'text' | 'thinking',
  content: Json,
  out: StreamEvent[],
): void {
  const text = str(kind === 'text' ? content.text : content.thinking);
  if (text) {
    const index = indexOf(state, block);
    out.push(kind === 'text' ? { type: 'text_delta', index, text } : { type: 'thinking_delta', index, text });
  }
  const signature = kind === 'thinking' ? str(content.signature) : undefined;
  if (signature) out.push({ type: 'signature', index: indexOf(state, block), signature });
}

function blockStart(state: AnthropicStreamDecodeState, wireIndex: number, cb: Json, out: StreamEvent[]) {
  const block: WireBlock = { kind: kindOf(cb.type), open: true };
  state.blocks.set(wireIndex, block);
  switch (block.kind) {
    case 'text':
    case 'thinking':
      contentEvents(state, block, block.kind, cb, out);
      break;
    case 'redacted_thinking':
      out.push({ type: 'redacted_thinking', index: indexOf(state, block), data: str(cb.data) ?? '' });
      break;
    case 'tool_call': {
      const index = indexOf(state, block);
      out.push({ type: 'tool_call_start', index, id: str(cb.id) ?? '', name: str(cb.name) ?? '' });
      const input = asJsonObject(cb.input);
      if (input && Object.keys(input).length > 0) {
        out.push({ type: 'tool_call_delta', index, argumentsDelta: JSON.stringify(input) });
      }
      break;
    }
    case 'ignored':
      break;
  }
}

function blockDelta(state: AnthropicStreamDecodeState, wireIndex: number, delta: Json, out: StreamEvent[]) {
  let block = state.blocks.get(wireIndex);
  const kind = kindOf(delta.type);
  if (!block) {
    // A delta without its content_block_start: open the block it implies.
    block = { kind, open: true };
    state.blocks.set(wireIndex, block);
    if (kind === 'tool_call')
      out.push({ type: 'tool_call_start', index: indexOf(state, block), id: '', name: '' });
  }
  if (kind === 'text' || kind === 'thinking') contentEvents(state, block, kind, delta, out);
  else if (kind === 'tool_call') {
    const partial = str(delta.partial_json);
    if (partial) out.push({ type: 'tool_call_delta', index: indexOf(state, block), argumentsDelta: partial });
  }
}

function messageStart(state: AnthropicStreamDecodeState, message: Json, out: StreamEvent[]): void {
  const id = str(message.id) ?? '';
  state.counters = readAnthropicCounters(message.usage);
  if (state.messageId === undefined) {
    state.messageId = id;
    out.push({
      type: 'start',
      id: id || `msg_${crypto.randomUUID()}`,
      model: str(message.model) ?? '',
      usage: usageFromCounters(state.counters),
    });
    return;
  }
  // A second message_start. The same id again is a duplicate and changes nothing. A different id
  // means the upstream restarted its answer: what was sent stays sent (it cannot be taken back),
  // its open blocks are closed and the new message continues after them.
  if (id === state.messageId) return;
  state.messageId = id;
  closeAll(state, out);
  state.blocks = new Map();
  out.push({ type: 'usage', usage: usageFromCounters(state.counters) });
}

function decodePayload(state: AnthropicStreamDecodeState, payload: Json): StreamEvent[] {
  const out: StreamEvent[] = [];
  const index = typeof payload.index === 'number' ? payload.index : 0;
  switch (payload.type) {
    case 'message_start':
      messageStart(state, asJsonObject(payload.message) ?? {}, out);
      break;
    case 'content_block_start':
      blockStart(state, index, asJsonObject(payload.content_block) ?? {}, out);
      break;
    case 'content_block_delta':
      blockDelta(state, index, asJsonObject(payload.delta) ?? {}, out);
      break;
    case 'content_block_stop': {
      const block = state.blocks.get(index);
      if (block?.open) {
        block.open = false;
        if (block.index !== undefined) out.push({ type: 'block_stop', index: block.index });
      }
      break;
    }
    case 'message_delta': {
      // Usage here is cumulative and may revise input_tokens given at message_start.
      state.counters = readAnthropicCounters(payload.usage, state.counters);
      out.push({ type: 'usage', usage: usageFromCounters(state.counters) });
      const delta = asJsonObject(payload.delta) ?? {};
      const reason = str(delta.stop_reason);
      if (reason && !state.finished) {
        closeAll(state, out);
        const stopSequence = str(delta.stop_sequence);
        out.push({
          type: 'finish',
          reason: finishReasonFromAnthropic(reason),
          ...(stopSequence ? { stopSequence } : {}),
        });
        state.finished = true;
      }
      break;
    }
    case 'message_stop':
      state.done = true;
      closeAll(state, out);
      if (!state.finished) {
        out.push({ type: 'finish', reason: 'end_turn' });
        state.finished = true;
      }
      break;
    case 'error':
      closeAll(state, out);
      state.failed = true;
      out.push({ type: 'error', error: errorInfoFromAnthropicBody(payload) });
      break;
    default:
      // ping and future event types
      break;
  }
  return out;
}

const DELTA_EVENT = Buffer.from('event: content_block_delta');
const DELTA_DATA = Buffer.from('data: {"type":"content_block_delta"');
const ERROR = Buffer.from('"error"');

/**
 * A content delta and nothing else: an optional `event: content_block_delta` line, then one
 * `data:` line holding a whole JSON object that starts `{"type":"content_block_delta"` and has no
 * `"error"` in it (usage, stop reasons and errors come in other events). One pass in JavaScript.
 */
function onlyContent(ev: Buffer, start: number, stop: number): boolean {
  let end = stop;
  while (end > start && (ev[end - 1] === 10 || ev[end - 1] === 13)) end--;
  if (end <= start || ev[end - 1] !== 0x7d) return false;
  let i = start;
  if (bytesAt(ev, start, DELTA_EVENT)) {
    i += DELTA_EVENT.length;
    if (ev[i] === 13) i++;
    if (ev[i] === 10) i++;
    if (i === start + DELTA_EVENT.length) return false;
  }
  if (!bytesAt(ev, i, DELTA_DATA)) return false;
  for (i += DELTA_DATA.length; i < end; i++) {
    const c = ev[i];
    if (c === 10 || c === 13) return false;
    if (c === 0x22 && ev[i + 1] === 0x65 && bytesAt(ev, i, ERROR)) return false;
  }
  return true;
}

/** Anthropic Messages SSE (also Vertex streamRawPredict and Bedrock invoke payloads) → canonical. */
export const anthropicStreamDecoder: StreamDecoder<AnthropicStreamDecodeState> =
  jsonStreamDecoder<AnthropicStreamDecodeState>({
    init: () => ({
      nextIndex: 0,
      blocks: new Map(),
      counters: {},
      finished: false,
      done: false,
      failed: false,
    }),
    unreadable: {
      message: 'Claude sent a streaming event that is not valid JSON',
      hint: 'This is a problem with the upstream service; try again.',
    },
    cutShort: 'The Claude stream ended before the answer was complete',
    payload(state, payload, event) {
      // A payload without its own `type` takes the SSE event's name.
      return decodePayload(
        state,
        payload.type === undefined && event.event ? { ...payload, type: event.event } : payload,
      );
    },
    end(state, out): boolean {
      closeAll(state, out);
      return state.finished;
    },
    onlyContent,
  });
