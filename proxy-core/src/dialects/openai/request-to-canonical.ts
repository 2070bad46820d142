import { invalidRequest } from '../../canonical/errors.js';
import type {
  CanonicalRequest,
  Message,
  Part,
  ReasoningEffort,
  ReasoningSettings,
  ResponseFormat,
  TextPart,
  ToolChoice,
  ToolDefinition,
} from '../../canonical/types.js';
import { proxyMsg } from '../../messages.js';
import { parseInbound } from '../validation-error.js';
import { imageSourceFromUrl } from './data-url.js';
import { type ChatMessage, type ChatRequest, ChatRequestSchema, type UserContentPart } from './schema.js';

type Effort = NonNullable<ChatRequest['reasoning_effort']>;

function textParts(content: string | Array<{ type: 'text'; text: string }>): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((p) => ({ type: 'text', text: p.text }));
}

function userPart(part: UserContentPart, where: string): Part {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image_url': {
      const url = typeof part.image_url === 'string' ? part.image_url : part.image_url.url;
      return { type: 'image', source: imageSourceFromUrl(url) };
    }
    case 'file': {
      const data = part.file.file_data;
      if (!data) {
        throw invalidRequest(
          `${where}: uploaded file ids are not supported`,
          'Attach the file content itself (file_data) instead of a file id.',
          { message: proxyMsg('fileIdUnsupported', { where }), hint: proxyMsg('fileIdUnsupportedHint') },
        );
      }
      const source = data.startsWith('data:')
        ? imageSourceFromUrl(data)
        : { kind: 'base64' as const, mediaType: 'application/pdf', data };
      return {
        type: 'document',
        source,
        ...(part.file.filename ? { title: part.file.filename } : {}),
      };
    }
    case 'input_audio':
      throw invalidRequest(
        `${where}: audio input is not supported`,
        'Remove the audio attachment or send it as text.',
        { message: proxyMsg('audioUnsupported', { where }), hint: proxyMsg('audioUnsupportedHint') },
      );
  }
}

function assistantParts(msg: Extract<ChatMessage, { role: 'assistant' }>, legacyId: () => string): Part[] {
  const parts: Part[] = [];
  const reasoning = msg.reasoning_content ?? msg.reasoning;
  if (reasoning) parts.push({ type: 'thinking', text: reasoning });
  if (typeof msg.content === 'string') {
    parts.push({ type: 'text', text: msg.content });
  } else if (msg.content) {
    for (const p of msg.content) parts.push({ type: 'text', text: p.type === 'text' ? p.text : p.refusal });
  }
  if (msg.refusal && !msg.content) parts.push({ type: 'text', text: msg.refusal });
  for (const call of msg.tool_calls ?? []) {
    parts.push({
      type: 'tool_call',
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments || '{}',
    });
  }
  if (msg.function_call) {
    parts.push({
      type: 'tool_call',
      id: legacyId(),
      name: msg.function_call.name,
      arguments: msg.function_call.arguments || '{}',
    });
  }
  return parts;
}

function toolResultText(
  content: string | Array<{ type: 'text'; text: string }> | null | undefined,
): TextPart[] {
  if (content === null || content === undefined) return [];
  return textParts(content);
}

/** Adds a part to the conversation, joining tool results that follow each other in one user turn. */
function pushToolResult(messages: Message[], part: Part): void {
  const last = messages[messages.length - 1];
  if (last && last.role === 'user' && !last.content.some((p) => p.type !== 'tool_result')) {
    last.content.push(part);
    return;
  }
  messages.push({ role: 'user', content: [part] });
}

function mapEffort(effort: Effort): ReasoningSettings {
  if (effort === 'none') return { enabled: false };
  const canonical: ReasoningEffort = effort === 'xhigh' ? 'high' : effort;
  return { enabled: true, effort: canonical };
}

function reasoningSettings(req: ChatRequest): ReasoningSettings | undefined {
  if (req.reasoning_effort) return mapEffort(req.reasoning_effort);
  const r = req.reasoning;
  if (!r) return undefined;
  if (r.enabled === false) return { enabled: false };
  const base: ReasoningSettings = r.effort ? mapEffort(r.effort) : { enabled: true };
  if (r.max_tokens) base.budgetTokens = r.max_tokens;
  if (r.exclude) base.includeThoughts = false;
  return base;
}

function toolChoice(req: ChatRequest): ToolChoice | undefined {
  const c = req.tool_choice;
  if (c) {
    if (typeof c === 'string') return { type: c };
    return { type: 'tool', name: c.function.name };
  }
  const f = req.function_call;
  if (f) return typeof f === 'string' ? { type: f } : { type: 'tool', name: f.name };
  return undefined;
}

function tools(req: ChatRequest): ToolDefinition[] | undefined {
  const defs = [...(req.tools ?? []).map((t) => t.function), ...(req.functions ?? [])];
  if (defs.length === 0) return undefined;
  return defs.map((f) => ({
    name: f.name,
    ...(f.description ? { description: f.description } : {}),
    parameters: f.parameters ?? { type: 'object', properties: {} },
    ...(typeof f.strict === 'boolean' ? { strict: f.strict } : {}),
  }));
}

function responseFormat(req: ChatRequest): ResponseFormat | undefined {
  const f = req.response_format;
  if (!f) return undefined;
  if (f.type !== 'json_schema') return { type: f.type };
  return {
    type: 'json_schema',
    ...(f.json_schema.name ? { name: f.json_schema.name } : {}),
    schema: f.json_schema.schema ?? {},
    ...(typeof f.json_schema.strict === 'boolean' ? { strict: f.json_schema.strict } : {}),
  };
}

function convertMessages(req: ChatRequest): { system: TextPart[]; messages: Message[] } {
  const system: TextPart[] = [];
  const messages: Message[] = [];
  let legacyCount = 0;
  const pendingLegacy: string[] = [];
  const legacyId = () => {
    const id = `call_legacy_${legacyCount++}`;
    pendingLegacy.push(id);
    return id;
  };

  req.messages.forEach((msg, i) => {
    const where = `messages[${i}]`;
    switch (msg.role) {
      case 'system':
      case 'developer': {
        // Instructions before the conversation are the system prompt; ones injected later
        // (SillyTavern "depth" prompts) stay in place as user text so their position survives.
        if (messages.length === 0) system.push(...textParts(msg.content));
        else messages.push({ role: 'user', content: textParts(msg.content) });
        return;
      }
      case 'user': {
        const content =
          typeof msg.content === 'string'
            ? textParts(msg.content)
            : msg.content.map((p, j) => userPart(p, `${where}.content[${j}]`));
        messages.push({ role: 'user', content, ...(msg.name ? { name: msg.name } : {}) });
        return;
      }
      case 'assistant': {
        messages.push({
          role: 'assistant',
          content: assistantParts(msg, legacyId),
          ...(msg.name ? { name: msg.name } : {}),
        });
        return;
      }
      case 'tool': {
        pushToolResult(messages, {
          type: 'tool_result',
          toolCallId: msg.tool_call_id,
          content: toolResultText(msg.content),
        });
        return;
      }
      case 'function': {
        const id = pendingLegacy.shift() ?? `call_legacy_${legacyCount++}`;
        pushToolResult(messages, {
          type: 'tool_result',
          toolCallId: id,
          name: msg.name,
          content: toolResultText(msg.content),
        });
        return;
      }
    }
  });
  return { system, messages };
}

function stopSequences(stop: ChatRequest['stop']): string[] | undefined {
  if (stop === null || stop === undefined) return undefined;
  const list = typeof stop === 'string' ? [stop] : stop;
  return list.length > 0 ? list : undefined;
}

/** Validates and converts an OpenAI Chat Completions request body into the canonical request. */
export function openaiRequestToCanonical(body: unknown): CanonicalRequest {
  const req = parseInbound(ChatRequestSchema, body, 'OpenAI chat');
  const { system, messages } = convertMessages(req);
  const out: CanonicalRequest = { model: req.model, system, messages, stream: req.stream === true };
  const t = tools(req);
  if (t) out.tools = t;
  const choice = toolChoice(req);
  if (choice) out.toolChoice = choice;
  if (typeof req.parallel_tool_calls === 'boolean') out.parallelToolCalls = req.parallel_tool_calls;
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (typeof maxTokens === 'number') out.maxTokens = maxTokens;
  if (typeof req.temperature === 'number') out.temperature = req.temperature;
  if (typeof req.top_p === 'number') out.topP = req.top_p;
  if (typeof req.top_k === 'number' && req.top_k > 0) out.topK = req.top_k;
  const stop = stopSequences(req.stop);
  if (stop) out.stopSequences = stop;
  if (typeof req.presence_penalty === 'number') out.presencePenalty = req.presence_penalty;
  if (typeof req.frequency_penalty === 'number') out.frequencyPenalty = req.frequency_penalty;
  if (typeof req.seed === 'number') out.seed = req.seed;
  if (typeof req.n === 'number') out.n = req.n;
  const reasoning = reasoningSettings(req);
  if (reasoning) out.reasoning = reasoning;
  const format = responseFormat(req);
  if (format) out.responseFormat = format;
  if (out.stream && typeof req.stream_options?.include_usage === 'boolean') {
    out.includeUsage = req.stream_options.include_usage;
  }
  if (req.user) out.user = req.user;
  return out;
}
