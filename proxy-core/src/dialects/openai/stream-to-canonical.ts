import { asJsonObject, bytesAt } from '../../canonical/json.js';
import type { FinishReason, StreamEvent, Usage } from '../../canonical/types.js';
import { jsonStreamDecoder } from '../stream-life.js';
import type { StreamDecoder } from '../types.js';
import { errorInfoFromOpenaiBody } from './errors.js';
import { finishReasonFromOpenai } from './map-finish-reason.js';
import { usageFromOpenai } from './usage.js';

type Json = Record<string, unknown>;

/** Where one choice's answer stands (a request with `n` > 1 streams several, by `index`). */
export interface OpenaiChoiceDecodeState {
  nextIndex: number;
  /** The text or thinking block receiving deltas, if any. */
  open?: { kind: 'text' | 'thinking'; index: number };
  /** OpenAI tool_calls[].index → canonical block index. */
  tools: Map<number, number>;
  openTool?: number;
  /** finish_reason seen, held back until usage arrives or the stream ends. */
  pendingFinish?: FinishReason;
  finished: boolean;
}

export interface OpenaiStreamDecodeState {
  started: boolean;
  /** Choices by their `index`, in the order they first appeared. */
  choices: Map<number, OpenaiChoiceDecodeState>;
  done: boolean;
  failed: boolean;
  usage?: Partial<Usage>;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Events of choice 0 name no choice (as with a single answer); the others carry theirs. */
function tagged(ev: StreamEvent, choice: number): StreamEvent {
  return choice === 0 ? ev : ({ ...ev, choice } as StreamEvent);
}

function choiceState(state: OpenaiStreamDecodeState, index: number): OpenaiChoiceDecodeState {
  let c = state.choices.get(index);
  if (!c) {
    c = { nextIndex: 0, tools: new Map(), finished: false };
    state.choices.set(index, c);
  }
  return c;
}

function closeOpen(c: OpenaiChoiceDecodeState, out: StreamEvent[]): void {
  if (c.open) out.push({ type: 'block_stop', index: c.open.index });
  c.open = undefined;
  if (c.openTool !== undefined) out.push({ type: 'block_stop', index: c.openTool });
  c.openTool = undefined;
}

function deltaText(c: OpenaiChoiceDecodeState, kind: 'text' | 'thinking', text: string, out: StreamEvent[]) {
  if (text === '') return;
  if (c.open?.kind !== kind) {
    closeOpen(c, out);
    c.open = { kind, index: c.nextIndex++ };
  }
  const index = c.open.index;
  out.push(kind === 'text' ? { type: 'text_delta', index, text } : { type: 'thinking_delta', index, text });
}

function toolDelta(c: OpenaiChoiceDecodeState, raw: unknown, position: number, out: StreamEvent[]) {
  const call = asJsonObject(raw);
  if (!call) return;
  const fn = asJsonObject(call.function);
  const wireIndex = typeof call.index === 'number' ? call.index : position;
  let index = c.tools.get(wireIndex);
  if (index === undefined) {
    closeOpen(c, out);
    index = c.nextIndex++;
    c.tools.set(wireIndex, index);
    c.openTool = index;
    out.push({
      type: 'tool_call_start',
      index,
      id: str(call.id) || `call_${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`,
      name: str(fn?.name) ?? '',
    });
  }
  const args = str(fn?.arguments);
  if (args) out.push({ type: 'tool_call_delta', index, argumentsDelta: args });
}

/** Sends the held finish of every choice that has one. */
function flushFinish(state: OpenaiStreamDecodeState, out: StreamEvent[]): void {
  for (const [i, c] of state.choices) {
    if (c.finished || c.pendingFinish === undefined) continue;
    out.push(tagged({ type: 'finish', reason: c.pendingFinish }, i));
    c.finished = true;
  }
}

function closeAll(state: OpenaiStreamDecodeState, out: StreamEvent[]): void {
  for (const [i, c] of state.choices) {
    const closed: StreamEvent[] = [];
    closeOpen(c, closed);
    for (const ev of closed) out.push(tagged(ev, i));
  }
}

function start(state: OpenaiStreamDecodeState, chunk: Json, out: StreamEvent[]): void {
  if (state.started) return;
  state.started = true;
  out.push({
    type: 'start',
    id: str(chunk.id) || `chatcmpl-${crypto.randomUUID()}`,
    model: str(chunk.model) ?? '',
  });
}

function choiceEvents(state: OpenaiStreamDecodeState, choice: Json, position: number, out: StreamEvent[]) {
  const i = typeof choice.index === 'number' ? choice.index : position;
  const c = choiceState(state, i);
  if (c.finished) return;
  const own: StreamEvent[] = [];
  const delta = asJsonObject(choice.delta) ?? {};
  const reasoning = str(delta.reasoning_content) ?? str(delta.reasoning);
  if (reasoning) deltaText(c, 'thinking', reasoning, own);
  const content = str(delta.content);
  if (content) deltaText(c, 'text', content, own);
  const refusal = str(delta.refusal);
  if (refusal) deltaText(c, 'text', refusal, own);
  const calls = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
  calls.forEach((call, k) => {
    toolDelta(c, call, k, own);
  });
  const legacy = asJsonObject(delta.function_call);
  if (legacy) toolDelta(c, { index: 0, id: 'call_legacy_0', function: legacy }, 0, own);
  const reason = str(choice.finish_reason);
  if (reason) {
    closeOpen(c, own);
    const mapped = finishReasonFromOpenai(reason);
    // Some servers say "stop" after calling tools; clients look for the tool-use reason.
    c.pendingFinish = mapped === 'end_turn' && c.tools.size > 0 ? 'tool_use' : mapped;
  }
  for (const ev of own) out.push(tagged(ev, i));
}

function decodeChunk(state: OpenaiStreamDecodeState, chunk: Json): StreamEvent[] {
  const out: StreamEvent[] = [];
  if (chunk.error !== undefined) {
    closeAll(state, out);
    state.failed = true;
    out.push({ type: 'error', error: errorInfoFromOpenaiBody(chunk, 502) });
    return out;
  }
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  const usage = usageFromOpenai(chunk.usage);
  // Azure opens with an empty-choices chunk carrying only prompt_filter_results.
  if (choices.length === 0 && !usage) return out;
  start(state, chunk, out);
  choices.forEach((raw, position) => {
    const choice = asJsonObject(raw);
    if (choice) choiceEvents(state, choice, position, out);
  });
  if (usage) {
    state.usage = usage;
    out.push({ type: 'usage', usage });
    flushFinish(state, out);
  }
  return out;
}

const DATA = Buffer.from('data:');
const ERROR = Buffer.from('"error"');
const FINISH = Buffer.from('"finish_reason"');
const USAGE = Buffer.from('"usage"');

/** True when a member's value, after its name ending before `i`, is `null` (spaces allowed). */
function nullValue(ev: Buffer, i: number, end: number): boolean {
  while (ev[i] === 0x20 || ev[i] === 0x09) i++;
  if (ev[i++] !== 0x3a) return false;
  while (ev[i] === 0x20 || ev[i] === 0x09) i++;
  return i + 4 <= end && ev[i] === 0x6e && ev[i + 1] === 0x75 && ev[i + 2] === 0x6c && ev[i + 3] === 0x6c;
}

/**
 * A chunk that is content only: one `data:` line, a whole JSON object (ends in `}`: not `[DONE]`,
 * not cut short), no `"error"` member, and no usage or finish (`"usage"` and `"finish_reason"`
 * absent or null, as OpenAI sends them in every chunk). Quoted words inside the content are
 * escaped (`\"usage\"`), so they do not match. One pass over the bytes, in JavaScript: cheaper
 * for an event of a few hundred bytes than a native search per word.
 */
function onlyContent(ev: Buffer, start: number, stop: number): boolean {
  let end = stop;
  while (end > start && (ev[end - 1] === 10 || ev[end - 1] === 13)) end--;
  if (end - start < 7 || ev[end - 1] !== 0x7d || !bytesAt(ev, start, DATA)) return false;
  for (let i = start + 5; i < end; i++) {
    const c = ev[i];
    if (c === 10 || c === 13) return false;
    if (c !== 0x22) continue;
    const next = ev[i + 1];
    if (next === 0x65 && bytesAt(ev, i, ERROR)) return false;
    if (next === 0x75 && bytesAt(ev, i, USAGE) && !nullValue(ev, i + USAGE.length, end)) return false;
    if (next === 0x66 && bytesAt(ev, i, FINISH) && !nullValue(ev, i + FINISH.length, end)) return false;
  }
  return true;
}

/** OpenAI-compatible chat.completion.chunk stream → canonical events (every choice). */
export const openaiStreamDecoder: StreamDecoder<OpenaiStreamDecodeState> =
  jsonStreamDecoder<OpenaiStreamDecodeState>({
    init: () => ({ started: false, choices: new Map(), done: false, failed: false }),
    unreadable: {
      message: 'The upstream sent a streaming chunk that is not valid JSON',
      hint: 'This is a problem with the upstream server; try again or use another account.',
    },
    cutShort: 'The upstream stream ended before the answer was complete',
    text(state, data) {
      if (data !== '[DONE]') return undefined;
      state.done = true;
      const out: StreamEvent[] = [];
      closeAll(state, out);
      if (state.choices.size === 0) choiceState(state, 0);
      for (const c of state.choices.values())
        if (c.pendingFinish === undefined && !c.finished) c.pendingFinish = 'end_turn';
      flushFinish(state, out);
      return out;
    },
    payload: decodeChunk,
    end(state, out): boolean {
      closeAll(state, out);
      const choices = [...state.choices.values()];
      if (choices.length === 0 || !choices.every((c) => c.finished || c.pendingFinish !== undefined))
        return false;
      flushFinish(state, out);
      return true;
    },
    onlyContent,
  });
