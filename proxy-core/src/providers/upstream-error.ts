import { isRetryableStatus, kindForStatus, ProxyError, parseRetryAfter } from '../canonical/errors.js';
import { type MessageRef, proxyMsg } from '../messages.js';
import type { UpstreamErrorResponse } from './types.js';

/** Pulls the most useful message out of an upstream error body of any common shape. */
export function extractUpstreamMessage(body: string): { message?: string; code?: string; type?: string } {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const err = (Array.isArray(json) ? json[0]?.error : json.error) as unknown;
    if (err && typeof err === 'object') {
      const e = err as Record<string, unknown>;
      return {
        message: typeof e.message === 'string' ? e.message : undefined,
        code: typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : undefined,
        type: typeof e.type === 'string' ? e.type : typeof e.status === 'string' ? e.status : undefined,
      };
    }
    if (typeof err === 'string') return { message: err };
    if (typeof json.message === 'string') return { message: json.message };
    if (typeof json.detail === 'string') return { message: json.detail };
  } catch {
    // not JSON: fall through to the raw text
  }
  const text = body.trim().replace(/\s+/g, ' ');
  return { message: text ? text.slice(0, 300) : undefined };
}

function headerValue(h: UpstreamErrorResponse['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

const GENERIC_HINT_CODES: Record<number, MessageRef> = {
  401: proxyMsg('upstreamHint401'),
  403: proxyMsg('upstreamHint403'),
  404: proxyMsg('upstreamHint404'),
  429: proxyMsg('upstreamHint429'),
  500: proxyMsg('upstreamHint500'),
  502: proxyMsg('upstreamHint502'),
  503: proxyMsg('upstreamHint503'),
};

const GENERIC_HINTS: Record<number, string> = {
  401: 'The upstream rejected the credential: check the API key for this account.',
  403: 'The credential is valid but not allowed to do this: check its permissions or plan.',
  404: 'The upstream does not know this model or path: check the model id and the base URL.',
  429: 'The upstream is rate-limiting this account: wait a moment or add another key.',
  500: 'The upstream had an internal error: try again.',
  502: 'The upstream gateway failed: try again.',
  503: 'The upstream is overloaded or down: try again shortly.',
};

/**
 * The default mapping of an upstream error: keeps the upstream's own message, names the account
 * and model, and adds a generic hint. Providers refine it for errors their users actually hit.
 */
export function mapUpstreamError(
  res: UpstreamErrorResponse,
  ctx: { provider: string; account: string; upstreamModel?: string },
): ProxyError {
  const { message, code } = extractUpstreamMessage(res.body);
  const who = `${ctx.provider} account "${ctx.account}"${ctx.upstreamModel ? ` (model ${ctx.upstreamModel})` : ''}`;
  const text = message ? `${who}: ${message}` : `${who} answered HTTP ${res.status}`;
  const hint = GENERIC_HINTS[res.status] ?? (res.status >= 500 ? GENERIC_HINTS[500] : undefined);
  const hintRef = GENERIC_HINT_CODES[res.status] ?? (res.status >= 500 ? GENERIC_HINT_CODES[500] : undefined);
  const names = { provider: ctx.provider, account: ctx.account };
  const m = ctx.upstreamModel;
  const messageRef = message
    ? m
      ? proxyMsg('upstreamSaidModel', { ...names, model: m, detail: message })
      : proxyMsg('upstreamSaid', { ...names, detail: message })
    : m
      ? proxyMsg('upstreamStatusModel', { ...names, model: m, status: res.status })
      : proxyMsg('upstreamStatus', { ...names, status: res.status });
  return new ProxyError(kindForStatus(res.status), text, {
    status: res.status,
    hint,
    code,
    retryAfterMs: parseRetryAfter(headerValue(res.headers, 'retry-after')),
    retryable: isRetryableStatus(res.status),
    account: ctx.account,
    upstreamModel: ctx.upstreamModel,
    messageRef,
    hintRef,
  });
}
