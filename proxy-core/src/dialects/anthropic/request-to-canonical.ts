import { invalidRequest } from '../../canonical/errors.js';
import type {
  CacheControl,
  CanonicalRequest,
  ContentPart,
  ImageSource,
  Message,
  Part,
  ReasoningSettings,
  TextPart,
  ToolChoice,
} from '../../canonical/types.js';
import { proxyMsg } from '../../messages.js';
import type { InboundMeta } from '../types.js';
import { parseInbound } from '../validation-error.js';
import {
  type ContentBlock,
  type MessagesRequest,
  MessagesRequestSchema,
  type ToolResultContent,
} from './schema.js';

type RawCache = { type: 'ephemeral'; ttl?: '5m' | '1h' } | null | undefined;

function cache(raw: RawCache): { cacheControl?: CacheControl } {
  if (!raw) return {};
  return { cacheControl: raw.ttl ? { type: 'ephemeral', ttl: raw.ttl } : { type: 'ephemeral' } };
}

type RawSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string }
  | { type: 'text'; media_type?: string; data: string };

function source(raw: RawSource): ImageSource {
  if (raw.type === 'base64') return { kind: 'base64', mediaType: raw.media_type, data: raw.data };
  if (raw.type === 'url') return { kind: 'url', url: raw.url };
  return {
    kind: 'base64',
    mediaType: raw.media_type ?? 'text/plain',
    data: Buffer.from(raw.data, 'utf8').toString('base64'),
  };
}

function resultContentPart(block: ToolResultContent): ContentPart {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text, ...cache(block.cache_control) };
    case 'image':
      return { type: 'image', source: source(block.source), ...cache(block.cache_control) };
    case 'document':
      return {
        type: 'document',
        source: source(block.source),
        ...(block.title ? { title: block.title } : {}),
        ...cache(block.cache_control),
      };
  }
}

function toolArguments(input: unknown): string {
  if (input === undefined || input === null) return '{}';
  return JSON.stringify(input);
}

function blockToPart(block: ContentBlock): Part {
  switch (block.type) {
    case 'text':
    case 'image':
    case 'document':
      return resultContentPart(block);
    case 'tool_use':
      return {
        type: 'tool_call',
        id: block.id,
        name: block.name,
        arguments: toolArguments(block.input),
        ...cache(block.cache_control),
      };
    case 'tool_result':
      return {
        type: 'tool_result',
        toolCallId: block.tool_use_id,
        content:
          typeof block.content === 'string'
            ? [{ type: 'text', text: block.content }]
            : (block.content ?? []).map(resultContentPart),
        ...(block.is_error ? { isError: true } : {}),
        ...cache(block.cache_control),
      };
    case 'thinking':
      return {
        type: 'thinking',
        text: block.thinking,
        ...(block.signature ? { signature: block.signature } : {}),
      };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data };
  }
}

function messages(req: MessagesRequest): Message[] {
  return req.messages.map((m) => ({
    role: m.role,
    content: typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content.map(blockToPart),
  }));
}

function system(req: MessagesRequest): TextPart[] {
  if (!req.system) return [];
  if (typeof req.system === 'string') return req.system === '' ? [] : [{ type: 'text', text: req.system }];
  return req.system.map((b) => ({ type: 'text', text: b.text, ...cache(b.cache_control) }));
}

function reasoning(req: MessagesRequest): ReasoningSettings | undefined {
  const effort = req.output_config?.effort;
  const mappedEffort = effort ? (effort === 'max' ? 'high' : effort) : undefined;
  const t = req.thinking;
  if (!t) return mappedEffort ? { enabled: true, effort: mappedEffort } : undefined;
  if (t.type === 'disabled') return { enabled: false };
  const out: ReasoningSettings = { enabled: true };
  if (t.type === 'enabled') out.budgetTokens = t.budget_tokens;
  if (mappedEffort) out.effort = mappedEffort;
  return out;
}

function toolChoice(req: MessagesRequest): { choice?: ToolChoice; parallel?: boolean } {
  const c = req.tool_choice;
  if (!c) return {};
  const parallel = 'disable_parallel_tool_use' in c && c.disable_parallel_tool_use ? false : undefined;
  const choice: ToolChoice =
    c.type === 'any'
      ? { type: 'required' }
      : c.type === 'tool'
        ? { type: 'tool', name: c.name }
        : { type: c.type };
  return parallel === undefined ? { choice } : { choice, parallel };
}

/** Validates and converts an Anthropic Messages request body into the canonical request. */
export function anthropicRequestToCanonical(body: unknown, meta: InboundMeta = {}): CanonicalRequest {
  const req = parseInbound(MessagesRequestSchema, body, 'Anthropic messages');
  const out: CanonicalRequest = {
    model: req.model,
    system: system(req),
    messages: messages(req),
    stream: req.stream === true,
  };
  if (req.tools && req.tools.length > 0) {
    out.tools = req.tools.map((t, i) => {
      if (!t.input_schema) {
        throw invalidRequest(
          `tools[${i}]: the server tool "${t.type ?? t.name}" is not supported through this proxy`,
          'Turn off built-in tools such as web search in your app, or connect to Anthropic directly.',
          {
            message: proxyMsg('serverToolUnsupported', { index: i, tool: String(t.type ?? t.name) }),
            hint: proxyMsg('serverToolUnsupportedHint'),
          },
        );
      }
      return {
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        parameters: t.input_schema,
        ...(typeof t.strict === 'boolean' ? { strict: t.strict } : {}),
        ...cache(t.cache_control),
      };
    });
  }
  const { choice, parallel } = toolChoice(req);
  if (choice) out.toolChoice = choice;
  if (parallel !== undefined) out.parallelToolCalls = parallel;
  if (typeof req.max_tokens === 'number') out.maxTokens = req.max_tokens;
  if (typeof req.temperature === 'number') out.temperature = req.temperature;
  if (typeof req.top_p === 'number') out.topP = req.top_p;
  if (typeof req.top_k === 'number' && req.top_k > 0) out.topK = req.top_k;
  if (req.stop_sequences && req.stop_sequences.length > 0) out.stopSequences = req.stop_sequences;
  const r = reasoning(req);
  if (r) out.reasoning = r;
  const format = req.output_config?.format ?? req.output_format;
  if (format) out.responseFormat = { type: 'json_schema', schema: format.schema };
  if (req.metadata?.user_id) out.user = req.metadata.user_id;
  if (meta.anthropicBeta && meta.anthropicBeta.length > 0) out.anthropicBeta = meta.anthropicBeta;
  return out;
}
