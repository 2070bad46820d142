import { dialectCodec } from '../dialect-codec.js';
import type { DialectCodec } from '../types.js';
import { placeAnthropicCacheBreakpoints } from './cache-breakpoints.js';
import { anthropicUnsupportedParams, canonicalToAnthropicRequest } from './canonical-to-request.js';
import { canonicalToAnthropicResponse } from './canonical-to-response.js';
import { anthropicStreamEncoder } from './canonical-to-stream.js';
import { encodeAnthropicError, encodeAnthropicStreamError } from './errors.js';
import { readAnthropicUsage } from './read-usage.js';
import { anthropicRequestToCanonical } from './request-to-canonical.js';
import { anthropicResponseToCanonical } from './response-to-canonical.js';
import { anthropicStreamDecoder } from './stream-to-canonical.js';

/** Anthropic Messages: the client dialect and the wire format of Claude on Anthropic, Vertex, Bedrock. */
export const anthropicCodec: DialectCodec = dialectCodec({
  format: 'anthropic',
  // mediaLinks absent: Claude on Vertex and Bedrock cannot fetch image links, so every one is inlined.
  facts: {
    oneAnswerPerRequest: true,
    answerTool: true,
    placeCacheBreakpoints: placeAnthropicCacheBreakpoints,
  },
  request: {
    decodeRequest: anthropicRequestToCanonical,
    encodeRequest: canonicalToAnthropicRequest,
    unsupportedParams: anthropicUnsupportedParams,
  },
  response: { decodeResponse: anthropicResponseToCanonical, encodeResponse: canonicalToAnthropicResponse },
  stream: { decoder: anthropicStreamDecoder, encoder: anthropicStreamEncoder },
  error: { encodeError: encodeAnthropicError, encodeStreamError: encodeAnthropicStreamError },
  answer: { members: { first: ['model'], last: ['usage'] }, readUsage: readAnthropicUsage, model: 'model' },
});

export { errorInfoFromAnthropicBody } from './errors.js';
