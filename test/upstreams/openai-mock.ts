import type { IncomingMessage, ServerResponse } from 'node:http';
import { fixtureChunks, fixtureJson } from '../support/fixtures.js';
import { choiceText, FirstTextMarker } from './choices.js';
import {
  type MockServer,
  type SeenRequest,
  sendJson,
  sseFrame,
  startMock,
  writeAwkwardly,
} from './support.js';

/** What the mock does with the next chat request (then it goes back to normal). */
export type OpenAIMockBehaviour =
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'reset-before-headers' }
  | { kind: 'reset-mid-stream'; afterEvents: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'hang' }
  /** Answers 200 with this body as is (a web page at the base URL, a cut-off answer). */
  | { kind: 'raw'; contentType: string; body: string };

export interface OpenAIMock extends MockServer {
  /** Queues behaviours for the next chat requests, in order. */
  next(...b: OpenAIMockBehaviour[]): void;
  /** Chat requests seen (parsed bodies). */
  chats(): Array<{ body: Record<string, unknown>; seen: SeenRequest }>;
}

/** Which captured conversation answers a request: a tool call when tools are offered, reasoning, or text. */
function captureFor(model: string, body: Record<string, unknown>): { json: string; chunks: string } {
  const messages = (body.messages as Array<{ role?: string }> | undefined) ?? [];
  const wantsTool = Array.isArray(body.tools) && body.tools.length > 0 && messages.at(-1)?.role !== 'tool';
  if (wantsTool)
    return { json: 'deepseek/deepseek-tool-call.json', chunks: 'deepseek/deepseek-tool-call.chunks.txt' };
  if (model.includes('reasoner'))
    return { json: 'deepseek/deepseek-reasoning.json', chunks: 'deepseek/deepseek-reasoning.chunks.txt' };
  if (model.includes('tool'))
    return { json: 'deepseek/deepseek-tool-call.json', chunks: 'deepseek/deepseek-tool-call.chunks.txt' };
  return { json: 'openai/openai-text.json', chunks: 'openai/openai-text.chunks.txt' };
}

type Json = Record<string, unknown>;

function scaleUsage(usage: unknown, n: number): unknown {
  if (!usage || typeof usage !== 'object' || n <= 1) return usage;
  const u = usage as { completion_tokens?: number; prompt_tokens?: number };
  const completion = (u.completion_tokens ?? 0) * n;
  return { ...u, completion_tokens: completion, total_tokens: (u.prompt_tokens ?? 0) + completion };
}

/** A whole answer with one choice → n choices (as OpenAI answers `n`). */
function withChoices(answer: Json, n: number): Json {
  const [first] = answer.choices as Json[];
  if (!first || n <= 1) return answer;
  const message = first.message as Json;
  const choices = Array.from({ length: n }, (_, i) => ({
    ...first,
    index: i,
    message: {
      ...message,
      ...(typeof message.content === 'string' ? { content: choiceText(i, message.content) } : {}),
    },
  }));
  return { ...answer, choices, usage: scaleUsage(answer.usage, n) };
}

/** A stream chunk of one choice → one chunk per choice, each naming its index (as OpenAI streams `n`). */
function chunkChoices(chunk: Json, n: number, marker: FirstTextMarker): Json[] {
  const choices = chunk.choices as Json[];
  if (n <= 1) return [chunk];
  if (choices.length === 0) return [{ ...chunk, usage: scaleUsage(chunk.usage, n) }];
  const [first] = choices as [Json];
  return Array.from({ length: n }, (_, i) => {
    const delta = (first.delta as Json | undefined) ?? {};
    const content = typeof delta.content === 'string' ? { content: marker.mark(i, delta.content) } : {};
    return { ...chunk, choices: [{ ...first, index: i, delta: { ...delta, ...content } }] };
  });
}

/** What OpenAI checks on messages: a list, valid roles, and tool replies answering earlier tool calls. */
function validateMessages(messages: unknown): string | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return "[] is too short - 'messages'";
  const callIds = new Set<string>();
  for (const [i, m] of (messages as Array<Record<string, unknown>>).entries()) {
    if (!['system', 'developer', 'user', 'assistant', 'tool'].includes(String(m.role))) {
      return `Invalid value: '${String(m.role)}'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.`;
    }
    for (const c of (m.tool_calls as Array<{ id: string }> | undefined) ?? []) callIds.add(c.id);
    if (m.role === 'tool' && !callIds.has(String(m.tool_call_id))) {
      return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'. (messages[${i}])`;
    }
  }
  return undefined;
}

function openaiError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string | null,
) {
  sendJson(res, status, { error: { message, type, param: null, code } });
}

/**
 * A faithful OpenAI-compatible upstream: checks the bearer key, the path and the body the way
 * OpenAI does, and answers with real captured responses, streamed in awkward pieces. It sends
 * the usage-only chunk only when `stream_options.include_usage` is set, as OpenAI does.
 */
export async function startOpenAIMock(
  opts: { apiKey?: string; models?: string[]; prefix?: string } = {},
): Promise<OpenAIMock> {
  const apiKey = opts.apiKey ?? 'sk-test-upstream';
  const prefix = opts.prefix ?? '/v1';
  const models = opts.models ?? ['gpt-4.1-nano', 'deepseek-reasoner', 'deepseek-tool-model'];
  const queue: OpenAIMockBehaviour[] = [];
  const chats: Array<{ body: Record<string, unknown>; seen: SeenRequest }> = [];

  const server = await startMock(async (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      openaiError(
        res,
        401,
        'Incorrect API key provided: sk-wro***. You can find your API key at https://platform.openai.com/account/api-keys.',
        'invalid_request_error',
        'invalid_api_key',
      );
      return;
    }
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === `${prefix}/models`) {
      sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'system' })),
      });
      return;
    }
    if (
      req.method !== 'POST' ||
      (path !== `${prefix}/chat/completions` && path !== `${prefix}/completions`)
    ) {
      openaiError(res, 404, `Invalid URL (${req.method} ${path})`, 'invalid_request_error', null);
      return;
    }
    if (!String(req.headers['content-type']).startsWith('application/json')) {
      openaiError(res, 400, 'Unsupported content type', 'invalid_request_error', null);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(seen.body);
    } catch {
      openaiError(
        res,
        400,
        'We could not parse the JSON body of your request.',
        'invalid_request_error',
        null,
      );
      return;
    }
    chats.push({ body, seen });
    const problem = path.endsWith('/chat/completions') ? validateMessages(body.messages) : undefined;
    if (problem) {
      openaiError(res, 400, problem, 'invalid_request_error', null);
      return;
    }
    const model = String(body.model ?? '');
    if (!models.includes(model)) {
      openaiError(
        res,
        404,
        `The model \`${model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found',
      );
      return;
    }
    const behaviour = queue.shift();
    if (behaviour?.kind === 'error') {
      sendJson(
        res,
        behaviour.status,
        behaviour.body ?? {
          error: { message: `mock error ${behaviour.status}`, type: 'server_error', code: null },
        },
        behaviour.headers,
      );
      return;
    }
    if (behaviour?.kind === 'raw') {
      res.writeHead(200, { 'content-type': behaviour.contentType });
      res.end(behaviour.body);
      return;
    }
    if (behaviour?.kind === 'reset-before-headers') {
      req.socket.destroy();
      return;
    }
    if (behaviour?.kind === 'hang') return;
    if (behaviour?.kind === 'slow') await new Promise((r) => setTimeout(r, behaviour.delayMs));

    const capture = captureFor(model, body);
    if (path.endsWith('/completions') && !path.endsWith('/chat/completions')) {
      const text = fixtureJson<{ choices: Array<{ message: { content: string } }> }>(capture.json).choices[0]!
        .message.content;
      sendJson(res, 200, {
        id: 'cmpl-1',
        object: 'text_completion',
        model,
        choices: [{ index: 0, text, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
      });
      return;
    }
    // n: that many choices, each told apart by a mark on its first text; usage counts them all.
    const n = typeof body.n === 'number' ? body.n : 1;
    if (body.stream !== true) {
      sendJson(res, 200, withChoices(fixtureJson(capture.json), n));
      return;
    }
    const includeUsage =
      (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const marker = new FirstTextMarker();
    const lines = fixtureChunks(capture.chunks)
      .filter((l) => {
        const j = JSON.parse(l) as { choices: unknown[]; usage: unknown };
        return includeUsage || !(j.choices.length === 0 && j.usage);
      })
      .flatMap((l) => chunkChoices(JSON.parse(l) as Json, n, marker).map((c) => JSON.stringify(c)));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let sent = 0;
    for (const line of lines) {
      if (behaviour?.kind === 'reset-mid-stream' && sent === behaviour.afterEvents) {
        req.socket.destroy();
        return;
      }
      await writeAwkwardly(res, sseFrame(line), sent + 3);
      sent++;
      if (res.destroyed) return;
    }
    await writeAwkwardly(res, 'data: [DONE]\n\n');
    res.end();
  });
  return Object.assign(server, {
    next: (...b: OpenAIMockBehaviour[]) => void queue.push(...b),
    chats: () => chats,
  });
}
