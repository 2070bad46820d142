import type { Usage } from '../../../canonical/types.js';
import type { StreamDecoder, WireCodec } from '../../../dialects/types.js';
import { placeConverseCachePoints } from './cache-points.js';
import { canonicalToConverseRequest, converseUnsupportedParams } from './canonical-to-converse-request.js';
import { converseResponseToCanonical } from './converse-response-to-canonical.js';
import { converseStreamDecoder } from './converse-stream-to-canonical.js';
import { decodeConverseUsage } from './converse-usage.js';

/** Usage from a Converse response body, a metadata event payload, or a `{"metadata":…}` line. */
function readConverseUsage(body: unknown): Partial<Usage> | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { usage?: unknown; metadata?: { usage?: unknown } };
  return decodeConverseUsage(b.usage ?? b.metadata?.usage);
}

/** The Bedrock Converse / ConverseStream wire codec. */
export const bedrockConverseCodec: WireCodec = {
  format: 'bedrock-converse',
  oneAnswerPerRequest: true,
  answerTool: true,
  placeCacheBreakpoints: placeConverseCachePoints,
  encodeRequest: canonicalToConverseRequest,
  unsupportedParams: converseUnsupportedParams,
  decodeResponse: converseResponseToCanonical,
  streamDecoder: converseStreamDecoder as StreamDecoder<unknown>,
  readUsage: readConverseUsage,
};
