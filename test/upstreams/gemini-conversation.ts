import type { ServerResponse } from 'node:http';
import { fixtureChunks, fixtureJson } from '../support/fixtures.js';
import { candidateCountOf, FirstTextMarker, geminiCandidates } from './choices.js';
import { sendJson, sseFrame, writeAwkwardly } from './support.js';

type Json = Record<string, unknown>;
interface Content {
  role?: string;
  parts?: Json[];
}

/** The thoughtSignatures the Gemini 3 tool-call captures carry, which replays must send back. */
const TOOL_SIGNATURES = new Set(
  [
    fixtureJson('gemini/google-tool-call-gemini3.json'),
    ...fixtureChunks('gemini/google-tool-call-gemini3.chunks.txt').map((l) => JSON.parse(l) as Json),
  ].flatMap((r) =>
    ((r as { candidates?: Array<{ content?: { parts?: Json[] } }> }).candidates ?? []).flatMap((c) =>
      (c.content?.parts ?? []).filter((p) => p.functionCall).map((p) => String(p.thoughtSignature)),
    ),
  ),
);

function googleError(res: ServerResponse, code: number, message: string, status: string) {
  sendJson(res, code, { error: { code, message, status } });
}

/**
 * Checks what the Gemini API checks on generateContent, returning its message when invalid:
 * contents present with user/model roles, parts present, and — as Gemini 3 enforces — a
 * function call replayed in history carrying the thoughtSignature it was issued with.
 */
export function validateGeminiBody(body: Json): string | undefined {
  const contents = body.contents as Content[] | undefined;
  if (!Array.isArray(contents) || contents.length === 0)
    return '* GenerateContentRequest.contents: contents is not specified';
  for (const [i, c] of contents.entries()) {
    if (c.role !== undefined && c.role !== 'user' && c.role !== 'model')
      return 'Please use a valid role: user, model.';
    if (!Array.isArray(c.parts) || c.parts.length === 0) {
      return `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`;
    }
    for (const p of c.parts) {
      const fc = p.functionCall as Json | undefined;
      if (fc && c.role === 'model' && !TOOL_SIGNATURES.has(String(p.thoughtSignature))) {
        return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String(fc.name)}\` , position ${i + 1}.`;
      }
    }
  }
  return undefined;
}

/** Picks the real capture that answers this request: a tool call, reasoning, or plain text. */
function captureFor(body: Json): string {
  const contents = body.contents as Content[];
  const last = contents.at(-1);
  const answeringTool = last?.parts?.some((p) => p.functionResponse) ?? false;
  const tools = body.tools as Array<{ functionDeclarations?: unknown[] }> | undefined;
  const hasTools = tools?.some((t) => (t.functionDeclarations?.length ?? 0) > 0) ?? false;
  if (hasTools && !answeringTool) return 'google-tool-call-gemini3';
  const thinking = (body.generationConfig as Json | undefined)?.thinkingConfig as Json | undefined;
  if (thinking?.includeThoughts) return 'google-reasoning';
  return 'google-text';
}

/** Answers generateContent / streamGenerateContent like the Gemini API, from real captures. */
export async function answerGenerateContent(
  res: ServerResponse,
  body: Json,
  mode: { stream: boolean; sse: boolean; modelVersion?: string },
): Promise<void> {
  const problem = validateGeminiBody(body);
  if (problem) return googleError(res, 400, problem, 'INVALID_ARGUMENT');
  const name = captureFor(body);
  // candidateCount: that many candidates, each told apart by a mark on its first text.
  const n = candidateCountOf(body);
  const marker = new FirstTextMarker();
  if (!mode.stream)
    return sendJson(res, 200, geminiCandidates(fixtureJson(`gemini/${name}.json`), n, marker));
  const lines = fixtureChunks(`gemini/${name}.chunks.txt`).map((l) =>
    JSON.stringify(geminiCandidates(JSON.parse(l) as Json, n, marker)),
  );
  if (!mode.sse)
    return sendJson(
      res,
      200,
      lines.map((l) => JSON.parse(l) as unknown),
    );
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const [i, line] of lines.entries()) {
    if (res.destroyed) return;
    await writeAwkwardly(res, sseFrame(line).replace(/\n\n$/, '\r\n\r\n'), 5 + i);
  }
  res.end();
}
