import { dialectCodec, usageMember } from '../dialect-codec.js';
import { openaiUnsupportedParams } from '../dropped-params.js';
import type { DialectCodec } from '../types.js';
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
export const openaiCodec: DialectCodec = dialectCodec({
  format: 'openai',
  // OpenAI-compatible servers and Azure read image links themselves.
  facts: { mediaLinks: 'all' },
  request: {
    decodeRequest: (body) => openaiRequestToCanonical(body),
    encodeRequest: canonicalToOpenaiRequest,
    unsupportedParams: openaiUnsupportedParams,
  },
  response: { decodeResponse: openaiResponseToCanonical, encodeResponse: canonicalToOpenaiResponse },
  stream: {
    decoder: openaiStreamDecoder,
    encoder: openaiStreamEncoder,
    usage: { ask: askOpenaiStreamUsage, isUsageOnly: isUsageOnlyChunk },
  },
  error: { encodeError: encodeOpenaiError, encodeStreamError: encodeOpenaiStreamError },
  answer: {
    members: { first: ['model'], last: ['usage'] },
    readUsage: usageMember('usage', usageFromOpenai),
    model: 'model',
  },
});

export { errorInfoFromOpenaiBody } from './errors.js';
export { isUsageOnlyChunk } from './stream-usage.js';
