import { kindForStatus, type ProxyError } from '../../canonical/errors.js';
import type { ErrorInfo, ErrorKind } from '../../canonical/types.js';
import type { OutboundEvent } from '../types.js';

type Json = Record<string, unknown>;

const TYPE_FOR_KIND: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  payload_too_large: 'invalid_request_error',
  unsupported_media_type: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  overloaded: 'server_error',
  timeout: 'timeout_error',
  upstream: 'upstream_error',
  internal: 'server_error',
};

const KIND_FOR_TYPE: Record<string, ErrorKind> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'authentication',
  permission_error: 'permission',
  not_found_error: 'not_found',
  rate_limit_error: 'rate_limit',
  insufficient_quota: 'rate_limit',
  server_error: 'upstream',
};

/** ProxyError → `{"error":{"message","type","code","param"}}`; the message carries the hint. */
export function encodeOpenaiError(err: ProxyError): Json {
  return {
    error: {
      message: err.userMessage,
      type: TYPE_FOR_KIND[err.kind],
      code: err.code ?? err.kind,
      param: null,
    },
  };
}

/** A mid-stream error: a data event with an `error` object, which the openai SDK raises. */
export function encodeOpenaiStreamError(err: ProxyError): OutboundEvent[] {
  return [{ data: JSON.stringify(encodeOpenaiError(err)) }];
}

/** Reads an OpenAI-style error body (`{"error":{...}}`) into ErrorInfo. */
export function errorInfoFromOpenaiBody(body: unknown, status: number): ErrorInfo {
  const b = body !== null && typeof body === 'object' ? (body as Json) : {};
  const e = b.error !== null && typeof b.error === 'object' ? (b.error as Json) : b;
  const message =
    typeof e.message === 'string' && e.message !== ''
      ? e.message
      : typeof b.error === 'string'
        ? b.error
        : 'The upstream reported an error';
  const type = typeof e.type === 'string' ? e.type : typeof e.code === 'string' ? e.code : undefined;
  const code = typeof e.code === 'number' ? e.code : undefined;
  const effectiveStatus = code && code >= 400 ? code : status;
  const kind =
    (type && Object.hasOwn(KIND_FOR_TYPE, type) ? KIND_FOR_TYPE[type] : undefined) ??
    kindForStatus(effectiveStatus);
  return { status: effectiveStatus, kind, message };
}
