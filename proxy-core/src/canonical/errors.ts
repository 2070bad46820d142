import { type MessageRef, proxyMsg } from '../messages.js';
import type { ErrorInfo, ErrorKind } from './types.js';

const STATUS_FOR_KIND: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limit: 429,
  overloaded: 529,
  timeout: 504,
  upstream: 502,
  internal: 500,
};

export interface ProxyErrorOptions {
  status?: number;
  hint?: string;
  /** Machine-readable code for the client (OpenAI `code`). */
  code?: string;
  /** Milliseconds the caller should wait before retrying (from retry-after and the like). */
  retryAfterMs?: number;
  /** Which account and upstream model failed, for messages and the request record. */
  account?: string;
  upstreamModel?: string;
  /** True when the failure is worth trying on another route or key (429, 5xx, connection). */
  retryable?: boolean;
  /**
   * A rule of this route's account refused the request before anything was sent (it may not drop a
   * parameter): another route may still serve it.
   */
  routeRefusal?: boolean;
  cause?: unknown;
  /** The message and the hint as catalog codes (proxy-core/src/messages.ts), for windows in other languages. */
  messageRef?: MessageRef;
  hintRef?: MessageRef;
}

/**
 * The one error type of proxy-core: a user-facing message, a hint the user can act on,
 * and an HTTP status. Dialects render it in their own JSON shapes.
 */
export class ProxyError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly hint?: string;
  readonly code?: string;
  readonly retryAfterMs?: number;
  readonly account?: string;
  readonly upstreamModel?: string;
  readonly retryable: boolean;
  readonly routeRefusal: boolean;
  readonly messageRef?: MessageRef;
  readonly hintRef?: MessageRef;

  constructor(kind: ErrorKind, message: string, options: ProxyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProxyError';
    this.kind = kind;
    this.status = options.status ?? STATUS_FOR_KIND[kind];
    this.hint = options.hint;
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
    this.account = options.account;
    this.upstreamModel = options.upstreamModel;
    this.retryable = options.retryable ?? false;
    this.routeRefusal = options.routeRefusal ?? false;
    this.messageRef = options.messageRef;
    this.hintRef = options.hintRef;
  }

  /** Rebuilds an error from its serialised form (a stream `error` event, a record). */
  static fromInfo(info: ErrorInfo): ProxyError {
    return new ProxyError(info.kind, info.message, {
      status: info.status,
      hint: info.hint,
      messageRef: info.messageRef,
      hintRef: info.hintRef,
    });
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { status: this.status, kind: this.kind, message: this.message, hint: this.hint };
    if (this.messageRef) info.messageRef = this.messageRef;
    if (this.hintRef) info.hintRef = this.hintRef;
    return info;
  }

  /** Message and hint in one line, as shown to users. */
  get userMessage(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
}

export function invalidRequest(
  message: string,
  hint?: string,
  refs?: { message: MessageRef; hint?: MessageRef },
): ProxyError {
  return new ProxyError('invalid_request', message, { hint, messageRef: refs?.message, hintRef: refs?.hint });
}

/** Wrap anything thrown into a ProxyError without losing its message. */
export function toProxyError(err: unknown): ProxyError {
  if (err instanceof ProxyError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProxyError('internal', `Internal error: ${message}`, {
    cause: err,
    messageRef: proxyMsg('internalError', { detail: message }),
  });
}

/** Maps an HTTP status to the error kind a client should see. */
export function kindForStatus(status: number): ErrorKind {
  if (status === 400 || status === 422) return 'invalid_request';
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'upstream';
  return 'invalid_request';
}

/** Statuses worth failing over on, before the first byte reaches the client. */
export function isRetryableStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 408 || status === 429 || status >= 500;
}

/** Parses a Retry-After header (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return undefined;
}

/** Code of a connection to an upstream that failed or was cut (reset, refused, DNS). */
export const UPSTREAM_CUT = 'upstream_connection_failed';
/** Code of an upstream answer that could not be read (not JSON, cut short). */
export const UPSTREAM_UNREADABLE = 'upstream_unreadable_answer';
/** The `code` a provider sets when a key's quota or credit is used up (OpenAI's own code); the key pool cools such a key down longer. */
export const QUOTA_EXHAUSTED_CODE = 'insufficient_quota';
