import { toolArgumentsObject } from '../../canonical/json.js';
import type { Part } from '../../canonical/types.js';
import { mediaPartToGemini } from './media.js';
import type { GeminiPart } from './types.js';

/**
 * Canonical parts of one message → Gemini parts (tool results excluded: the request encoder
 * handles them, it needs the conversation). A thinking part with no text is only a carrier for a
 * thoughtSignature that came on a text or functionCall part: the signature goes back onto the
 * part before it (or, when it comes first, the part after it).
 */
export function canonicalPartsToGemini(
  parts: Part[],
  encodeToolResult: (part: Extract<Part, { type: 'tool_result' }>) => GeminiPart[],
): GeminiPart[] {
  const out: GeminiPart[] = [];
  let pendingSignature: string | undefined;
  const canCarry = (p: GeminiPart | undefined) =>
    p !== undefined &&
    p.thoughtSignature === undefined &&
    p.thought !== true &&
    (p.text !== undefined || p.functionCall !== undefined);
  const push = (p: GeminiPart) => {
    if (pendingSignature !== undefined && canCarry(p)) {
      p.thoughtSignature = pendingSignature;
      pendingSignature = undefined;
    }
    out.push(p);
  };
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        push({ text: part.text });
        break;
      case 'thinking':
        if (part.text === '') {
          if (!part.signature) break;
          const prev = out[out.length - 1];
          if (canCarry(prev) && prev) prev.thoughtSignature = part.signature;
          else pendingSignature = part.signature;
        } else {
          push(
            part.signature
              ? { text: part.text, thought: true, thoughtSignature: part.signature }
              : { text: part.text, thought: true },
          );
        }
        break;
      case 'redacted_thinking':
        // Gemini has no place for another provider's encrypted reasoning.
        break;
      case 'tool_call':
        push({
          functionCall: { name: part.name, args: toolArgumentsObject(part.arguments) },
          ...(part.signature ? { thoughtSignature: part.signature } : {}),
        });
        break;
      case 'image':
      case 'document':
        push(mediaPartToGemini(part.source));
        break;
      case 'tool_result':
        for (const p of encodeToolResult(part)) push(p);
        break;
    }
  }
  return out;
}
