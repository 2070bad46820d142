import { ProxyError } from '../../canonical/errors.js';
import type { CanonicalChoice, CanonicalResponse, Part } from '../../canonical/types.js';
import { finishReasonForBlockedPrompt, finishReasonFromGemini } from './map-finish-reason.js';
import { appendDecodedParts, geminiPartToCanonical } from './parts-to-canonical.js';
import { readUpstreamPart } from './read-upstream-part.js';
import type { GeminiPart, GeminiResponse } from './types.js';
import { usageFromGemini } from './usage.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads a GenerateContentResponse (or a stream chunk); throws when it is not one. */
export function asGeminiResponse(body: unknown): GeminiResponse {
  if (!isObject(body) || (body.candidates !== undefined && !Array.isArray(body.candidates))) {
    throw new ProxyError('upstream', 'Gemini sent an answer Keybridge could not read.', {
      hint: 'This is likely a temporary problem with the service; try again.',
    });
  }
  return body as GeminiResponse;
}

/** Stable, unique-per-response ids for Gemini's id-less function calls. */
export function toolCallIdFactory(responseId: string | undefined): () => string {
  let n = 0;
  const base = (responseId ?? '').replace(/[^A-Za-z0-9_-]/g, '');
  return () => `call_${base ? `${base}_` : ''}${n++}`;
}

/** The candidates that are objects, in `index` order (Gemini sends one unless candidateCount > 1). */
function candidatesOf(res: GeminiResponse): Array<Record<string, unknown>> {
  const list: unknown[] = Array.isArray(res.candidates) ? res.candidates : [];
  return list
    .map((c, i) => ({ c, i }))
    .filter((x): x is { c: Record<string, unknown>; i: number } => isObject(x.c))
    .map(({ c, i }) => ({ c, at: typeof c.index === 'number' ? c.index : i }))
    .sort((a, b) => a.at - b.at)
    .map(({ c }) => c);
}

function partsOf(candidate: Record<string, unknown> | undefined): GeminiPart[] {
  const content = candidate?.content;
  const parts = isObject(content) ? content.parts : undefined;
  return Array.isArray(parts) ? parts.flatMap((p) => readUpstreamPart(p) ?? []) : [];
}

function candidateToCanonical(candidate: Record<string, unknown>, nextId: () => string): CanonicalChoice {
  const content: Part[] = [];
  for (const part of partsOf(candidate)) appendDecodedParts(content, geminiPartToCanonical(part, nextId));
  const finishReason = finishReasonFromGemini(
    typeof candidate.finishReason === 'string' ? candidate.finishReason : undefined,
    content.some((p) => p.type === 'tool_call'),
  );
  return { content, finishReason };
}

/**
 * Decodes a non-streaming Gemini response, every candidate. A candidate with no content (blocked,
 * or max tokens spent on thinking) and a prompt blocked before any candidate both become an empty
 * answer with a finish reason that says why.
 */
export function geminiResponseToCanonical(body: unknown): CanonicalResponse {
  const res = asGeminiResponse(body);
  const responseId = typeof res.responseId === 'string' ? res.responseId : undefined;
  const nextId = toolCallIdFactory(responseId);
  const [first, ...more] = candidatesOf(res).map((c) => candidateToCanonical(c, nextId));
  const usage = usageFromGemini(res.usageMetadata);
  return {
    id: responseId ?? `gemini-${Date.now().toString(36)}`,
    model: typeof res.modelVersion === 'string' ? res.modelVersion : '',
    content: first?.content ?? [],
    finishReason:
      first?.finishReason ?? (res.promptFeedback?.blockReason ? finishReasonForBlockedPrompt() : 'other'),
    ...(more.length > 0 ? { moreChoices: more } : {}),
    usage: { inputTokens: 0, outputTokens: 0, ...usage },
  };
}
