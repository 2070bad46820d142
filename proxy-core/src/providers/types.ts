import type { ProxyError } from '../canonical/errors.js';
import type { ErrorInfo, WireEvent, WireFormat } from '../canonical/types.js';
import type { MessageRef } from '../messages.js';
import type { HttpClient, UpstreamRequest } from '../transport/http-client.js';

/** Providers build transport's prepared requests; re-exported for their convenience. */
export type { UpstreamRequest };

/** A chat call handed to a provider: the body is already in the provider's wire format. */
export interface ChatCall {
  /** The upstream model id of the chosen route. */
  upstreamModel: string;
  stream: boolean;
  /** Request body in `provider.wireFor(upstreamModel)` format (encoded, or the client's own). */
  body: Record<string, unknown>;
  /** `anthropic-beta` flags the client asked for. */
  anthropicBeta?: string[];
  /** `anthropic-version` the client sent, if any. */
  anthropicVersion?: string;
}

export interface ModelInfo {
  /** Upstream model id (what the provider's API takes). */
  id: string;
  displayName?: string;
  contextWindow?: number;
  ownedBy?: string;
}

export interface ModelListing {
  models: ModelInfo[];
  /** Where the list came from: the upstream's own list, the account config, or a built-in catalog. */
  source: 'upstream' | 'config' | 'catalog';
  /** Why the upstream list was not used, in plain words (shown in the UI). */
  reason?: string;
  /** The reason as a catalog code (proxy-core/src/messages.ts). */
  reasonRef?: MessageRef;
}

export type CredentialTestResult =
  | { ok: true; message: string; messageRef?: MessageRef; latencyMs: number }
  | { ok: false; error: ErrorInfo; latencyMs: number };

/** Upstream error response as read by the pipeline, for `mapError`. */
export interface UpstreamErrorResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A configured upstream account: how to address, sign and understand it. */
export interface Provider {
  readonly kind: string;
  readonly accountId: string;
  /** Body format this provider takes for chat with the given upstream model. */
  wireFor(upstreamModel: string): WireFormat;
  /**
   * True when streamed responses are SSE in the wire format itself, so a same-dialect client can
   * get the upstream bytes verbatim. False when the transport re-frames (AWS event-stream).
   */
  readonly rawStreamPassthrough: boolean;
  /**
   * False when this host gates a model's native structured output (Vertex: Claude's
   * `output_config.format` is off by organisation policy by default). Absent: available.
   */
  readonly nativeStructuredOutput?: boolean;
  /**
   * False when this host does not offer Claude's 1-hour prompt-cache TTL for the model (Bedrock:
   * only Claude 4.5 and later); the 5-minute default is used instead. Absent: offered.
   */
  promptCacheTtl1h?(upstreamModel: string): boolean;
  /** Builds the signed upstream request for a chat call. */
  prepareChat(call: ChatCall): Promise<UpstreamRequest>;
  /** Turns an upstream streamed body into wire events (SSE by default). */
  readStream(body: AsyncIterable<Uint8Array>): AsyncIterable<WireEvent>;
  /** Anthropic count_tokens, where the upstream can answer it. */
  prepareCountTokens?(call: ChatCall): Promise<UpstreamRequest>;
  /** The client's count_tokens answer, where the upstream counts in a shape of its own (Bedrock). */
  countTokensAnswer?(upstream: unknown): Record<string, unknown>;
  /** OpenAI legacy /v1/completions passthrough, where the upstream has it. */
  prepareCompletions?(body: Record<string, unknown>, upstreamModel: string): Promise<UpstreamRequest>;
  /** Models this account can use, discovered where possible. */
  listModels(signal?: AbortSignal): Promise<ModelListing>;
  /** Proves the credential works with the cheapest real call. */
  testCredential(signal?: AbortSignal): Promise<CredentialTestResult>;
  /** Turns an upstream error response into a clear ProxyError with a hint. */
  mapError(res: UpstreamErrorResponse, ctx: { upstreamModel?: string }): ProxyError;
  /** Releases timers and cached state. */
  close?(): Promise<void>;
}

/** What a provider factory gets besides its account config. */
export interface ProviderDeps {
  /** HTTP client already set up for this account (keep-alive, outbound proxy, timeouts). */
  http: HttpClient;
  /** Clock, injectable for tests. */
  now: () => number;
  /** Directory that relative file paths in the config are resolved against. */
  baseDir: string;
}
