import { openaiUnsupportedParams } from '../dropped-params.js';
import type { DialectCodec, StreamDecoder, StreamEncoder } from '../types.js';
import { canonicalToOpenaiRequest } from './canonical-to-request.js';
import { canonicalToOpenaiResponse } from './canonical-to-response.js';
import { openaiStreamEncoder } from './canonical-to-stream.js';
import { encodeOpenaiError, encodeOpenaiStreamError } from './errors.js';
import { openaiRequestToCanonical } from './request-to-canonical.js';
import { openaiResponseToCanonical } from './response-to-canonical.js';
import { openaiStreamDecoder } from './stream-to-canonical.js';
import { askOpenaiStreamUsage, isUsageOnlyChunk } from './stream-usage.js';
import { usageFromOpenai } from './usage.js';

/** OpenAI Chat Completions: the client dialect and the OpenAI-compatible/Azure wire format. */
export const openaiCodec: DialectCodec = {
  format: 'openai',
  decodeRequest: (body) => openaiRequestToCanonical(body),
  unsupportedParams: openaiUnsupportedParams,
  encodeRequest: canonicalToOpenaiRequest,
  decodeResponse: openaiResponseToCanonical,
  encodeResponse: canonicalToOpenaiResponse,
  streamDecoder: openaiStreamDecoder as StreamDecoder<unknown>,
  streamEncoder: openaiStreamEncoder as StreamEncoder<unknown>,
  encodeError: encodeOpenaiError,
  encodeStreamError: encodeOpenaiStreamError,
  answerMembers: { first: ['model'], last: ['usage'] },
  readUsage(body) {
    if (body === null || typeof body !== 'object') return undefined;
    return usageFromOpenai((body as Record<string, unknown>).usage);
  },
  readModel: (answer) => (typeof answer.model === 'string' && answer.model ? answer.model : undefined),
  // OpenAI-compatible servers and Azure read image links themselves.
  mediaLinks: 'all',
  streamUsage: { ask: askOpenaiStreamUsage, isUsageOnly: isUsageOnlyChunk },
};

export { errorInfoFromOpenaiBody } from './errors.js';
export { isUsageOnlyChunk } from './stream-usage.js';
