import type { DialectCodec, StreamDecoder, StreamEncoder } from '../types.js';
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
export const anthropicCodec: DialectCodec = {
  format: 'anthropic',
  oneAnswerPerRequest: true,
  answerTool: true,
  placeCacheBreakpoints: placeAnthropicCacheBreakpoints,
  decodeRequest: anthropicRequestToCanonical,
  encodeRequest: canonicalToAnthropicRequest,
  unsupportedParams: anthropicUnsupportedParams,
  decodeResponse: anthropicResponseToCanonical,
  encodeResponse: canonicalToAnthropicResponse,
  streamDecoder: anthropicStreamDecoder as StreamDecoder<unknown>,
  streamEncoder: anthropicStreamEncoder as StreamEncoder<unknown>,
  encodeError: encodeAnthropicError,
  encodeStreamError: encodeAnthropicStreamError,
  answerMembers: { first: ['model'], last: ['usage'] },
  readUsage: readAnthropicUsage,
  readModel: (answer) => (typeof answer.model === 'string' && answer.model ? answer.model : undefined),
  // mediaLinks absent: Claude on Vertex and Bedrock cannot fetch image links, so every one is inlined.
};

export { errorInfoFromAnthropicBody } from './errors.js';
