import type { CanonicalChoice, CanonicalResponse } from '../../canonical/types.js';
import type { ResponseEncodeContext } from '../types.js';
import { canonicalPartsToGemini } from './canonical-parts-to-gemini.js';
import { finishReasonToGemini } from './map-finish-reason.js';
import { usageToGemini } from './usage.js';

/** Encodes a canonical response as Gemini's GenerateContentResponse (a candidate per choice). */
export function canonicalToGeminiResponse(
  res: CanonicalResponse,
  ctx: ResponseEncodeContext,
): Record<string, unknown> {
  const all: CanonicalChoice[] = [res, ...(res.moreChoices ?? [])];
  return {
    candidates: all.map((c, index) => ({
      // A model answer has no tool results; should one appear, it has no Gemini form.
      content: {
        role: 'model',
        parts: canonicalPartsToGemini(c.content, () => []).filter(
          (p) => p.text !== '' || p.thoughtSignature !== undefined,
        ),
      },
      finishReason: finishReasonToGemini(c.finishReason),
      index,
    })),
    usageMetadata: usageToGemini(res.usage),
    modelVersion: ctx.model,
    responseId: res.id,
  };
}
