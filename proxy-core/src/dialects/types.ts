import type { ProxyError } from '../canonical/errors.js';
import type { CacheBreakpointOptions } from '../canonical/prompt-cache.js';
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
  /** The provider kind (`anthropic`, `vertex`, `bedrock`, …), for naming the host in messages. */
  providerKind?: string;
  /**
   * False when the host gates the model's native structured output (Claude's `output_config.format`
   * on Vertex is off by policy by default): a schema then goes as a forced answer tool. Default true.
   */
  nativeStructuredOutput?: boolean;
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
  /**
   * For a tap that only logs (a passthrough relaying the upstream's own bytes): true when one raw
   * SSE event — `bytes[start..end]`, its blank line included — can carry nothing the log reads
   * beyond content: no usage, error, finish or end of stream, and whole (not cut short). Once the
   * first token is logged such events are not decoded. Absent: every event is decoded.
   */
  onlyContent?(bytes: Buffer, start: number, end: number): boolean;
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
  /** The model version an answer of this format reports (for pricing and the log); absent: none. */
  readModel?(answer: Record<string, unknown>): string | undefined;
  /**
   * Which remote media links (image URLs) this format's upstreams fetch themselves: `'all'` (the
   * request is sent as it is), or a test per link (the others, and data URLs, are fetched or
   * checked and inlined before encoding). Absent: every link is fetched and inlined.
   */
  mediaLinks?: 'all' | ((url: string) => boolean);
  /**
   * True when this format's upstreams make one answer per request (no `n` / `candidateCount`):
   * several answers are then asked for with several requests (server/fan-out.ts).
   */
  oneAnswerPerRequest?: boolean;
  /**
   * True when this format's encoder may answer a response format with a forced answer tool
   * (canonical/structured-output.ts); its decoders then give the tool's input back as text.
   */
  answerTool?: boolean;
  /**
   * Places automatic prompt-cache breakpoints in a request body of this format (Claude's formats:
   * Anthropic Messages, Bedrock Converse) when the client placed none and a prefix reaches
   * `minimum` tokens; returns the body itself when nothing is placed. Absent: the format has no
   * cache markers (its upstreams cache by themselves, or not at all). See providers/prompt-cache.ts.
   */
  placeCacheBreakpoints?(
    body: Record<string, unknown>,
    opts: CacheBreakpointOptions,
  ): Record<string, unknown>;
}

/**
 * A dialect whose streams report usage only when the client asks (OpenAI's
 * `stream_options.include_usage`): the proxy asks on the client's behalf, for the log, and cuts
 * the usage-only event out again when the client did not ask.
 */
export interface StreamUsageRequest {
  /** The request body with usage asked for (a copy; the client's body is left as it is). */
  ask(body: Record<string, unknown>): Record<string, unknown>;
  /** True for a stream event's data that carries only usage. */
  isUsageOnly(data: string): boolean;
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
  /** Present when this dialect's streams carry usage only on request (see StreamUsageRequest). */
  streamUsage?: StreamUsageRequest;
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
