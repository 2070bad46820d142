import { kindForStatus, type ProxyError } from '../../canonical/errors.js';
import type { ErrorInfo, ErrorKind } from '../../canonical/types.js';
import { errorTypeOf, kindOfErrorType } from '../error-types.js';
import type { OutboundEvent } from '../types.js';

type Json = Record<string, unknown>;

/** Anthropic's own names (the others are `<kind>_error`, see dialects/error-types.ts). */
const OWN_TYPE_FOR_KIND: Partial<Record<ErrorKind, string>> = {
  payload_too_large: 'request_too_large',
  unsupported_media_type: 'invalid_request_error',
  upstream: 'api_error',
  internal: 'api_error',
};

const OWN_KIND_FOR_TYPE: Record<string, ErrorKind> = {
  request_too_large: 'payload_too_large',
  overloaded_error: 'overloaded',
  timeout_error: 'timeout',
  api_error: 'upstream',
  billing_error: 'permission',
};

const STATUS_FOR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** ProxyError → `{"type":"error","error":{"type","message"}}`; the message carries the hint. */
export function encodeAnthropicError(err: ProxyError): Json {
  return {
    type: 'error',
    error: { type: errorTypeOf(err.kind, OWN_TYPE_FOR_KIND), message: err.userMessage },
  };
}

/** A mid-stream error: `event: error`, which @anthropic-ai/sdk raises as an APIError. */
export function encodeAnthropicStreamError(err: ProxyError): OutboundEvent[] {
  return [{ event: 'error', data: JSON.stringify(encodeAnthropicError(err)) }];
}

/** Reads an Anthropic error body (`{"type":"error","error":{...}}`) into ErrorInfo. */
export function errorInfoFromAnthropicBody(body: unknown, status?: number): ErrorInfo {
  const b = body !== null && typeof body === 'object' ? (body as Json) : {};
  const e = b.error !== null && typeof b.error === 'object' ? (b.error as Json) : {};
  const type = typeof e.type === 'string' ? e.type : undefined;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : 'Claude reported an error';
  const effective =
    status ?? (type && Object.hasOwn(STATUS_FOR_TYPE, type) ? STATUS_FOR_TYPE[type] : undefined) ?? 502;
  const kind = kindOfErrorType(type, OWN_KIND_FOR_TYPE) ?? kindForStatus(effective);
  return { status: effective, kind, message };
}
