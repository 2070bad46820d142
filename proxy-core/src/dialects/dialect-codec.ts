import type { Dialect, Usage } from '../canonical/types.js';
import type {
  AnswerMembers,
  DialectCodec,
  StreamDecoder,
  StreamEncoder,
  StreamUsageRequest,
  WireCodec,
} from './types.js';

/**
 * A client dialect's parts, grouped by what they serve: its request, answer, stream and error
 * codecs, and what the log reads from an answer relayed untouched. `dialectCodec` lays them out as
 * the `DialectCodec` the pipeline reads.
 */
export interface DialectParts<D, E> {
  format: Dialect;
  request: Pick<DialectCodec, 'decodeRequest' | 'encodeRequest' | 'unsupportedParams'>;
  response: Pick<DialectCodec, 'decodeResponse' | 'encodeResponse'>;
  /** The stream codecs, each over its own state; `usage` when streams report usage only on request. */
  stream: { decoder: StreamDecoder<D>; encoder: StreamEncoder<E>; usage?: StreamUsageRequest };
  error: Pick<DialectCodec, 'encodeError' | 'encodeStreamError'>;
  /** Where an answer's usage and model sit (`model`: the member naming the model version). */
  answer: { members: AnswerMembers; readUsage: DialectCodec['readUsage']; model: string };
  /** The wire facts of the format (see `WireCodec`). */
  facts?: Pick<WireCodec, 'oneAnswerPerRequest' | 'answerTool' | 'placeCacheBreakpoints' | 'mediaLinks'>;
}

/** The `DialectCodec` of a dialect's parts. */
export function dialectCodec<D, E>(parts: DialectParts<D, E>): DialectCodec {
  const { model } = parts.answer;
  return {
    format: parts.format,
    ...parts.facts,
    ...parts.request,
    ...parts.response,
    // The pipeline keeps each stream's state opaque: the codecs' own state types end here.
    streamDecoder: parts.stream.decoder as StreamDecoder<unknown>,
    streamEncoder: parts.stream.encoder as StreamEncoder<unknown>,
    ...(parts.stream.usage ? { streamUsage: parts.stream.usage } : {}),
    ...parts.error,
    answerMembers: parts.answer.members,
    readUsage: parts.answer.readUsage,
    readModel: (answer) => {
      const named = answer[model];
      return typeof named === 'string' && named ? named : undefined;
    },
  };
}

/** A usage reader for a format that keeps usage in one member of an answer or stream event. */
export function usageMember(
  name: string,
  read: (raw: unknown) => Partial<Usage> | undefined,
): (body: unknown) => Partial<Usage> | undefined {
  return (body) =>
    body !== null && typeof body === 'object' ? read((body as Record<string, unknown>)[name]) : undefined;
}
