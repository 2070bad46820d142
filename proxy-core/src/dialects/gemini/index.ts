/**
 * The Gemini generateContent dialect: Google AI Studio and Vertex AI Gemini bodies, both key
 * casings, to and from the canonical model.
 *
 * Choices worth knowing:
 * - Function calls have no ids in Gemini. Responses get `call_<responseId>_<n>` (unique across
 *   turns); requests get `call_<turn>_<part>`, and a functionResponse is matched to the oldest
 *   unanswered call of the same name. Encoding looks a tool result's name up from its call.
 * - A thoughtSignature on a text part travels as an empty thinking part right after that part,
 *   so clients that keep only reasoning keep it; encoding puts it back on the part. Function-call
 *   signatures ride on the tool call. Gemini 3 calls replayed without one get Google's documented
 *   `skip_thought_signature_validator` placeholder.
 * - Safety settings: the client's are kept; when there are none (a request from another
 *   dialect) every category is set to OFF, which is what SillyTavern's own Google source sends.
 * - Tools go out as `parametersJsonSchema` (full JSON Schema, same-document $refs inlined).
 *   Built-in tools (googleSearch, codeExecution) and cachedContent have no canonical form and
 *   only survive Gemini → Gemini passthrough; redacted thinking has no Gemini form and is dropped.
 * - Answers with no content (safety, recitation, max tokens spent thinking, blocked prompt) decode
 *   to an empty answer with finish reason content_filter / max_tokens, never to an error.
 */
import { isGoogleReadableUrl } from '../../canonical/inline-images.js';
import { dialectCodec, usageMember } from '../dialect-codec.js';
import { geminiUnsupportedParams } from '../dropped-params.js';
import type { DialectCodec } from '../types.js';
import { canonicalToGeminiRequest } from './canonical-to-request.js';
import { canonicalToGeminiResponse } from './canonical-to-response.js';
import { geminiStreamEncoder } from './canonical-to-stream.js';
import { encodeGeminiError, encodeGeminiStreamError } from './errors.js';
import { geminiRequestToCanonical } from './request-to-canonical.js';
import { geminiResponseToCanonical } from './response-to-canonical.js';
import { geminiStreamDecoder } from './stream-to-canonical.js';
import { usageFromGemini } from './usage.js';

/** The Gemini generateContent dialect (Google AI Studio and Vertex AI Gemini share it). */
export const geminiCodec: DialectCodec = dialectCodec({
  format: 'gemini',
  // Gemini reads some Google-hosted links (Cloud Storage, YouTube) itself; the rest are inlined.
  facts: { mediaLinks: isGoogleReadableUrl },
  request: {
    decodeRequest: geminiRequestToCanonical,
    encodeRequest: canonicalToGeminiRequest,
    unsupportedParams: geminiUnsupportedParams,
  },
  response: { decodeResponse: geminiResponseToCanonical, encodeResponse: canonicalToGeminiResponse },
  stream: { decoder: geminiStreamDecoder, encoder: geminiStreamEncoder },
  error: {
    encodeError: (err) => encodeGeminiError(err) as unknown as Record<string, unknown>,
    encodeStreamError: encodeGeminiStreamError,
  },
  answer: {
    members: { last: ['usageMetadata', 'modelVersion'] },
    readUsage: usageMember('usageMetadata', usageFromGemini),
    model: 'modelVersion',
  },
});

export { DEFAULT_SAFETY_SETTINGS, SKIP_SIGNATURE } from './canonical-to-request.js';
export { googleErrorToProxyError, parseGoogleError } from './errors.js';
export { stripModelPrefix } from './request-to-canonical.js';
