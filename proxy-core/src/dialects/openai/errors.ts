import { kindForStatus, type ProxyError } from '../../canonical/errors.js';
import type { ErrorInfo, ErrorKind } from '../../canonical/types.js';
import { errorTypeOf, kindOfErrorType } from '../error-types.js';
import type { OutboundEvent } from '../types.js';

type Json = Record<string, unknown>;

/** OpenAI's own names (the others are `<kind>_error`, see dialects/error-types.ts). */
const OWN_TYPE_FOR_KIND: Partial<Record<ErrorKind, string>> = {
  payload_too_large: 'invalid_request_error',
  unsupported_media_type: 'invalid_request_error',
  overloaded: 'server_error',
  internal: 'server_error',
};

const OWN_KIND_FOR_TYPE: Record<string, ErrorKind> = {
  insufficient_quota: 'rate_limit',
  server_error: 'upstream',
};

/** ProxyError → `{"error":{"message","type","code","param"}}`; the message carries the hint. */
export function encodeOpenaiError(err: ProxyError): Json {
  return {
    error: {
      message: err.userMessage,
      type: errorTypeOf(err.kind, OWN_TYPE_FOR_KIND),
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
  const kind = kindOfErrorType(type, OWN_KIND_FOR_TYPE) ?? kindForStatus(effectiveStatus);
  return { status: effectiveStatus, kind, message };
}
