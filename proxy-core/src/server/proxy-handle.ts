import type { KeybridgeConfig } from '../config/schema.js';
import type { KeyUsage, LimitStatus } from '../observability/limit-types.js';
import type { RequestRecord } from '../observability/types.js';
import type { CredentialTestResult, ModelListing } from '../providers/types.js';
import type { HttpClient } from '../transport/http-client.js';
import type { PipelineEnv, PipelineHooks } from './pipeline-types.js';

export interface ListenInfo {
  host: string;
  port: number;
  /** Base URL for OpenAI-style clients, e.g. http://127.0.0.1:5731/v1 */
  url: string;
  /** Every address actually listened on, e.g. `127.0.0.1:5731`, `[::1]:5731`, `0.0.0.0:5731`. */
  bound?: string[];
  /** True when other devices can reach the proxy (any bind that is not the loopback). */
  lan?: boolean;
  /** Base URLs other devices can use (this machine's network addresses), when `lan`. */
  lanUrls?: string[];
}

export type ProxyState = 'stopped' | 'starting' | 'running' | 'stopping' | 'error';

export interface ProxyStatus {
  state: ProxyState;
  listen?: ListenInfo;
  /** Why the proxy is in the error state, in plain words. */
  error?: string;
}

/** A model as clients see it in /v1/models. */
export interface PublicModel {
  id: string;
  routes: Array<{ account: string; provider: string; upstreamModel: string }>;
}

export interface ProxyStats {
  startedAt?: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  activeStreams: number;
}

/** The programmatic face of proxy-core: what the CLI and the desktop app drive. */
export interface ProxyHandle {
  /** Binds and starts serving. Rejects with a clear error when the port is taken. */
  start(): Promise<ListenInfo>;
  /** Stops accepting, lets in-flight requests finish for up to drainMs, then closes them. */
  stop(opts?: { drainMs?: number }): Promise<void>;
  /** Applies a new config without dropping in-flight streams; rebinds only if host/port changed. */
  reconfigure(config: KeybridgeConfig): Promise<void>;
  status(): ProxyStatus;
  stats(): ProxyStats;
  /** Subscribes to request records; returns an unsubscribe function. */
  onRequest(listener: (record: RequestRecord) => void): () => void;
  /** Public models, discovering from upstreams where accounts ask for it. */
  listModels(): Promise<PublicModel[]>;
  /** One account's models (discovered or configured) with the reason for the source. */
  listAccountModels(accountId: string): Promise<ModelListing>;
  testAccount(accountId: string): Promise<CredentialTestResult>;
  /** Every configured limit (global, per account, per access key) with its use now. */
  limits(): LimitStatus[];
  /** Fires once when a limit crosses 80 % and once when it is reached (per period); returns an unsubscribe function. */
  onLimit(listener: (status: LimitStatus) => void): () => void;
  /** Usage per configured access key (today, this month, since first use). */
  keyUsage(): KeyUsage[];
  /** Models used that have no price: they count against token limits only. */
  unpricedModels(): string[];
}

/** How `createProxy` is set up besides its config (tests and the app). */
export interface CreateProxyOptions {
  /** Directory that relative paths in the config resolve against (the config file's folder). */
  baseDir?: string;
  now?: () => number;
  /** Environment for HTTPS_PROXY/NO_PROXY in `outboundProxy: env` mode (default process.env). */
  env?: Record<string, string | undefined>;
  /** Builds the HTTP client of an account (default: its outbound proxy and the configured timeouts). */
  httpClientFor?: (account: KeybridgeConfig['accounts'][number], config: KeybridgeConfig) => HttpClient;
  hooks?: PipelineHooks;
  /** A check before each try of a request is sent (see PipelineEnv.beforeSend). */
  beforeSend?: PipelineEnv['beforeSend'];
  /** File where spend-limit usage persists (by day and month, local time); omit to keep it in memory. */
  ledgerPath?: string;
  /** Where warnings go (a damaged ledger file); default console.warn. */
  warn?: (message: string) => void;
}
