/**
 * Structured output for targets that have no JSON mode of their own (Claude models without
 * native structured output): the schema becomes the input schema of one forced tool, and the
 * tool's input comes back to the client as the message text it asked for.
 */
import type { CanonicalRequest, CanonicalResponse, Part, StreamEvent, ToolChoice } from './types.js';

/** The name of the tool that carries the answer; a client's own tool by that name is unlikely. */
export const ANSWER_TOOL = 'keybridge_json_answer';

/**
 * The answer tool for a schema whose top level is not an object (an array, a string, a choice of
 * values): a tool's input must be an object, so the answer rides in its `value` member.
 */
export const ANSWER_VALUE_TOOL = 'keybridge_json_answer_value';

/** True when a schema's top level is not an object (a tool input cannot be one of these). */
function isValueSchema(schema: Record<string, unknown>): boolean {
  const t = schema.type;
  if (t === undefined) return ['anyOf', 'oneOf', 'enum', 'const'].some((k) => k in schema);
  return t !== 'object';
}

/** The schema a JSON answer must follow (any object for `json_object`). */
export function answerSchema(req: CanonicalRequest): Record<string, unknown> | undefined {
  const f = req.responseFormat;
  if (!f || f.type === 'text') return undefined;
  if (f.type === 'json_object') return { type: 'object', additionalProperties: true };
  return f.schema.type === undefined && !isValueSchema(f.schema) ? { type: 'object', ...f.schema } : f.schema;
}

/**
 * The request with its response format turned into a forced tool. With tools of its own the
 * model must call one of them or the answer tool (so a tool loop still works); without, the
 * answer tool. A request asking for no structure is returned as it is.
 */
export function withAnswerTool(req: CanonicalRequest): CanonicalRequest {
  const schema = answerSchema(req);
  if (!schema) return req;
  const f = req.responseFormat;
  const description =
    f?.type === 'json_schema' && f.name
      ? `Give your final answer as ${f.name}: call this tool with the answer as its input.`
      : 'Give your final answer: call this tool with the answer as its input.';
  const own = req.tools ?? [];
  const wrapped = isValueSchema(schema);
  const name = wrapped ? ANSWER_VALUE_TOOL : ANSWER_TOOL;
  const parameters = wrapped
    ? { type: 'object', properties: { value: schema }, required: ['value'], additionalProperties: false }
    : schema;
  const tools = [...own, { name, description, parameters }];
  let toolChoice: ToolChoice = { type: 'tool', name };
  if (own.length > 0 && req.toolChoice?.type !== 'none') {
    toolChoice = req.toolChoice?.type === 'tool' ? req.toolChoice : { type: 'required' };
  }
  const { responseFormat: _format, ...rest } = req;
  return { ...rest, tools, toolChoice };
}

function isAnswerTool(name: string): boolean {
  return name === ANSWER_TOOL || name === ANSWER_VALUE_TOOL;
}

/** The answer in a wrapped tool input (`{"value": …}`); the input as it came when it is not that. */
function wrappedValue(args: string): string {
  try {
    const parsed = JSON.parse(args) as unknown;
    if (parsed && typeof parsed === 'object' && 'value' in parsed) return JSON.stringify(parsed.value);
  } catch {
    // Not JSON (cut short): the client gets what the model wrote.
  }
  return args;
}

/** A whole response with the answer tool's call turned back into text. */
export function unwrapAnswerTool(res: CanonicalResponse): CanonicalResponse {
  const call = res.content.find((p) => p.type === 'tool_call' && isAnswerTool(p.name));
  if (call?.type !== 'tool_call') return res;
  const text = call.name === ANSWER_VALUE_TOOL ? wrappedValue(call.arguments) : call.arguments;
  const content: Part[] = res.content.map((p) => (p === call ? { type: 'text', text } : p));
  const otherCalls = content.some((p) => p.type === 'tool_call');
  return {
    ...res,
    content,
    finishReason: res.finishReason === 'tool_use' && !otherCalls ? 'end_turn' : res.finishReason,
  };
}

/**
 * Streams the answer out of a wrapped tool input as it comes: the `{"value":` before it is skipped
 * and the closing `}` after it held back (whitespace around either allowed), so the client sees
 * only the answer's own JSON.
 */
class ValueUnwrapper {
  #prefixDone = false;
  #pending = '';

  push(delta: string): string {
    this.#pending += delta;
    if (!this.#prefixDone) {
      const m = /^\s*\{\s*"value"\s*:\s*/.exec(this.#pending);
      // Still reading the prefix (it may not all have come yet).
      if (!m || m[0].length === this.#pending.length) {
        if ('{"value":'.startsWith(this.#pending.replace(/\s+/g, ''))) return '';
        // Not the wrapped form after all: pass it on as the model wrote it.
        this.#prefixDone = true;
      } else {
        this.#pending = this.#pending.slice(m[0].length);
        this.#prefixDone = true;
      }
    }
    // Hold back a last `}` and the white space around it: it may be the wrapper's.
    const held = /\}?\s*$/.exec(this.#pending)?.[0] ?? '';
    const out = this.#pending.slice(0, this.#pending.length - held.length);
    this.#pending = held;
    return out;
  }
}

/** Stream state: which block indexes are the answer tool, and whether another tool was called. */
export interface AnswerStreamState {
  answerBlocks: Set<number>;
  /** Blocks of the wrapped answer tool, each with its unwrapper. */
  valueBlocks: Map<number, ValueUnwrapper>;
  otherCall: boolean;
}

export function createAnswerStreamState(): AnswerStreamState {
  return { answerBlocks: new Set(), valueBlocks: new Map(), otherCall: false };
}

/** Stream events with the answer tool's call turned into text deltas of the same block. */
export function unwrapAnswerEvents(state: AnswerStreamState, events: StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const ev of events) {
    if (ev.type === 'tool_call_start') {
      if (isAnswerTool(ev.name)) {
        state.answerBlocks.add(ev.index);
        if (ev.name === ANSWER_VALUE_TOOL) state.valueBlocks.set(ev.index, new ValueUnwrapper());
        continue;
      }
      state.otherCall = true;
    } else if (ev.type === 'tool_call_delta' && state.answerBlocks.has(ev.index)) {
      const unwrapper = state.valueBlocks.get(ev.index);
      const text = unwrapper ? unwrapper.push(ev.argumentsDelta) : ev.argumentsDelta;
      if (text !== '') out.push({ type: 'text_delta', index: ev.index, text });
      continue;
    } else if (ev.type === 'finish' && ev.reason === 'tool_use' && !state.otherCall) {
      if (state.answerBlocks.size > 0) {
        out.push({ ...ev, reason: 'end_turn' });
        continue;
      }
    }
    out.push(ev);
  }
  return out;
}
