/**
 * Nothing dropped in silence. A client parameter the target cannot take is either mapped by the
 * encoder, or left out AND named: each wire codec says what of a request it cannot send
 * (`unsupportedParams`), the client's raw body says what has no place in the canonical model at
 * all, and this module names both in the client's own words (`presence_penalty` for an OpenAI
 * client, `presencePenalty` for a Gemini one). The pipeline puts the names in a response header
 * and the request record, or refuses the request when the account says so.
 */
import { ProxyError } from '../canonical/errors.js';
import type { CanonicalRequest, Dialect } from '../canonical/types.js';
import { proxyMsg } from '../messages.js';
import type { EncodeRequestOptions, SendParam, WireCodec } from './types.js';

/** The response header that names what was not sent. */
export const DROPPED_PARAMS_HEADER = 'x-keybridge-dropped-params';

/** True when a Gemini client asked for content filtering (a threshold other than off), which only Gemini has. */
export function filtersSafety(req: CanonicalRequest): boolean {
  return (req.safetySettings ?? []).some((s) => s.threshold !== 'OFF' && s.threshold !== 'BLOCK_NONE');
}

/** OpenAI Chat Completions (OpenAI-compatible servers, Azure): no top_k, no safety settings. */
export function openaiUnsupportedParams(req: CanonicalRequest): SendParam[] {
  const out: SendParam[] = [];
  if (req.topK !== undefined) out.push('topK');
  if (filtersSafety(req)) out.push('safetySettings');
  return out;
}

/** Gemini generateContent (Google AI Studio, Vertex): no end-user id, no serial-only tool calls, five stops at most. */
export function geminiUnsupportedParams(req: CanonicalRequest): SendParam[] {
  const out: SendParam[] = [];
  if (req.user) out.push('user');
  if (req.parallelToolCalls === false && (req.tools?.length ?? 0) > 0) out.push('parallelToolCalls');
  if ((req.stopSequences?.length ?? 0) > 5) out.push('stopSequences');
  return out;
}

/** `presencePenalty` → `presence_penalty`. */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Each dialect's name for a parameter: its naming rule (OpenAI and Anthropic write the canonical
 * name in snake_case, Gemini as it is) and the names that do not follow the rule.
 */
interface ParamNaming {
  rule(p: SendParam): string;
  except: Partial<Record<SendParam, string>>;
}

const NAMES: Record<Dialect, ParamNaming> = {
  openai: { rule: snakeCase, except: { stopSequences: 'stop', reasoning: 'reasoning_effort' } },
  anthropic: {
    rule: snakeCase,
    except: {
      user: 'metadata.user_id',
      parallelToolCalls: 'disable_parallel_tool_use',
      responseFormat: 'output_config.format',
      reasoning: 'thinking',
    },
  },
  gemini: {
    rule: (p) => p,
    except: { toolChoice: 'toolConfig', responseFormat: 'responseSchema', reasoning: 'thinkingConfig' },
  },
};

/** A parameter as the client called it. */
export function clientParamName(dialect: Dialect, param: SendParam, req: CanonicalRequest): string {
  if (param === 'responseFormat' && dialect === 'gemini' && req.responseFormat?.type !== 'json_schema') {
    return 'responseMimeType';
  }
  if (param === 'reasoning' && dialect === 'openai' && req.reasoning?.budgetTokens !== undefined) {
    return 'reasoning';
  }
  const names = NAMES[dialect];
  return names.except[param] ?? names.rule(param);
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false;
}

/** Gemini built-in tools: only a Gemini target has them. */
const GEMINI_BUILTIN_TOOLS = [
  'googleSearch',
  'googleSearchRetrieval',
  'codeExecution',
  'urlContext',
  'fileSearch',
  'googleMaps',
  'computerUse',
];

/**
 * Parameters of the client's body that the canonical request has no place for: they reach only an
 * upstream of the client's own dialect (passthrough), and are named everywhere else.
 */
export function unmappedParams(dialect: Dialect, body: Json): string[] {
  const out: string[] = [];
  if (dialect === 'openai') {
    for (const k of ['logit_bias', 'top_logprobs', 'prediction', 'web_search_options', 'audio']) {
      if (present(body[k])) out.push(k);
    }
    if (body.logprobs === true) out.push('logprobs');
    const modalities = body.modalities;
    if (Array.isArray(modalities) && modalities.includes('audio')) out.push('modalities');
  } else if (dialect === 'anthropic') {
    for (const k of ['mcp_servers', 'container', 'context_management']) if (present(body[k])) out.push(k);
  } else {
    if (present(body.cachedContent ?? body.cached_content)) out.push('cachedContent');
    const tools = Array.isArray(body.tools) ? body.tools : [];
    for (const name of GEMINI_BUILTIN_TOOLS) {
      const snake = snakeCase(name);
      if (tools.some((t) => present(obj(t)?.[name] ?? obj(t)?.[snake]))) out.push(`tools.${name}`);
    }
    const gc = obj(body.generationConfig ?? body.generation_config) ?? {};
    if (present(gc.responseLogprobs ?? gc.response_logprobs)) out.push('responseLogprobs');
    if (present(gc.speechConfig ?? gc.speech_config)) out.push('speechConfig');
  }
  return out;
}

/** Everything of the client's request that will not reach the upstream, in the client's names. */
export function droppedParams(input: {
  dialect: Dialect;
  body: Json;
  req: CanonicalRequest;
  wire: WireCodec;
  opts: EncodeRequestOptions;
}): string[] {
  const names = new Set(unmappedParams(input.dialect, input.body));
  for (const p of input.wire.unsupportedParams?.(input.req, input.opts) ?? []) {
    names.add(clientParamName(input.dialect, p, input.req));
  }
  return [...names];
}

/** The 400 for an account set to refuse what it cannot send, naming the parameters and the target. */
export function unsupportedParamsError(
  params: string[],
  target: { account: string; provider: string; model: string },
) {
  const list = params.join(', ');
  return new ProxyError(
    'invalid_request',
    `${target.model} (${target.provider} account "${target.account}") does not take ${list}; the request was not sent`,
    {
      code: 'unsupported_parameter',
      routeRefusal: true,
      account: target.account,
      upstreamModel: target.model,
      hint: `Remove ${list} from the request, or set this account's unsupported parameters to "drop" to have them left out.`,
      messageRef: proxyMsg('paramsRefused', { ...target, params: list }),
      hintRef: proxyMsg('paramsRefusedHint', { params: list }),
    },
  );
}
