/**
 * Structured output for targets that have no JSON mode of their own (Claude models without
 * native structured output): the schema becomes the input schema of one forced tool, and the
 * tool's input comes back to the client as the message text it asked for.
 */
import type { CanonicalRequest, CanonicalResponse, Part, StreamEvent, ToolChoice } from './types.js';

/** The name of the tool that carries the answer; a client's own tool by that name is unlikely. */
export const ANSWER_TOOL = 'keybridge_json_answer';

/** The schema a JSON answer must follow (any object for `json_object`). */
export function answerSchema(req: CanonicalRequest): Record<string, unknown> | undefined {
  const f = req.responseFormat;
  if (!f || f.type === 'text') return undefined;
  if (f.type === 'json_object') return { type: 'object', additionalProperties: true };
  return f.schema.type === undefined ? { type: 'object', ...f.schema } : f.schema;
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
  const tools = [...own, { name: ANSWER_TOOL, description, parameters: schema }];
  let toolChoice: ToolChoice = { type: 'tool', name: ANSWER_TOOL };
  if (own.length > 0 && req.toolChoice?.type !== 'none') {
    toolChoice = req.toolChoice?.type === 'tool' ? req.toolChoice : { type: 'required' };
  }
  const { responseFormat: _format, ...rest } = req;
  return { ...rest, tools, toolChoice };
}

/** A whole response with the answer tool's call turned back into text. */
export function unwrapAnswerTool(res: CanonicalResponse): CanonicalResponse {
  const call = res.content.find((p) => p.type === 'tool_call' && p.name === ANSWER_TOOL);
  if (call?.type !== 'tool_call') return res;
  const content: Part[] = res.content.map((p) => (p === call ? { type: 'text', text: call.arguments } : p));
  const otherCalls = content.some((p) => p.type === 'tool_call');
  return {
    ...res,
    content,
    finishReason: res.finishReason === 'tool_use' && !otherCalls ? 'end_turn' : res.finishReason,
  };
}

/** Stream state: which block indexes are the answer tool, and whether another tool was called. */
export interface AnswerStreamState {
  answerBlocks: Set<number>;
  otherCall: boolean;
}

export function createAnswerStreamState(): AnswerStreamState {
  return { answerBlocks: new Set(), otherCall: false };
}

/** Stream events with the answer tool's call turned into text deltas of the same block. */
export function unwrapAnswerEvents(state: AnswerStreamState, events: StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const ev of events) {
    if (ev.type === 'tool_call_start') {
      if (ev.name === ANSWER_TOOL) {
        state.answerBlocks.add(ev.index);
        continue;
      }
      state.otherCall = true;
    } else if (ev.type === 'tool_call_delta' && state.answerBlocks.has(ev.index)) {
      if (ev.argumentsDelta !== '')
        out.push({ type: 'text_delta', index: ev.index, text: ev.argumentsDelta });
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
