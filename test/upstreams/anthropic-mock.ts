import type { IncomingMessage, ServerResponse } from 'node:http';
import { fixtureChunks, fixtureJson } from '../support/fixtures.js';
import { type ClaudeCacheSim, withCacheUsage } from './claude-cache.js';
import {
  type MockServer,
  type SeenRequest,
  sendJson,
  sseFrame,
  startMock,
  writeAwkwardly,
} from './support.js';

type Json = Record<string, unknown>;
type Block = Json & { type: string };
interface Msg {
  role: string;
  content: string | Block[];
}

export interface AnthropicMock extends MockServer {
  /** Parsed bodies of /v1/messages requests. */
  bodies(): Json[];
  /** Makes the next message request fail with this status and Anthropic error type. */
  failNext(status: number, type: string, message: string, headers?: Record<string, string>): void;
}

/**
 * The thinking block and signature the mock hands out, so it can check them on replay; `pieces`
 * are the captured thinking deltas, streamed as Claude streams them.
 */
export const THINKING = (() => {
  const lines = fixtureChunks('anthropic/anthropic-clear-thinking.1.chunks.txt').map(
    (l) => JSON.parse(l) as Json,
  );
  const pieces: string[] = [];
  let signature = '';
  for (const l of lines) {
    const d = l.delta as Json | undefined;
    if (d?.type === 'thinking_delta') pieces.push(d.thinking as string);
    if (d?.type === 'signature_delta') signature = d.signature as string;
  }
  return { thinking: pieces.join(''), pieces, signature };
})();

function anthropicError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
) {
  sendJson(res, status, { type: 'error', error: { type, message } }, headers);
}

function blocksOf(m: Msg): Block[] {
  return typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
}

/**
 * Checks what the Anthropic API checks and returns its error message, or undefined when valid:
 * max_tokens present, roles valid, no empty text, tool results answering earlier tool_use ids,
 * and — with thinking on — the last assistant tool-use turn replaying the signed thinking block.
 */
export function validateAnthropicBody(body: Json): string | undefined {
  if (typeof body.model !== 'string') return 'model: Field required';
  if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  const messages = body.messages as Msg[] | undefined;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: at least one message is required';
  // A tool's input is always an object: the API refuses any other top-level input schema.
  for (const [i, t] of ((body.tools as Json[] | undefined) ?? []).entries()) {
    const schema = t.input_schema as Json | undefined;
    if (t.type === undefined && schema?.type !== 'object')
      return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
  }
  const toolUseIds = new Set<string>();
  for (const [i, m] of messages.entries()) {
    if (m.role !== 'user' && m.role !== 'assistant')
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    const blocks = blocksOf(m);
    for (const b of blocks) {
      if (
        b.type === 'text' &&
        typeof b.text === 'string' &&
        b.text.trim() === '' &&
        !(i === messages.length - 1 && m.role === 'assistant')
      ) {
        return `messages.${i}: text content blocks must contain non-whitespace text`;
      }
      if (b.type === 'tool_use') toolUseIds.add(String(b.id));
      if (b.type === 'tool_result' && !toolUseIds.has(String(b.tool_use_id))) {
        return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(b.tool_use_id)}`;
      }
    }
    const last = messages.length - 1;
    if (i === last && m.role === 'assistant') {
      const final = blocks.at(-1);
      if (final?.type === 'text' && /\s$/.test(String(final.text))) {
        return 'messages: final assistant content cannot end with trailing whitespace';
      }
    }
  }
  const thinkingOn = (body.thinking as Json | undefined)?.type === 'enabled';
  const choice = body.tool_choice as Json | undefined;
  if (thinkingOn && (choice?.type === 'any' || choice?.type === 'tool')) {
    return 'Thinking may not be enabled when tool_choice forces tool use.';
  }
  const format = (body.output_config as Json | undefined)?.format as Json | undefined;
  if (format) {
    if (format.type !== 'json_schema') return "output_config.format.type: Input should be 'json_schema'";
    if (!hasNativeFormat(String(body.model)))
      return `'claude-${String(body.model)}' does not support output format.`;
    const open = openObject(format.schema);
    if (open)
      return `output_config.format.schema: For '${open}' type, 'additionalProperties' must be explicitly set to false`;
  }
  if (body.output_format !== undefined) return 'output_format: Extra inputs are not permitted';
  if (thinkingOn) {
    const lastAssistant = [...messages].reverse().find((m) => m.role === 'assistant');
    if (lastAssistant && blocksOf(lastAssistant).some((b) => b.type === 'tool_use')) {
      const first = blocksOf(lastAssistant)[0];
      if (first?.type !== 'thinking' && first?.type !== 'redacted_thinking') {
        return 'messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block.';
      }
      // The signature signs the thinking text: a changed or partial text fails like a wrong signature.
      if (
        first.type === 'thinking' &&
        (first.signature !== THINKING.signature || first.thinking !== THINKING.thinking)
      ) {
        return 'messages.1.content.0: Invalid `signature` in `thinking` block';
      }
    }
  }
  return undefined;
}

/** Claude 4.5 and later take `output_config.format` (structured output). */
function hasNativeFormat(model: string): boolean {
  const m = /claude-(?:opus|sonnet|haiku)-(\d+)-(\d{1,2})(?!\d)/.exec(model);
  return m !== null && (Number(m[1]) > 4 || (Number(m[1]) === 4 && Number(m[2]) >= 5));
}

/** The path of an object schema without `additionalProperties: false` (which the API requires), if any. */
function openObject(schema: unknown, path = 'object'): string | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const s = schema as Json;
  if (s.type === 'object' && s.additionalProperties !== false) return path;
  for (const [k, v] of Object.entries((s.properties as Json | undefined) ?? {})) {
    const found = openObject(v, `${path}.${k}`);
    if (found) return found;
  }
  return s.items ? openObject(s.items, `${path}[]`) : undefined;
}

/** A value that follows a JSON schema (what Claude's constrained decoding guarantees). */
export function sampleFor(schema: unknown): unknown {
  const s = (schema ?? {}) as Json;
  if (Array.isArray(s.enum)) return s.enum[0];
  switch (s.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries((s.properties as Json | undefined) ?? {}).map(([k, v]) => [k, sampleFor(v)]),
      );
    case 'array':
      return [sampleFor(s.items)];
    case 'number':
    case 'integer':
      return 21;
    case 'boolean':
      return true;
    default:
      return 'Paris';
  }
}

/** A whole message and its stream events for one text answer. */
function textReply(model: string, text: string): { message: Json; events: Json[] } {
  const usage = { input_tokens: 25, output_tokens: 12 };
  const message = {
    id: 'msg_json',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage,
  };
  const half = Math.ceil(text.length / 2);
  const events: Json[] = [
    {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: text.slice(0, half) } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: text.slice(half) } },
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 12 },
    },
    { type: 'message_stop' },
  ];
  return { message, events };
}

/** A reply as real Anthropic blocks: the captured text, thinking + text, or (thinking +) a tool call. */
export function replyFor(body: Json): { message: Json; events: Json[] } {
  const format = (body.output_config as Json | undefined)?.format as Json | undefined;
  if (format) return textReply(String(body.model), JSON.stringify(sampleFor(format.schema)));
  const messages = body.messages as Msg[];
  const last = messages.at(-1)!;
  const answeringTool = blocksOf(last).some((b) => b.type === 'tool_result');
  const wantsTool = Array.isArray(body.tools) && body.tools.length > 0 && !answeringTool;
  const thinkingOn = (body.thinking as Json | undefined)?.type === 'enabled';
  const model = String(body.model);

  if (!wantsTool && !thinkingOn) {
    const message = { ...fixtureJson('anthropic/anthropic-text.json'), model };
    const events = fixtureChunks('anthropic/anthropic-text.chunks.txt').map((l) => JSON.parse(l) as Json);
    return { message, events };
  }
  if (!wantsTool) {
    const events = fixtureChunks('anthropic/anthropic-clear-thinking.1.chunks.txt').map(
      (l) => JSON.parse(l) as Json,
    );
    const text = events
      .filter((e) => (e.delta as Json | undefined)?.type === 'text_delta')
      .map((e) => (e.delta as Json).text)
      .join('');
    const start = (events[0]!.message as Json).usage as Json;
    const message = {
      id: 'msg_thinking',
      type: 'message',
      role: 'assistant',
      model,
      content: [
        { type: 'thinking', thinking: THINKING.thinking, signature: THINKING.signature },
        { type: 'text', text },
      ],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { ...start, output_tokens: 120 },
    };
    return { message, events };
  }
  // A tool call: the captured tool_use (name taken from the request's first tool), preceded by the
  // captured thinking block when thinking is on.
  // A forced tool is the one called; its input follows the tool's schema.
  const forced =
    (body.tool_choice as Json | undefined)?.type === 'tool'
      ? String((body.tool_choice as Json).name)
      : undefined;
  const tool = (body.tools as Json[]).find((t) => t.name === forced) ?? (body.tools as Json[])[0]!;
  const capture = fixtureJson<Json>('anthropic/anthropic-tool-no-args.json');
  const input = forced ? sampleFor(tool.input_schema) : { location: 'Paris' };
  const toolUse = { type: 'tool_use', id: 'toolu_01Mock', name: tool.name, input };
  const content: Json[] = [];
  if (thinkingOn)
    content.push({ type: 'thinking', thinking: THINKING.thinking, signature: THINKING.signature });
  content.push(toolUse);
  const message = { ...capture, model, content, stop_reason: 'tool_use' };
  const usage = capture.usage as Json;
  const events: Json[] = [
    {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
    },
  ];
  content.forEach((b, index) => {
    if (b.type === 'thinking') {
      events.push({
        type: 'content_block_start',
        index,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      });
      for (const piece of THINKING.pieces)
        events.push({
          type: 'content_block_delta',
          index,
          delta: { type: 'thinking_delta', thinking: piece },
        });
      events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'signature_delta', signature: THINKING.signature },
      });
    } else {
      events.push({ type: 'content_block_start', index, content_block: { ...b, input: {} } });
      const json = forced ? JSON.stringify(b.input) : '{"location": "Paris"}';
      const cut = forced ? Math.ceil(json.length / 2) : '{"location": '.length;
      events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: json.slice(0, cut) },
      });
      events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: json.slice(cut) },
      });
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push({
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  events.push({ type: 'message_stop' });
  return { message, events };
}

/** Writes Anthropic events as SSE in awkward pieces. */
export async function streamAnthropicEvents(res: ServerResponse, events: Json[], seed = 11): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [i, ev] of events.entries()) {
    if (res.destroyed) return;
    await writeAwkwardly(res, sseFrame(JSON.stringify(ev), String(ev.type)), seed + i);
  }
  res.end();
}

/** Handles one Messages request the way the API does (used by this mock; reusable by others). */
export async function answerMessages(
  res: ServerResponse,
  body: Json,
  stream: boolean,
  /** Claude's prompt cache, simulated: markers checked, usage reports cache reads and writes. */
  cache?: ClaudeCacheSim,
): Promise<void> {
  const problem = validateAnthropicBody(body) ?? cache?.check(body);
  if (problem) {
    anthropicError(res, 400, 'invalid_request_error', problem);
    return;
  }
  const reply = replyFor(body);
  const { message, events } = cache ? withCacheUsage(reply, cache.use(body, String(body.model))) : reply;
  if (!stream) sendJson(res, 200, message);
  else await streamAnthropicEvents(res, events);
}

/** A faithful Anthropic API: key and version headers checked, bodies validated, real captures answered. */
export async function startAnthropicMock(
  opts: { apiKey?: string; models?: string[]; promptCache?: ClaudeCacheSim } = {},
): Promise<AnthropicMock> {
  const apiKey = opts.apiKey ?? 'sk-ant-test-upstream';
  const models = opts.models ?? ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'];
  const bodies: Json[] = [];
  const failures: Array<{ status: number; type: string; message: string; headers?: Record<string, string> }> =
    [];
  const server = await startMock(async (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => {
    const key = req.headers['x-api-key'] ?? String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (key !== apiKey) return anthropicError(res, 401, 'authentication_error', 'invalid x-api-key');
    if (!req.headers['anthropic-version']) {
      return anthropicError(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
    }
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      const data = models.map((id) => ({
        type: 'model',
        id,
        display_name: id,
        created_at: '2025-09-29T00:00:00Z',
      }));
      return sendJson(res, 200, { data, has_more: false, first_id: data[0]?.id, last_id: data.at(-1)?.id });
    }
    if (req.method !== 'POST') return anthropicError(res, 405, 'invalid_request_error', 'Method not allowed');
    let body: Json;
    try {
      body = JSON.parse(seen.body) as Json;
    } catch {
      return anthropicError(
        res,
        400,
        'invalid_request_error',
        'There was an issue with your request body: invalid JSON',
      );
    }
    if (path === '/v1/messages/count_tokens') {
      return sendJson(res, 200, { input_tokens: Math.ceil(seen.body.length / 4) });
    }
    if (path !== '/v1/messages') return anthropicError(res, 404, 'not_found_error', 'Not found');
    bodies.push(body);
    const fail = failures.shift();
    if (fail) return anthropicError(res, fail.status, fail.type, fail.message, fail.headers);
    if (!models.includes(String(body.model)))
      return anthropicError(res, 404, 'not_found_error', `model: ${String(body.model)}`);
    await answerMessages(res, body, body.stream === true, opts.promptCache);
  });
  return Object.assign(server, {
    bodies: () => bodies,
    failNext: (status: number, type: string, message: string, headers?: Record<string, string>) =>
      void failures.push({ status, type, message, headers }),
  });
}
