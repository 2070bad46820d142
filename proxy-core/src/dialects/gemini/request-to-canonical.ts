import { invalidRequest } from '../../canonical/errors.js';
import type {
  CanonicalRequest,
  ContentPart,
  Message,
  Part,
  ResponseFormat,
  TextPart,
  ToolChoice,
  ToolDefinition,
  ToolResultPart,
} from '../../canonical/types.js';
import { proxyMsg } from '../../messages.js';
import type { InboundMeta } from '../types.js';
import { openApiSchemaToJsonSchema } from './json-schema.js';
import { mediaPartFromGemini } from './media.js';
import { appendDecodedParts, geminiPartToCanonical } from './parts-to-canonical.js';
import { type GeminiContentInput, type GeminiRequestInput, parseGeminiRequest } from './schema.js';
import { reasoningFromThinkingConfig } from './thinking-config.js';
import type { GeminiFunctionResponse } from './types.js';

/** `models/gemini-2.5-pro` or `publishers/google/models/gemini-2.5-pro` → `gemini-2.5-pro`. */
export function stripModelPrefix(model: string): string {
  const i = model.lastIndexOf('models/');
  return i === -1 ? model : model.slice(i + 'models/'.length);
}

interface OpenCall {
  id: string;
  name: string;
  answered: boolean;
}

/** Decodes a Gemini generateContent body (either key casing) into the canonical request. */
export function geminiRequestToCanonical(body: unknown, meta: InboundMeta): CanonicalRequest {
  const req = parseGeminiRequest(body);
  const rawModel = meta.pathModel ?? req.model;
  if (!rawModel) {
    throw invalidRequest(
      'The request does not say which model to use.',
      'Call /v1beta/models/{model}:generateContent with a model id in the path.',
      { message: proxyMsg('geminiNoModel'), hint: proxyMsg('geminiNoModelHint') },
    );
  }
  const out: CanonicalRequest = {
    model: stripModelPrefix(rawModel),
    system: systemParts(req.systemInstruction),
    messages: messagesFrom(req.contents),
    stream: meta.pathStream ?? false,
  };
  const tools = toolsFrom(req.tools);
  if (tools.length > 0) out.tools = tools;
  const choice = toolChoiceFrom(req.toolConfig);
  if (choice) out.toolChoice = choice;
  applyGenerationConfig(out, req.generationConfig);
  if (req.safetySettings && req.safetySettings.length > 0) {
    out.safetySettings = req.safetySettings.map((s) => ({ category: s.category, threshold: s.threshold }));
  }
  return out;
}

function systemParts(si: GeminiRequestInput['systemInstruction']): TextPart[] {
  if (si === undefined) return [];
  if (typeof si === 'string') return si === '' ? [] : [{ type: 'text', text: si }];
  const out: TextPart[] = [];
  si.parts.forEach((p, i) => {
    if (p.text === undefined) {
      throw invalidRequest(
        `Invalid Gemini request: systemInstruction.parts[${i}] must be text`,
        'Put images and files in contents, not in the system instruction.',
        { message: proxyMsg('geminiSystemNotText', { index: i }), hint: proxyMsg('geminiSystemNotTextHint') },
      );
    }
    if (p.text !== '') out.push({ type: 'text', text: p.text });
  });
  return out;
}

function roleOf(content: GeminiContentInput, i: number): Message['role'] {
  const role = content.role ?? 'user';
  if (role === 'model') return 'assistant';
  if (role === 'user' || role === 'function' || role === 'tool') return 'user';
  throw invalidRequest(
    `Invalid Gemini request: contents[${i}].role must be "user" or "model" (got "${role}")`,
    'Gemini conversations alternate "user" and "model" turns.',
    {
      message: proxyMsg('geminiBadRole', { index: i, role: String(role) }),
      hint: proxyMsg('geminiBadRoleHint'),
    },
  );
}

function messagesFrom(contents: GeminiContentInput[]): Message[] {
  const calls: OpenCall[] = [];
  const messages: Message[] = [];
  contents.forEach((content, i) => {
    const role = roleOf(content, i);
    const parts: Part[] = [];
    content.parts.forEach((part, j) => {
      if (part.functionResponse) {
        parts.push(toolResult(part.functionResponse, calls, `call_${i}_${j}`));
        return;
      }
      const decoded = geminiPartToCanonical(part, () => `call_${i}_${j}`);
      for (const p of decoded) {
        if (p.type === 'tool_call') calls.push({ id: p.id, name: p.name, answered: false });
      }
      appendDecodedParts(parts, decoded);
    });
    if (parts.length > 0) messages.push({ role, content: parts });
  });
  return messages;
}

/** Matches a functionResponse to its call: by id when Gemini gave one, else the oldest unanswered call of that name. */
function matchCall(fr: GeminiFunctionResponse, calls: OpenCall[]): OpenCall | undefined {
  const byId = fr.id ? calls.find((c) => c.id === fr.id) : undefined;
  return byId ?? calls.find((c) => !c.answered && c.name === fr.name);
}

function toolResult(fr: GeminiFunctionResponse, calls: OpenCall[], fallbackId: string): ToolResultPart {
  const call = matchCall(fr, calls);
  if (call) call.answered = true;
  const response = fr.response ?? {};
  const keys = Object.keys(response);
  let text: string;
  let isError = false;
  if (keys.length === 1 && typeof response.result === 'string') text = response.result;
  else if (keys.length === 1 && typeof response.error === 'string') {
    text = response.error;
    isError = true;
  } else text = JSON.stringify(response);
  const content: ContentPart[] = [{ type: 'text', text }];
  for (const p of fr.parts ?? []) {
    if (p.inlineData) {
      const { mimeType, data } = p.inlineData;
      content.push(mediaPartFromGemini(mimeType, { kind: 'base64', mediaType: mimeType, data }));
    } else if (p.fileData) {
      content.push(mediaPartFromGemini(p.fileData.mimeType, { kind: 'url', url: p.fileData.fileUri }));
    }
  }
  const out: ToolResultPart = {
    type: 'tool_result',
    toolCallId: call?.id ?? fr.id ?? fallbackId,
    name: fr.name,
    content,
  };
  if (isError) out.isError = true;
  return out;
}

function toolsFrom(tools: GeminiRequestInput['tools']): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  // Built-in tools (googleSearch, codeExecution, urlContext) have no canonical form: they only
  // survive Gemini → Gemini passthrough.
  for (const tool of tools ?? []) {
    for (const fd of tool.functionDeclarations ?? []) {
      const parameters = fd.parametersJsonSchema ??
        (fd.parameters
          ? (openApiSchemaToJsonSchema(fd.parameters) as Record<string, unknown>)
          : undefined) ?? { type: 'object', properties: {} };
      const def: ToolDefinition = { name: fd.name, parameters };
      if (fd.description !== undefined) def.description = fd.description;
      out.push(def);
    }
  }
  return out;
}

function toolChoiceFrom(tc: GeminiRequestInput['toolConfig']): ToolChoice | undefined {
  const fcc = tc?.functionCallingConfig;
  if (!fcc?.mode) return undefined;
  const mode = fcc.mode.toUpperCase();
  if (mode === 'NONE') return { type: 'none' };
  if (mode === 'ANY') {
    const names = fcc.allowedFunctionNames ?? [];
    if (names.length === 1 && names[0]) return { type: 'tool', name: names[0] };
    return { type: 'required' };
  }
  return { type: 'auto' };
}

function applyGenerationConfig(out: CanonicalRequest, gc: GeminiRequestInput['generationConfig']): void {
  if (!gc) return;
  if (gc.temperature !== undefined) out.temperature = gc.temperature;
  if (gc.topP !== undefined) out.topP = gc.topP;
  if (gc.topK !== undefined && gc.topK > 0) out.topK = gc.topK;
  if (gc.maxOutputTokens !== undefined && gc.maxOutputTokens > 0) out.maxTokens = gc.maxOutputTokens;
  if (gc.stopSequences && gc.stopSequences.length > 0) out.stopSequences = gc.stopSequences;
  if (gc.candidateCount !== undefined) out.n = gc.candidateCount;
  if (gc.seed !== undefined) out.seed = gc.seed;
  if (gc.presencePenalty !== undefined) out.presencePenalty = gc.presencePenalty;
  if (gc.frequencyPenalty !== undefined) out.frequencyPenalty = gc.frequencyPenalty;
  const format = responseFormatFrom(gc);
  if (format) out.responseFormat = format;
  const reasoning = reasoningFromThinkingConfig(gc.thinkingConfig);
  if (reasoning) out.reasoning = reasoning;
}

function responseFormatFrom(
  gc: NonNullable<GeminiRequestInput['generationConfig']>,
): ResponseFormat | undefined {
  const schema =
    gc.responseJsonSchema ??
    (gc.responseSchema
      ? (openApiSchemaToJsonSchema(gc.responseSchema) as Record<string, unknown>)
      : undefined);
  if (gc.responseMimeType === 'application/json') {
    return schema ? { type: 'json_schema', schema } : { type: 'json_object' };
  }
  if (gc.responseMimeType === 'text/plain') return { type: 'text' };
  return undefined;
}
