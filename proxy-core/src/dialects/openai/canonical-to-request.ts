import type {
  CanonicalRequest,
  ContentPart,
  DocumentPart,
  ImagePart,
  Message,
  ReasoningSettings,
  TextPart,
  ToolChoice,
} from '../../canonical/types.js';
import type { EncodeRequestOptions } from '../types.js';
import { urlFromImageSource } from './data-url.js';
import { partsToAssistantMessage } from './parts-to-assistant-message.js';

type Json = Record<string, unknown>;

/** OpenAI's reasoning models reject `max_tokens`; everyone else knows it best. */
function usesMaxCompletionTokens(model: string): boolean {
  return /^(o\d|gpt-5)/i.test(model.replace(/^openai\//, ''));
}

function contentPart(part: ContentPart): Json {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'image')
    return { type: 'image_url', image_url: { url: urlFromImageSource(part.source) } };
  return {
    type: 'file',
    file: {
      file_data: urlFromImageSource(part.source),
      ...(part.title ? { filename: part.title } : {}),
    },
  };
}

/** A single text part travels as a plain string (what every server accepts). */
function contentValue(parts: ContentPart[]): string | Json[] {
  const only = parts[0];
  if (parts.length === 1 && only?.type === 'text') return only.text;
  return parts.map(contentPart);
}

function userMessages(msg: Message): Json[] {
  const out: Json[] = [];
  const rest: ContentPart[] = [];
  const toolImages: Array<ImagePart | DocumentPart> = [];
  for (const part of msg.content) {
    if (part.type === 'tool_result') {
      const text = part.content
        .filter((p): p is TextPart => p.type === 'text')
        .map((p) => p.text)
        .join('\n');
      for (const p of part.content) if (p.type !== 'text') toolImages.push(p);
      out.push({ role: 'tool', tool_call_id: part.toolCallId, content: text });
    } else if (part.type === 'text' || part.type === 'image' || part.type === 'document') {
      rest.push(part);
    }
  }
  // Tool messages only carry text: images a tool returned follow in a user turn.
  const userContent = [...toolImages, ...rest];
  if (userContent.length > 0) {
    out.push({ role: 'user', content: contentValue(userContent), ...(msg.name ? { name: msg.name } : {}) });
  }
  return out;
}

/**
 * Index of the first message of the current turn: everything after the last user message that
 * says something (not just tool results). Reasoning is sent back only within this turn, where
 * tool use with thinking (DeepSeek) needs it; older reasoning would only cost prompt tokens.
 */
function currentTurnStart(messages: Message[]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === 'user' && m.content.some((p) => p.type !== 'tool_result')) return i + 1;
  }
  return 0;
}

function assistantMessage(msg: Message, keepReasoning: boolean): Json {
  const out = partsToAssistantMessage(msg.content, { reasoning: keepReasoning });
  if (msg.name) out.name = msg.name;
  return out;
}

function toolChoice(choice: ToolChoice): unknown {
  if (choice.type === 'tool') return { type: 'function', function: { name: choice.name } };
  return choice.type;
}

const EFFORT_FOR_BUDGET: Array<[number, string]> = [
  [1024, 'minimal'],
  [4096, 'low'],
  [16384, 'medium'],
];

function reasoningEffort(r: ReasoningSettings): string | undefined {
  if (!r.enabled) return undefined;
  if (r.effort) return r.effort;
  if (r.budgetTokens !== undefined) {
    for (const [limit, effort] of EFFORT_FOR_BUDGET) if (r.budgetTokens <= limit) return effort;
    return 'high';
  }
  return undefined;
}

/** Canonical request → OpenAI Chat Completions body (OpenAI-compatible servers, Azure). */
export function canonicalToOpenaiRequest(req: CanonicalRequest, opts: EncodeRequestOptions): Json {
  const messages: Json[] = req.system.map((p) => ({ role: 'system', content: p.text }));
  const turnStart = currentTurnStart(req.messages);
  req.messages.forEach((msg, i) => {
    if (msg.role === 'user') messages.push(...userMessages(msg));
    else messages.push(assistantMessage(msg, i >= turnStart));
  });
  const body: Json = { model: opts.upstreamModel, messages };
  if (req.tools && req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        parameters: t.parameters,
        ...(t.strict !== undefined ? { strict: t.strict } : {}),
      },
    }));
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  }
  // Servers reject tool_choice without tools.
  if (req.toolChoice && body.tools) body.tool_choice = toolChoice(req.toolChoice);
  if (req.maxTokens !== undefined) {
    body[usesMaxCompletionTokens(opts.upstreamModel) ? 'max_completion_tokens' : 'max_tokens'] =
      req.maxTokens;
  }
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stopSequences && req.stopSequences.length > 0) body.stop = req.stopSequences;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.n !== undefined) body.n = req.n;
  const effort = req.reasoning ? reasoningEffort(req.reasoning) : undefined;
  if (effort) body.reasoning_effort = effort;
  if (req.responseFormat) {
    const f = req.responseFormat;
    body.response_format =
      f.type === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: {
              name: f.name ?? 'response',
              schema: f.schema,
              ...(f.strict !== undefined ? { strict: f.strict } : {}),
            },
          }
        : { type: f.type };
  }
  if (req.user) body.user = req.user;
  body.stream = req.stream;
  // The proxy always wants usage for the request log, whatever the client asked.
  if (req.stream) body.stream_options = { include_usage: true };
  return body;
}
