import { kindForStatus, ProxyError } from '../../canonical/errors.js';
import { isJsonObject, type JsonObject } from '../../canonical/json.js';
import type { ErrorKind } from '../../canonical/types.js';
import type { OutboundEvent } from '../types.js';
import type { GoogleErrorBody } from './types.js';

const GOOGLE_STATUS: Record<ErrorKind, string> = {
  invalid_request: 'INVALID_ARGUMENT',
  authentication: 'UNAUTHENTICATED',
  permission: 'PERMISSION_DENIED',
  not_found: 'NOT_FOUND',
  payload_too_large: 'INVALID_ARGUMENT',
  unsupported_media_type: 'INVALID_ARGUMENT',
  rate_limit: 'RESOURCE_EXHAUSTED',
  overloaded: 'UNAVAILABLE',
  timeout: 'DEADLINE_EXCEEDED',
  upstream: 'UNAVAILABLE',
  internal: 'INTERNAL',
};

/** Renders a ProxyError as Google's error body; the hint is part of the message users see. */
export function encodeGeminiError(err: ProxyError): GoogleErrorBody {
  const body: GoogleErrorBody = {
    error: { code: err.status, message: err.userMessage, status: GOOGLE_STATUS[err.kind] },
  };
  if (err.retryAfterMs !== undefined) {
    body.error.details = [
      {
        '@type': 'type.googleapis.com/google.rpc.RetryInfo',
        retryDelay: `${(err.retryAfterMs / 1000).toFixed(3).replace(/\.?0+$/, '')}s`,
      },
    ];
  }
  return body;
}

/** A mid-stream error is one SSE data event carrying the error object, as Google sends it. */
export function encodeGeminiStreamError(err: ProxyError): OutboundEvent[] {
  return [{ data: JSON.stringify(encodeGeminiError(err)) }];
}

/** What Keybridge reads out of a Google error body. */
export interface GoogleErrorFacts {
  code?: number;
  message: string;
  status?: string;
  /** google.rpc.ErrorInfo reason, e.g. API_KEY_INVALID. */
  reason?: string;
  retryAfterMs?: number;
  quotaIds: string[];
}

/** "34.4s" → 34400 (google.protobuf.Duration JSON form). */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/**
 * The error object of a Google error body `{"error":{…}}` (also the array form some Google
 * endpoints send, and a body already parsed); undefined if the body is not one.
 */
export function googleErrorObject(body: unknown): JsonObject | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (Array.isArray(value)) value = value[0];
  return isJsonObject(value) && isJsonObject(value.error) ? value.error : undefined;
}

/** Reads what Keybridge uses out of a Google error body; undefined if it is not one. */
export function parseGoogleError(body: unknown): GoogleErrorFacts | undefined {
  const e = googleErrorObject(body);
  if (!e) return undefined;
  const facts: GoogleErrorFacts = {
    message: typeof e.message === 'string' ? e.message : 'Unknown error',
    quotaIds: [],
  };
  if (typeof e.code === 'number') facts.code = e.code;
  if (typeof e.status === 'string') facts.status = e.status;
  for (const d of Array.isArray(e.details) ? e.details : []) {
    if (d === null || typeof d !== 'object') continue;
    const detail = d as Record<string, unknown>;
    const type = String(detail['@type'] ?? '');
    if (type.endsWith('google.rpc.ErrorInfo') && typeof detail.reason === 'string')
      facts.reason = detail.reason;
    if (type.endsWith('google.rpc.RetryInfo')) facts.retryAfterMs = parseDuration(detail.retryDelay);
    if (type.endsWith('google.rpc.QuotaFailure') && Array.isArray(detail.violations)) {
      for (const v of detail.violations) {
        const id = (v as { quotaId?: unknown })?.quotaId;
        if (typeof id === 'string') facts.quotaIds.push(id);
      }
    }
  }
  return facts;
}

const KIND_FOR_GOOGLE_STATUS: Record<string, ErrorKind> = {
  INVALID_ARGUMENT: 'invalid_request',
  FAILED_PRECONDITION: 'invalid_request',
  OUT_OF_RANGE: 'invalid_request',
  UNAUTHENTICATED: 'authentication',
  PERMISSION_DENIED: 'permission',
  NOT_FOUND: 'not_found',
  RESOURCE_EXHAUSTED: 'rate_limit',
  UNAVAILABLE: 'overloaded',
  DEADLINE_EXCEEDED: 'timeout',
  INTERNAL: 'upstream',
};

const DEFAULT_HINTS: Partial<Record<ErrorKind, string>> = {
  rate_limit: 'Wait a moment and try again.',
  overloaded: 'Google’s service is busy; try again in a moment.',
  upstream: 'Google’s service had a problem; try again in a moment.',
  timeout: 'Google took too long to answer; try again.',
};

/** A Google error (HTTP status + body) → ProxyError with a generic hint (providers add specific ones). */
export function googleErrorToProxyError(httpStatus: number, body: unknown): ProxyError {
  const facts = parseGoogleError(body);
  const status = httpStatus >= 400 ? httpStatus : (facts?.code ?? 500);
  const kind =
    (facts?.status &&
      Object.hasOwn(KIND_FOR_GOOGLE_STATUS, facts.status) &&
      KIND_FOR_GOOGLE_STATUS[facts.status]) ||
    kindForStatus(status);
  const message = facts ? `Gemini: ${facts.message}` : `Gemini answered with HTTP ${status}`;
  return new ProxyError(kind, message, {
    status,
    code: facts?.reason ?? facts?.status,
    retryAfterMs: facts?.retryAfterMs,
    retryable: status === 429 || status >= 500,
    hint: DEFAULT_HINTS[kind],
  });
}
