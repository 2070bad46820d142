import type { ServerResponse } from 'node:http';
import type { ProxyError } from '../canonical/errors.js';
import type {
  CanonicalRequest,
  CanonicalResponse,
  Dialect,
  ErrorInfo,
  WireFormat,
} from '../canonical/types.js';
import type { CodecSet, DialectCodec, InboundMeta, WireCodec } from '../dialects/types.js';
import type { RecordBuilder } from '../observability/recorder.js';
import type { PromptCacheSettings } from '../providers/prompt-cache.js';
import type { Provider } from '../providers/types.js';
import type { ProviderLease } from '../routing/account-keys.js';
import type { Route } from '../routing/catalog.js';
import type { SecretRedactor } from '../security/redactor.js';
import type { HttpClient, UpstreamResponse } from '../transport/http-client.js';
import type { UnsupportedParamsPolicy } from './dropped-params.js';

/**
 * The types of the request path (server/attempt.ts, chat-pipeline.ts, the relays), in one file so
 * the modules that share them import no one another's code.
 */

/** The client's request headers an upstream call needs, parsed once per request. */
export interface ClientHeaders {
  /** `anthropic-beta`, split on commas (several headers joined). */
  anthropicBeta?: string[];
  anthropicVersion?: string;
}

/**
 * One try of a request on one route — what every upstream call (chat passthrough or converted,
 * whole or streamed, /v1/completions, count_tokens) carries. A new one per try.
 */
export interface Attempt {
  route: Route;
  /** The provider of the key leased for this try. */
  provider: Provider;
  lease: ProviderLease;
  /** The client's abort signal joined with the request's deadline (until the answer commits). */
  signal: AbortSignal;
  /** The client's own abort signal: set only when the client went away. */
  clientSignal: AbortSignal;
  record: RecordBuilder;
  headers: ClientHeaders;
  /**
   * Headers of the answer, written with its first byte (CORS, and seam (b): a step of this try may
   * add its own, e.g. `x-keybridge-dropped-params`). Start from the request's CORS headers.
   */
  responseHeaders: Record<string, string>;
}

/** What a check before sending sees (seam (a), e.g. spend limits). */
export interface SendCheck {
  route: Route;
  record: RecordBuilder;
}

/** Optional steps around conversion (reasoning-signature restore, image inlining, …). */
export interface PipelineHooks {
  /**
   * Adjusts a canonical request before it is encoded for `wire` (may do I/O, e.g. fetch images).
   * `at.codec` is the wire's codec (its facts: which image links it reads, …); `at.attempt` the try.
   */
  beforeEncode?(
    req: CanonicalRequest,
    wire: WireFormat,
    signal: AbortSignal,
    at: { codec: WireCodec; attempt: Attempt },
  ): Promise<CanonicalRequest>;
  /** Sees every converted response once it is complete (e.g. to remember thinking signatures). */
  onResponse?(res: CanonicalResponse): void;
}

export interface PipelineEnv {
  codecs: CodecSet;
  /** Picks the provider and key for an attempt on a route (throws a retryable error when all keys cool down). */
  lease(route: Route): ProviderLease;
  /** HTTP client per account id. */
  http(accountId: string): HttpClient;
  timeouts: { firstByteMs: number; deadlineMs?: number };
  hooks: PipelineHooks;
  /**
   * Seam (a): runs before each try, before its key is leased or anything is sent. Throwing a
   * ProxyError refuses this route for this request (the next route is tried, no key is cooled
   * down; when every route refuses, the client gets the error). Never runs once an answer started.
   */
  beforeSend?(check: SendCheck): void | Promise<void>;
  /** Redacts what goes to the client (second line: upstream words arrive redacted already). */
  redactor?: SecretRedactor;
  /** An account's `unsupportedParams` setting (default drop): name what is not sent, or refuse. */
  paramPolicy?(accountId: string): UnsupportedParamsPolicy;
  /** An account's prompt-caching settings (`promptCaching`, `promptCacheTtl`). */
  promptCache?(accountId: string): PromptCacheSettings | undefined;
}

export interface ChatContext {
  dialect: Dialect;
  /** The parsed client body. */
  body: Record<string, unknown>;
  meta: InboundMeta;
  headers: ClientHeaders;
  res: ServerResponse;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  record: RecordBuilder;
  corsHeaders: Record<string, string>;
  /** Gemini streaming without alt=sse answers with a JSON array. */
  streamMode: 'sse' | 'json-array';
  routes: Route[];
  /** The validated canonical form of the client's request. */
  canonical: CanonicalRequest;
}

/** What a committed attempt ended with (the client already has its answer). */
export interface Outcome {
  status: number;
  error?: ErrorInfo;
}

/** An upstream that answered with a success status, its body not read yet. */
export interface OpenedUpstream {
  response: UpstreamResponse;
  /** An error while reading the body is the upstream's (a reset, a stall), named with its account. */
  readFailure(err: unknown): ProxyError;
}

/** A chat answer being relayed to the client. */
export interface Relay {
  ctx: ChatContext;
  env: PipelineEnv;
  attempt: Attempt;
  upstream: OpenedUpstream;
  /** The codec of the upstream's wire format (the client's own when passing through). */
  wireCodec: WireCodec;
  clientCodec: DialectCodec;
}
