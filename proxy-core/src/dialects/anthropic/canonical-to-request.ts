import { toolArgumentsObject } from '../../canonical/json.js';
import { normalizeForStrictTargets } from '../../canonical/normalize.js';
import { answerSchema, withAnswerTool } from '../../canonical/structured-output.js';
import type {
  CacheControl,
  CanonicalRequest,
  ContentPart,
  ImageSource,
  Message,
  Part,
  ReasoningEffort,
} from '../../canonical/types.js';
import { filtersSafety } from '../dropped-params.js';
import type { EncodeRequestOptions, SendParam } from '../types.js';

type Json = Record<string, unknown>;

/** Claude's default when the client gave no max_tokens (the field is required). */
export const DEFAULT_MAX_TOKENS = 4096;

const BUDGET_FOR_EFFORT: Record<ReasoningEffort, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
};

function cache(c: CacheControl | undefined): Json {
  if (!c) return {};
  return { cache_control: c.ttl ? { type: 'ephemeral', ttl: c.ttl } : { type: 'ephemeral' } };
}

function source(s: ImageSource): Json {
  return s.kind === 'base64'
    ? { type: 'base64', media_type: s.mediaType, data: s.data }
    : { type: 'url', url: s.url };
}

function mediaBlock(part: ContentPart): Json {
  if (part.type === 'text') return { type: 'text', text: part.text, ...cache(part.cacheControl) };
  if (part.type === 'image')
    return { type: 'image', source: source(part.source), ...cache(part.cacheControl) };
  return {
    type: 'document',
    source: source(part.source),
    ...(part.title ? { title: part.title } : {}),
    ...cache(part.cacheControl),
  };
}

function block(part: Part): Json {
  switch (part.type) {
    case 'text':
    case 'image':
    case 'document':
      return mediaBlock(part);
    case 'tool_call':
      return {
        type: 'tool_use',
        id: part.id,
        name: part.name,
        input: toolArgumentsObject(part.arguments),
        ...cache(part.cacheControl),
      };
    case 'tool_result':
      return {
        type: 'tool_result',
        tool_use_id: part.toolCallId,
        ...(part.content.length > 0 ? { content: part.content.map(mediaBlock) } : {}),
        ...(part.isError ? { is_error: true } : {}),
        ...cache(part.cacheControl),
      };
    case 'thinking':
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: part.data };
  }
}

function message(msg: Message): Json {
  return { role: msg.role, content: msg.content.map(block) };
}

/** Claude rejects thinking it did not sign (e.g. reasoning text echoed back by an OpenAI client). */
function withoutUnsignedThinking(req: CanonicalRequest): CanonicalRequest {
  return {
    ...req,
    messages: req.messages.map((m) => ({
      ...m,
      content: m.content.filter((p) => !(p.type === 'thinking' && !p.signature)),
    })),
  };
}

function thinking(req: CanonicalRequest, maxTokens: number): { thinking?: Json; maxTokens: number } {
  const r = req.reasoning;
  if (!r) return { maxTokens };
  if (!r.enabled) return { thinking: { type: 'disabled' }, maxTokens };
  const budget = r.budgetTokens ?? (r.effort ? BUDGET_FOR_EFFORT[r.effort] : undefined);
  if (budget === undefined) return { thinking: { type: 'adaptive' }, maxTokens };
  const budgetTokens = Math.max(1024, budget);
  // budget_tokens must stay below max_tokens: make room for the answer as well.
  const room = maxTokens > budgetTokens ? maxTokens : budgetTokens + maxTokens;
  return { thinking: { type: 'enabled', budget_tokens: budgetTokens }, maxTokens: room };
}

/**
 * Whether thinking can be sent with this request. With thinking on, Claude requires every assistant turn of the current exchange (a tool-use
 * loop, or a final prefill) to begin with its signed thinking. When that is missing (a client
 * that drops reasoning and no cached copy, or a prefill), the request can only succeed with
 * thinking left off for this call.
 */
function thinkingCompatible(req: CanonicalRequest): boolean {
  if (!req.reasoning?.enabled) return true;
  // Claude refuses thinking together with a forced tool call; the forced call is what the client needs.
  if (req.toolChoice?.type === 'required' || req.toolChoice?.type === 'tool') return false;
  let start = 0;
  req.messages.forEach((m, i) => {
    if (m.role === 'user' && m.content.some((p) => p.type !== 'tool_result')) start = i + 1;
  });
  return req.messages.slice(start).every((m) => {
    if (m.role !== 'assistant') return true;
    const first = m.content[0];
    return first?.type === 'thinking' || first?.type === 'redacted_thinking';
  });
}

/** Claude models with native structured output (`output_config.format`): 4.5 and later. */
export function hasNativeStructuredOutput(model: string): boolean {
  const m = /claude-(?:opus|sonnet|haiku)-(\d+)-(\d{1,2})(?!\d)/.exec(model);
  if (!m) return false;
  const major = Number(m[1]);
  return major > 4 || (major === 4 && Number(m[2]) >= 5);
}

/** Whether this request's JSON schema can go to Claude as `output_config.format`. */
export function usesNativeFormat(req: CanonicalRequest, opts: EncodeRequestOptions): boolean {
  return (
    req.responseFormat?.type === 'json_schema' &&
    opts.nativeStructuredOutput !== false &&
    hasNativeStructuredOutput(opts.upstreamModel)
  );
}

/** Native structured output wants every object closed: `additionalProperties: false` where unset. */
export function closedObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closedObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    out[k] =
      k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Json).map(([name, sub]) => [name, closedObjects(sub)]))
        : k === 'enum' || k === 'const' || k === 'default' || k === 'examples'
          ? v
          : closedObjects(v);
  }
  if (out.type === 'object' && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

interface Encoded {
  body: Json;
  dropped: SendParam[];
}

function encode(input: CanonicalRequest, opts: EncodeRequestOptions): Encoded {
  const dropped: SendParam[] = [];
  const native = usesNativeFormat(input, opts);
  // Without native structured output the schema rides on a forced tool; its input is the answer.
  const shaped = native || !answerSchema(input) ? input : withAnswerTool(input);
  const req = normalizeForStrictTargets(withoutUnsignedThinking(shaped));
  const body: Json = { model: opts.upstreamModel, messages: req.messages.map(message) };
  if (req.system.length > 0) {
    body.system = req.system.map((p) => ({ type: 'text', text: p.text, ...cache(p.cacheControl) }));
  }
  const compatible = thinkingCompatible(req);
  if (!compatible) dropped.push('reasoning');
  const t = compatible
    ? thinking(req, req.maxTokens ?? DEFAULT_MAX_TOKENS)
    : { maxTokens: req.maxTokens ?? DEFAULT_MAX_TOKENS };
  body.max_tokens = t.maxTokens;
  const thinkingOn = t.thinking !== undefined && t.thinking.type !== 'disabled';
  if (t.thinking) body.thinking = t.thinking;

  // With thinking on, Claude only accepts temperature 1, top_p >= 0.95 and no top_k.
  let temperature = req.temperature;
  let topP = req.topP;
  let topK = req.topK;
  if (thinkingOn) {
    if (temperature !== undefined && temperature !== 1) {
      temperature = undefined;
      dropped.push('temperature');
    }
    if (topP !== undefined && topP < 0.95) {
      topP = undefined;
      dropped.push('topP');
    }
    if (topK !== undefined) dropped.push('topK');
    topK = undefined;
  }
  // Claude's temperature range is 0–1; OpenAI clients may send up to 2.
  if (temperature !== undefined) body.temperature = Math.min(1, Math.max(0, temperature));
  if (topP !== undefined) body.top_p = topP;
  if (topK !== undefined && topK > 0) body.top_k = topK;
  // Claude rejects whitespace-only stop sequences (OpenAI clients often send "\n").
  const stops = (req.stopSequences ?? []).filter((s) => s.trim() !== '');
  if (stops.length > 0) body.stop_sequences = stops;
  if (stops.length < (req.stopSequences ?? []).length) dropped.push('stopSequences');

  if (req.tools && req.tools.length > 0) {
    // `strict` is left out: only the newest Claude models accept it and the others reject the field.
    body.tools = req.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      input_schema:
        tool.parameters.type === undefined ? { type: 'object', ...tool.parameters } : tool.parameters,
      ...cache(tool.cacheControl),
    }));
  }
  // Claude rejects tool_choice without tools.
  const choice = body.tools ? req.toolChoice : undefined;
  if (choice || (req.parallelToolCalls === false && body.tools)) {
    const type = choice?.type ?? 'auto';
    if (type === 'none') body.tool_choice = { type: 'none' };
    else {
      const tc: Json = type === 'required' ? { type: 'any' } : { type };
      if (choice?.type === 'tool') tc.name = choice.name;
      if (req.parallelToolCalls === false) tc.disable_parallel_tool_use = true;
      body.tool_choice = tc;
    }
  }
  const format = req.responseFormat;
  if (native && format?.type === 'json_schema') {
    body.output_config = { format: { type: 'json_schema', schema: closedObjects(format.schema) } };
  }
  if (req.seed !== undefined) dropped.push('seed');
  if (req.presencePenalty !== undefined) dropped.push('presencePenalty');
  if (req.frequencyPenalty !== undefined) dropped.push('frequencyPenalty');
  if (filtersSafety(req)) dropped.push('safetySettings');
  if (req.user) body.metadata = { user_id: req.user };
  body.stream = req.stream;
  return { body, dropped };
}

/**
 * Canonical request → Anthropic Messages body (Anthropic API, Vertex and Bedrock Claude).
 * Applies the strict-target normalisation and Claude's sampling rules.
 */
export function canonicalToAnthropicRequest(input: CanonicalRequest, opts: EncodeRequestOptions): Json {
  return encode(input, opts).body;
}

/** What Claude cannot take of this request (left out of the body above). */
export function anthropicUnsupportedParams(input: CanonicalRequest, opts: EncodeRequestOptions): SendParam[] {
  return encode(input, opts).dropped;
}
