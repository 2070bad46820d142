import type { ProxyError } from '../canonical/errors.js';
import type {
  CanonicalRequest,
  CanonicalResponse,
  Dialect,
  StreamEvent,
  Usage,
  WireEvent,
  WireFormat,
} from '../canonical/types.js';

/** One SSE event to write to a client: `event:` (optional) and the data text. */
export interface OutboundEvent {
  event?: string;
  data: string;
}

/** Options a request encoder needs beyond the canonical request: the upstream model id. */
export interface EncodeRequestOptions {
  upstreamModel: string;
  /** The provider kind (`anthropic`, `vertex`, `bedrock`, …), where a wire's features differ by host. */
  providerKind?: string;
}

/**
 * A canonical request field an encoder may be unable to send. The client's own name for it is
 * given by `dialects/dropped-params.ts`; `reasoning` means thinking was left off for this call.
 */
export type SendParam =
  | 'seed'
  | 'presencePenalty'
  | 'frequencyPenalty'
  | 'topK'
  | 'temperature'
  | 'topP'
  | 'stopSequences'
  | 'user'
  | 'parallelToolCalls'
  | 'toolChoice'
  | 'responseFormat'
  | 'reasoning'
  | 'safetySettings';

export interface ResponseEncodeContext {
  /** Model id to report back (the public id the client asked for). */
  model: string;
}

/**
 * A stream decoder turns upstream wire events into canonical events. It is a pure function over
 * an explicit state object: `init()` makes the state, `decode(state, ev)` may update that state and
 * returns the events produced, `end(state)` flushes anything pending when the upstream closes.
 */
export interface StreamDecoder<S = unknown> {
  init(): S;
  decode(state: S, event: WireEvent): StreamEvent[];
  end(state: S): StreamEvent[];
}

/** A stream encoder turns canonical events into the client dialect's SSE events. */
export interface StreamEncoder<S = unknown> {
  init(ctx: ResponseEncodeContext & { includeUsage?: boolean }): S;
  encode(state: S, event: StreamEvent): OutboundEvent[];
  /** Called once after the last event (even after an error) to close the stream properly. */
  end(state: S): OutboundEvent[];
}

/** What a wire format's codec provides. Client dialects implement all of it. */
export interface WireCodec {
  format: WireFormat;
  /** Encodes a canonical request into this format's request body (a JSON-able object). */
  encodeRequest(req: CanonicalRequest, opts: EncodeRequestOptions): Record<string, unknown>;
  /** What of `req` the encoder cannot send (so it is left out of the body): named, never silent. */
  unsupportedParams?(req: CanonicalRequest, opts: EncodeRequestOptions): SendParam[];
  /** Decodes a non-streaming response body of this format. */
  decodeResponse(body: unknown): CanonicalResponse;
  streamDecoder: StreamDecoder<unknown>;
  /** Reads usage from a response body or stream event of this format, for same-format taps. */
  readUsage(body: unknown): Partial<Usage> | undefined;
}

/** Where a whole answer's top-level members sit, for reading them without parsing the rest. */
export interface AnswerMembers {
  /** Written near the start, before content and tool inputs. */
  first?: readonly string[];
  /** Written at the end, after content. */
  last: readonly string[];
}

export interface DialectCodec extends WireCodec {
  format: Dialect;
  /** What the log reads from an answer relayed untouched (usage, the model) and where it sits. */
  answerMembers: AnswerMembers;
  /** Decodes (and validates) a client request body; throws ProxyError (400) on bad input. */
  decodeRequest(body: unknown, meta: InboundMeta): CanonicalRequest;
  encodeResponse(res: CanonicalResponse, ctx: ResponseEncodeContext): Record<string, unknown>;
  streamEncoder: StreamEncoder<unknown>;
  /** Renders an error as this dialect's JSON error body. */
  encodeError(err: ProxyError): Record<string, unknown>;
  /** Renders an error as the SSE event(s) that end a stream in this dialect. */
  encodeStreamError(err: ProxyError): OutboundEvent[];
}

/** Facts about the inbound HTTP request that a decoder may need (not part of the body). */
export interface InboundMeta {
  /** Model from the URL (Gemini puts it in the path). */
  pathModel?: string;
  /** Whether the URL asked for streaming (Gemini :streamGenerateContent). */
  pathStream?: boolean;
  /** `anthropic-beta` header, split on commas. */
  anthropicBeta?: string[];
}

/** The codecs the pipeline converts with: one per client dialect, one per upstream wire format. */
export interface CodecSet {
  dialect(d: Dialect): DialectCodec;
  wire(f: WireFormat): WireCodec;
}
