import type { Part } from '../../canonical/types.js';
import { mediaPartFromGemini } from './media.js';
import type { GeminiPart } from './types.js';

/**
 * One Gemini part → canonical parts (functionResponse excluded: it needs the conversation to find
 * its call). A thoughtSignature on a non-thought part becomes an empty thinking part carrying the
 * signature, right after the part it came with, so signatures survive clients that only keep
 * reasoning; the Gemini encoder puts it back on that part.
 */
export function geminiPartToCanonical(part: GeminiPart, toolCallId: () => string): Part[] {
  const out: Part[] = [];
  const sig = part.thoughtSignature;
  if (part.functionCall) {
    const fc = part.functionCall;
    out.push({
      type: 'tool_call',
      id: fc.id ?? toolCallId(),
      name: fc.name ?? '',
      arguments: JSON.stringify(fc.args ?? {}),
      ...(sig ? { signature: sig } : {}),
    });
    return out;
  }
  if (part.text !== undefined && part.thought === true) {
    out.push(
      sig ? { type: 'thinking', text: part.text, signature: sig } : { type: 'thinking', text: part.text },
    );
    return out;
  }
  if (part.text !== undefined) {
    if (part.text !== '') out.push({ type: 'text', text: part.text });
  } else if (part.inlineData) {
    const { mimeType, data } = part.inlineData;
    out.push(mediaPartFromGemini(mimeType, { kind: 'base64', mediaType: mimeType, data }));
  } else if (part.fileData) {
    out.push(mediaPartFromGemini(part.fileData.mimeType, { kind: 'url', url: part.fileData.fileUri }));
  } else if (part.executableCode) {
    const lang = (part.executableCode.language ?? '').toLowerCase().replace('language_unspecified', '');
    out.push({ type: 'text', text: `\`\`\`${lang}\n${part.executableCode.code ?? ''}\n\`\`\`` });
  } else if (part.codeExecutionResult) {
    out.push({ type: 'text', text: `\`\`\`\n${part.codeExecutionResult.output ?? ''}\n\`\`\`` });
  }
  if (sig) out.push({ type: 'thinking', text: '', signature: sig });
  return out;
}

/**
 * Appends decoded parts to a message, joining consecutive thought parts back into one thinking
 * block: a streamed thought arrives as several `thought` parts, its signature on the last of them
 * (or on an empty one after them), and a target that checks signatures (Claude) needs the whole
 * text with the signature that signs it. A signed block is complete: what follows starts a new one.
 */
export function appendDecodedParts(target: Part[], decoded: Part[]): void {
  for (const p of decoded) {
    const prev = target[target.length - 1];
    if (
      p.type === 'thinking' &&
      prev?.type === 'thinking' &&
      prev.text !== '' &&
      prev.signature === undefined &&
      (p.text !== '' || p.signature)
    ) {
      prev.text += p.text;
      if (p.signature) prev.signature = p.signature;
      continue;
    }
    target.push(p);
  }
}
