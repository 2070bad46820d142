import { isRetryableStatus, kindForStatus, ProxyError, parseRetryAfter } from '../../canonical/errors.js';
import { parseGoogleError } from '../../dialects/gemini/errors.js';
import { proxyMsg } from '../../messages.js';
import type { UpstreamErrorResponse } from '../types.js';

export interface GoogleAiErrorContext {
  account: string;
  upstreamModel?: string;
}

function header(headers: UpstreamErrorResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s === 1 ? '1 second' : `${s} seconds`;
}

/** Google's own words, kept beside our sentence (never replaced by it). */
function said(googleMessage: string): string {
  return googleMessage ? ` (Google said: ${googleMessage})` : '';
}

/**
 * A Google AI Studio error response → a ProxyError that says what happened and what to do:
 * invalid key, quota exhausted (with Google's retry delay), unsupported region, unknown model.
 */
export function mapGoogleAiError(res: UpstreamErrorResponse, ctx: GoogleAiErrorContext): ProxyError {
  const facts = parseGoogleError(res.body);
  const googleMessage = facts?.message ?? '';
  const model = ctx.upstreamModel;
  const base = { account: ctx.account, upstreamModel: model };

  if (facts?.reason === 'API_KEY_INVALID' || /api key (not valid|expired|invalid)/i.test(googleMessage)) {
    return new ProxyError(
      'authentication',
      `Google AI Studio did not accept the API key.${said(googleMessage)}`,
      {
        ...base,
        status: 401,
        code: facts?.reason ?? 'API_KEY_INVALID',
        hint: 'Copy the key again from aistudio.google.com/apikey and paste it into this account (it starts with "AIza").',
        retryable: true,
        messageRef: googleMessage
          ? proxyMsg('googleAiBadKeySaid', { detail: googleMessage })
          : proxyMsg('googleAiBadKey'),
        hintRef: proxyMsg('googleAiBadKeyHint'),
      },
    );
  }

  if (res.status === 429 || facts?.status === 'RESOURCE_EXHAUSTED') {
    const retryAfterMs = facts?.retryAfterMs ?? parseRetryAfter(header(res.headers, 'retry-after'));
    const freeTier = facts?.quotaIds.some((q) => /FreeTier/i.test(q)) ?? false;
    const perDay = facts?.quotaIds.some((q) => /PerDay/i.test(q)) ?? false;
    const wait =
      retryAfterMs !== undefined
        ? `Wait ${seconds(retryAfterMs)} and try again`
        : 'Wait a little and try again';
    const quota = `Google AI Studio quota used up${model ? ` for ${model}` : ''}.${said(googleMessage)}`;
    return new ProxyError('rate_limit', quota, {
      ...base,
      status: 429,
      code: 'RESOURCE_EXHAUSTED',
      retryAfterMs,
      retryable: true,
      hint: perDay
        ? "This key's daily quota is spent; it renews tomorrow. Add another key or enable billing in Google AI Studio."
        : `${wait}${freeTier ? ', or enable billing in Google AI Studio for higher limits' : ''}.`,
      messageRef: googleMessage
        ? model
          ? proxyMsg('googleAiQuotaModelSaid', { model, detail: googleMessage })
          : proxyMsg('googleAiQuotaSaid', { detail: googleMessage })
        : model
          ? proxyMsg('googleAiQuotaModel', { model })
          : proxyMsg('googleAiQuota'),
      hintRef: perDay
        ? proxyMsg('googleAiQuotaDailyHint')
        : retryAfterMs !== undefined
          ? proxyMsg(freeTier ? 'googleAiQuotaWaitBillingHint' : 'googleAiQuotaWaitHint', {
              seconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
            })
          : proxyMsg(freeTier ? 'googleAiQuotaLaterBillingHint' : 'googleAiQuotaLaterHint'),
    });
  }

  if (facts?.status === 'FAILED_PRECONDITION' && /location|country|region/i.test(googleMessage)) {
    const billing = /billing/i.test(googleMessage);
    return new ProxyError(
      'permission',
      `Google AI Studio is not available in your region.${said(googleMessage)}`,
      {
        ...base,
        status: 403,
        code: 'FAILED_PRECONDITION',
        hint: billing
          ? 'The free tier is not offered in your country: enable billing for the key’s project in Google AI Studio, or use Vertex AI.'
          : 'Google blocks the Gemini API in some countries. Set an outbound proxy in a supported region for this account, or use Vertex AI instead.',
        messageRef: googleMessage
          ? proxyMsg('googleAiRegionSaid', { detail: googleMessage })
          : proxyMsg('googleAiRegion'),
        hintRef: proxyMsg(billing ? 'googleAiRegionBillingHint' : 'googleAiRegionHint'),
      },
    );
  }

  if ((res.status === 404 || facts?.status === 'NOT_FOUND') && !model) {
    return new ProxyError(
      'not_found',
      `Google AI Studio answered "not found" at this address.${said(googleMessage)}`,
      {
        ...base,
        status: 404,
        code: 'NOT_FOUND',
        hint: 'Leave the base URL empty for Google AI Studio, or check the gateway address you entered.',
        messageRef: googleMessage
          ? proxyMsg('googleAiNotFoundHereSaid', { detail: googleMessage })
          : proxyMsg('googleAiNotFoundHere'),
        hintRef: proxyMsg('googleAiNotFoundHereHint'),
      },
    );
  }

  if (res.status === 404 || facts?.status === 'NOT_FOUND') {
    return new ProxyError(
      'not_found',
      `Google AI Studio has no model "${model ?? 'unknown'}".${said(googleMessage)}`,
      {
        ...base,
        status: 404,
        code: 'NOT_FOUND',
        hint: 'Check the model id (for example gemini-2.5-flash); the account’s model list shows the ones your key can use.',
        messageRef: googleMessage
          ? proxyMsg('googleAiNoModelSaid', { model: model ?? 'unknown', detail: googleMessage })
          : proxyMsg('googleAiNoModel', { model: model ?? 'unknown' }),
        hintRef: proxyMsg('googleAiNoModelHint'),
      },
    );
  }

  if (res.status === 403 || facts?.status === 'PERMISSION_DENIED') {
    const disabled =
      facts?.reason === 'SERVICE_DISABLED' || /has not been used|is disabled/i.test(googleMessage);
    return new ProxyError(
      'permission',
      `Google AI Studio refused access: ${googleMessage || 'permission denied'}`,
      {
        ...base,
        status: 403,
        code: facts?.reason ?? 'PERMISSION_DENIED',
        retryable: true,
        hint: disabled
          ? 'Enable the "Generative Language API" for the key’s Google Cloud project, wait a few minutes, then try again.'
          : 'Check that this key may use this model; create a new key in Google AI Studio if needed.',
        messageRef: proxyMsg('googleAiRefused', { detail: googleMessage || 'permission denied' }),
        hintRef: proxyMsg(disabled ? 'googleAiDisabledHint' : 'googleAiRefusedHint'),
      },
    );
  }

  const status = res.status >= 400 ? res.status : 502;
  const kind = kindForStatus(status);
  const overloaded = status === 503 || facts?.status === 'UNAVAILABLE';
  const message = facts
    ? `Google AI Studio: ${googleMessage}`
    : `Google AI Studio answered HTTP ${status}${res.body.trim().startsWith('<') ? ' (a web page, not an API answer)' : ''}.`;
  return new ProxyError(overloaded ? 'overloaded' : kind, message, {
    ...base,
    status,
    code: facts?.reason ?? facts?.status,
    retryable: isRetryableStatus(status),
    retryAfterMs: parseRetryAfter(header(res.headers, 'retry-after')),
    hint:
      status >= 500
        ? 'Google’s service had a problem; try again in a moment.'
        : 'Google AI Studio refused the request as sent; the message above says which part.',
    messageRef: facts
      ? proxyMsg('googleAiSaid', { detail: googleMessage })
      : proxyMsg('googleAiStatus', { status }),
    hintRef: proxyMsg(status >= 500 ? 'googleAiServerHint' : 'googleAiRequestHint'),
  });
}
