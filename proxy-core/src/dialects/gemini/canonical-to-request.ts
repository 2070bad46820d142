import { invalidRequest } from '../../canonical/errors.js';
import type {
  CanonicalRequest,
  Message,
  SafetySetting,
  ToolChoice,
  ToolDefinition,
  ToolResultPart,
} from '../../canonical/types.js';
import { proxyMsg } from '../../messages.js';
import type { EncodeRequestOptions } from '../types.js';
import { canonicalPartsToGemini } from './canonical-parts-to-gemini.js';
import { jsonSchemaForGemini } from './json-schema.js';
import { mediaPartToGemini } from './media.js';
import { thinkingConfigFor, thinkingFamily } from './thinking-config.js';
import type { GeminiContent, GeminiPart } from './types.js';

/**
 * Safety settings sent when the client gave none. SillyTavern's own Google AI Studio source
 * sends exactly these (every adjustable category OFF), so users who come from it through another
 * dialect get the same behaviour rather than Google's stricter defaults.
 */
export const DEFAULT_SAFETY_SETTINGS: ReadonlyArray<SafetySetting> = [
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
  'HARM_CATEGORY_CIVIC_INTEGRITY',
].map((category) => ({ category, threshold: 'OFF' }));

/**
 * Google's documented placeholder for a functionCall replayed without its thoughtSignature
 * (history from another model or a client that dropped it); Gemini 3 refuses such a call otherwise.
 */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

/** Encodes a canonical request as a Gemini generateContent body (the model goes in the URL). */
export function canonicalToGeminiRequest(
  req: CanonicalRequest,
  opts: EncodeRequestOptions,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  let contents = encodeMessages(req.messages, opts.upstreamModel);
  const systemText = req.system.filter((p) => p.text.trim() !== '');
  if (contents.length === 0) {
    if (systemText.length === 0) {
      throw invalidRequest('The conversation has no messages to send.', 'Write a message before sending.', {
        message: proxyMsg('noMessages'),
        hint: proxyMsg('noMessagesHint'),
      });
    }
    // Gemini needs at least one turn: a system-only prompt becomes the user turn.
    contents = [{ role: 'user', parts: systemText.map((p) => ({ text: p.text })) }];
  } else if (systemText.length > 0) {
    body.systemInstruction = { parts: systemText.map((p) => ({ text: p.text })) };
  }
  body.contents = contents;

  const tools = encodeTools(req.tools);
  if (tools) body.tools = tools;
  const toolConfig = encodeToolChoice(req.toolChoice, req.tools);
  if (toolConfig) body.toolConfig = toolConfig;

  const gc: Record<string, unknown> = {};
  if (req.temperature !== undefined) gc.temperature = req.temperature;
  if (req.topP !== undefined) gc.topP = req.topP;
  if (req.topK !== undefined && req.topK > 0) gc.topK = req.topK;
  if (req.maxTokens !== undefined) gc.maxOutputTokens = req.maxTokens;
  if (req.stopSequences && req.stopSequences.length > 0) gc.stopSequences = req.stopSequences.slice(0, 5);
  if (req.n !== undefined) gc.candidateCount = req.n;
  if (req.seed !== undefined) gc.seed = req.seed;
  if (req.presencePenalty !== undefined) gc.presencePenalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) gc.frequencyPenalty = req.frequencyPenalty;
  const format = req.responseFormat;
  if (format?.type === 'json_object') gc.responseMimeType = 'application/json';
  else if (format?.type === 'json_schema') {
    gc.responseMimeType = 'application/json';
    gc.responseJsonSchema = jsonSchemaForGemini(format.schema);
  }
  const thinking = thinkingConfigFor(req.reasoning, opts.upstreamModel);
  if (thinking) gc.thinkingConfig = thinking;
  if (Object.keys(gc).length > 0) body.generationConfig = gc;

  body.safetySettings = (req.safetySettings ?? DEFAULT_SAFETY_SETTINGS).map((s) => ({ ...s }));
  return body;
}

function encodeMessages(messages: Message[], upstreamModel: string): GeminiContent[] {
  const callNames = new Map<string, string>();
  for (const m of messages) {
    for (const p of m.content) if (p.type === 'tool_call') callNames.set(p.id, p.name);
  }
  const encodeToolResult = (part: ToolResultPart): GeminiPart[] => toolResultToGemini(part, callNames);

  const contents: GeminiContent[] = [];
  for (const m of messages) {
    const parts = canonicalPartsToGemini(withSpeakerName(m), encodeToolResult).filter(
      (p) => p.text === undefined || p.text.trim() !== '' || p.thoughtSignature !== undefined,
    );
    if (parts.length === 0) continue;
    const role = m.role === 'assistant' ? 'model' : 'user';
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts?.push(...parts);
    else contents.push({ role, parts });
  }

  const lastTurn = contents[contents.length - 1];
  if (lastTurn?.role === 'model') trimPrefill(lastTurn);
  if (thinkingFamily(upstreamModel) === 'level') {
    for (const c of contents) if (c.role === 'model') ensureCallSignature(c);
  }
  return contents;
}

/** Gemini has no speaker names: like SillyTavern, prefix "Name: " to the text when it lacks it. */
function withSpeakerName(m: Message): Message['content'] {
  if (!m.name) return m.content;
  const i = m.content.findIndex((p) => p.type === 'text' && p.text.trim() !== '');
  const first = m.content[i];
  if (first?.type !== 'text' || first.text.startsWith(`${m.name}: `)) return m.content;
  const copy = [...m.content];
  copy[i] = { ...first, text: `${m.name}: ${first.text}` };
  return copy;
}

/** An assistant prefill (the last turn is the model's) keeps its text but not its trailing whitespace. */
function trimPrefill(turn: GeminiContent): void {
  const parts = turn.parts ?? [];
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i];
    if (p && p.text !== undefined && p.thought !== true) {
      p.text = p.text.trimEnd();
      return;
    }
  }
}

/** In parallel calls only the first carries a signature; a turn whose calls have none gets the placeholder. */
function ensureCallSignature(turn: GeminiContent): void {
  const calls = (turn.parts ?? []).filter((p) => p.functionCall);
  const first = calls[0];
  if (first && calls.every((p) => p.thoughtSignature === undefined)) first.thoughtSignature = SKIP_SIGNATURE;
}

function toolResultToGemini(part: ToolResultPart, callNames: Map<string, string>): GeminiPart[] {
  const name = part.name ?? callNames.get(part.toolCallId);
  if (!name) {
    throw invalidRequest(
      `A tool result refers to tool call "${part.toolCallId}", which is not in the conversation.`,
      'Gemini needs the name of the tool each result answers: keep the assistant message with the tool call.',
      {
        message: proxyMsg('toolResultNoCall', { id: part.toolCallId }),
        hint: proxyMsg('toolResultNoCallHint'),
      },
    );
  }
  const text = part.content
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
  const media = part.content.filter((c) => c.type !== 'text');
  const response = toolResponseObject(text, part.isError === true);
  const out: GeminiPart[] = [{ functionResponse: { name, response } }];
  // Images from a tool go beside its response: every Gemini model reads them there.
  for (const m of media) out.push(mediaPartToGemini(m.source));
  return out;
}

/** Gemini needs `response` to be an object: JSON objects go as they are, anything else is wrapped. */
export function toolResponseObject(text: string, isError: boolean): Record<string, unknown> {
  if (isError) return { error: text };
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const v: unknown = JSON.parse(trimmed);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // not JSON: wrapped below
    }
  }
  return { result: text };
}

function encodeTools(tools: ToolDefinition[] | undefined): unknown[] | undefined {
  if (!tools || tools.length === 0) return undefined;
  return [
    {
      functionDeclarations: tools.map((t) => {
        const fd: Record<string, unknown> = { name: t.name };
        if (t.description !== undefined) fd.description = t.description;
        const params = jsonSchemaForGemini(t.parameters);
        const props = params.properties;
        const empty = params.type === 'object' && (!props || Object.keys(props as object).length === 0);
        if (!empty) fd.parametersJsonSchema = params;
        return fd;
      }),
    },
  ];
}

function encodeToolChoice(choice: ToolChoice | undefined, tools: ToolDefinition[] | undefined) {
  if (!choice || !tools || tools.length === 0) return undefined;
  switch (choice.type) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  }
}
