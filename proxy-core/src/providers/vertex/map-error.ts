import { isRetryableStatus, kindForStatus, ProxyError, parseRetryAfter } from '../../canonical/errors.js';
import { isJsonObject } from '../../canonical/json.js';
import { googleErrorObject, parseDuration } from '../../dialects/gemini/errors.js';
import { proxyMsg } from '../../messages.js';
import type { UpstreamErrorResponse } from '../types.js';
import { regionsToTry } from './catalog.js';
import { publisherFor } from './endpoint.js';

/** What the error mapper knows about the account that made the call. */
export interface VertexErrorContext {
  account: string;
  projectId: string;
  region: string;
  clientEmail: string;
  upstreamModel?: string;
  /** Current time, for HTTP-date Retry-After values. */
  now?: number;
}

/** One entry of a Google error's `details` (ErrorInfo, RetryInfo, QuotaFailure, Help…). */
interface GoogleErrorDetail {
  '@type'?: string;
  reason?: string;
  domain?: string;
  metadata?: Record<string, string>;
  retryDelay?: string;
  links?: Array<{ description?: string; url?: string }>;
}

/** An upstream error body, read from any of the shapes Vertex answers with. */
export interface ParsedUpstreamError {
  message: string;
  /** Google `status` (PERMISSION_DENIED…) or Anthropic `error.type` (overloaded_error…). */
  status?: string;
  details: GoogleErrorDetail[];
}

/**
 * Reads Google's `{error:{code,message,status,details}}` (also wrapped in an array, as
 * non-SSE streamGenerateContent sends it), Anthropic's `{type:"error",error:{type,message}}`
 * (Claude's own errors pass through rawPredict), or plain text.
 */
export function parseUpstreamError(body: string): ParsedUpstreamError {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const text = body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return { message: text.slice(0, 300), details: [] };
  }
  if (Array.isArray(json)) json = json[0];
  const e = googleErrorObject(json);
  if (e) {
    const details = Array.isArray(e.details)
      ? e.details.filter(isJsonObject).map((d) => d as GoogleErrorDetail)
      : [];
    const status = typeof e.status === 'string' ? e.status : typeof e.type === 'string' ? e.type : undefined;
    return { message: typeof e.message === 'string' ? e.message : '', status, details };
  }
  if (isJsonObject(json) && typeof json.message === 'string') return { message: json.message, details: [] };
  return { message: body.slice(0, 300), details: [] };
}

function errorInfo(p: ParsedUpstreamError): GoogleErrorDetail | undefined {
  return p.details.find((d) => d['@type']?.endsWith('google.rpc.ErrorInfo'));
}

/** RetryInfo `retryDelay` ("34.4s") in milliseconds. */
function retryDelayMs(p: ParsedUpstreamError): number | undefined {
  return parseDuration(p.details.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay);
}

function headerValue(headers: UpstreamErrorResponse['headers'], name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function listOr(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** Turns a Vertex error response into a ProxyError whose hint says what to do. */
export function mapVertexError(res: UpstreamErrorResponse, ctx: VertexErrorContext): ProxyError {
  const p = parseUpstreamError(res.body);
  const info = errorInfo(p);
  const reason = info?.reason;
  const model = ctx.upstreamModel;
  const msg = p.message;
  const base = {
    status: res.status,
    account: ctx.account,
    upstreamModel: model,
    retryable: isRetryableStatus(res.status),
  };
  const upstreamSays = msg ? ` Google said: ${msg}` : '';

  if (
    reason === 'SERVICE_DISABLED' ||
    /has not been used in project|API has not been used|is disabled\. Enable it/i.test(msg)
  ) {
    const url =
      info?.metadata?.activationUrl ??
      `https://console.cloud.google.com/apis/library/aiplatform.googleapis.com?project=${encodeURIComponent(ctx.projectId)}`;
    return new ProxyError('permission', `The Vertex AI API is not enabled in project ${ctx.projectId}`, {
      ...base,
      code: 'vertex_api_disabled',
      hint: `Open ${url}, click Enable, wait a few minutes, then try again.`,
      messageRef: proxyMsg('vertexApiDisabled', { project: ctx.projectId }),
      hintRef: proxyMsg('vertexApiDisabledHint', { url }),
    });
  }

  if (
    reason === 'BILLING_DISABLED' ||
    /billing (is )?(not enabled|disabled)|enable billing|requires billing/i.test(msg)
  ) {
    return new ProxyError('permission', `Billing is not enabled for project ${ctx.projectId}`, {
      ...base,
      code: 'vertex_billing_disabled',
      hint: 'In the Google Cloud console open Billing, link a billing account to this project, then try again.',
      messageRef: proxyMsg('vertexBillingDisabled', { project: ctx.projectId }),
      hintRef: proxyMsg('vertexBillingDisabledHint'),
    });
  }

  if (reason === 'CONSUMER_INVALID' || /Permission denied on resource project/i.test(msg)) {
    return new ProxyError(
      'permission',
      `Google Cloud project ${ctx.projectId} was not found, or ${ctx.clientEmail} cannot see it`,
      {
        ...base,
        code: 'vertex_project_invalid',
        hint: 'Check the project ID: it is "project_id" in the key file, or the account\'s projectId setting. Use the project ID (like my-project-123456), not the project name or number.',
        messageRef: proxyMsg('vertexProjectInvalid', { project: ctx.projectId, email: ctx.clientEmail }),
        hintRef: proxyMsg('vertexProjectInvalidHint'),
      },
    );
  }

  if (
    model &&
    publisherFor(model) === 'anthropic' &&
    /not allowed to use Publisher Model|not enabled for (this )?project|Model Garden|accept the terms/i.test(
      msg,
    )
  ) {
    return new ProxyError('permission', `Claude (${model}) is not enabled for project ${ctx.projectId}`, {
      ...base,
      code: 'vertex_claude_not_enabled',
      hint: `In the Google Cloud console open Vertex AI → Model Garden, search for "${model.split('@')[0]}", click Enable and accept Anthropic's terms, then try again.`,
      messageRef: proxyMsg('vertexClaudeNotEnabled', { model, project: ctx.projectId }),
      hintRef: proxyMsg('vertexClaudeNotEnabledHint', { model: model.split('@')[0] ?? model }),
    });
  }

  if (res.status === 403 || p.status === 'PERMISSION_DENIED' || reason === 'IAM_PERMISSION_DENIED') {
    return new ProxyError(
      'permission',
      `The service account ${ctx.clientEmail} is not allowed to use Vertex AI in project ${ctx.projectId}`,
      {
        ...base,
        code: 'vertex_permission_denied',
        hint: `In the Google Cloud console open IAM & Admin → IAM, grant ${ctx.clientEmail} the role "Vertex AI User" (roles/aiplatform.user), wait a minute, then try again.${upstreamSays}`,
        messageRef: proxyMsg('vertexPermissionDenied', { email: ctx.clientEmail, project: ctx.projectId }),
        hintRef: proxyMsg('vertexPermissionDeniedHint', { email: ctx.clientEmail }),
      },
    );
  }

  if (res.status === 429 || p.status === 'RESOURCE_EXHAUSTED') {
    const retryAfterMs = parseRetryAfter(headerValue(res.headers, 'retry-after'), ctx.now) ?? retryDelayMs(p);
    const where = model ? `${model} in ${ctx.region}` : ctx.region;
    const globalHint =
      ctx.region === 'global'
        ? ''
        : ' Region "global" spreads requests over many regions and is less often full.';
    return new ProxyError(
      'rate_limit',
      `Vertex AI quota is used up for ${where} (project ${ctx.projectId})${msg ? ` (Google said: ${msg})` : ''}`,
      {
        ...base,
        status: 429,
        retryable: true,
        retryAfterMs,
        code: 'vertex_quota_exhausted',
        hint: `Wait${retryAfterMs ? ` ${Math.ceil(retryAfterMs / 1000)} s` : ' a minute'} and try again.${globalHint} For a higher limit, request a quota increase under IAM & Admin → Quotas.`,
        messageRef: msg
          ? proxyMsg('vertexQuotaSaid', { where, project: ctx.projectId, detail: msg })
          : proxyMsg('vertexQuota', { where, project: ctx.projectId }),
        hintRef: retryAfterMs
          ? proxyMsg(ctx.region === 'global' ? 'vertexQuotaHintWaitGlobal' : 'vertexQuotaHintWait', {
              seconds: Math.ceil(retryAfterMs / 1000),
            })
          : proxyMsg(ctx.region === 'global' ? 'vertexQuotaHintGlobal' : 'vertexQuotaHint'),
      },
    );
  }

  const notFound =
    res.status === 404 ||
    p.status === 'NOT_FOUND' ||
    /Publisher Model .* (was )?not found|model .* not (found|supported|available|servable)/i.test(msg);
  if (notFound && model) {
    const others = regionsToTry(model, ctx.region);
    return new ProxyError('not_found', `${model} is not available in region ${ctx.region}`, {
      ...base,
      status: 404,
      code: 'vertex_model_not_in_region',
      hint:
        others.length > 0
          ? `Set the account's region to ${listOr(others.map((r) => `"${r}"`))}, where ${model} is offered.`
          : `Check the model id (Claude ids look like claude-sonnet-4-5@20250929, Gemini ids like gemini-2.5-flash) and that Google offers it in ${ctx.region}.`,
      messageRef: proxyMsg('vertexModelNotInRegion', { model, region: ctx.region }),
      hintRef:
        others.length > 0
          ? proxyMsg('vertexModelOtherRegionsHint', {
              regions: others.map((r) => `"${r}"`).join(', '),
              model,
            })
          : proxyMsg('vertexModelCheckIdHint', { region: ctx.region }),
    });
  }

  if (res.status === 401 || p.status === 'UNAUTHENTICATED') {
    return new ProxyError(
      'authentication',
      'Google did not accept the access token for this service account',
      {
        ...base,
        code: 'vertex_unauthenticated',
        hint: 'The key may have been deleted or the service account disabled. Create a new JSON key for it and paste it again.',
        messageRef: proxyMsg('vertexUnauthenticated'),
        hintRef: proxyMsg('vertexUnauthenticatedHint'),
      },
    );
  }

  if (p.status === 'overloaded_error' || res.status === 529 || res.status === 503) {
    return new ProxyError(
      'overloaded',
      `Vertex AI is overloaded${model ? ` for ${model}` : ''} in ${ctx.region}`,
      {
        ...base,
        retryable: true,
        hint:
          ctx.region === 'global'
            ? 'Try again in a moment.'
            : 'Try again in a moment, or use region "global".',
        messageRef: model
          ? proxyMsg('vertexOverloadedModel', { model, region: ctx.region })
          : proxyMsg('vertexOverloaded', { region: ctx.region }),
        hintRef: proxyMsg(ctx.region === 'global' ? 'vertexOverloadedGlobalHint' : 'vertexOverloadedHint'),
      },
    );
  }

  const kind = kindForStatus(res.status);
  return new ProxyError(kind, msg ? `Vertex AI: ${msg}` : `Vertex AI answered with HTTP ${res.status}`, {
    ...base,
    hint:
      kind === 'invalid_request'
        ? 'The request was refused as written; the message above says which part.'
        : res.status >= 500
          ? 'Google had a problem; try again in a moment.'
          : undefined,
    messageRef: msg
      ? proxyMsg('vertexSaid', { detail: msg })
      : proxyMsg('vertexStatus', { status: res.status }),
    hintRef:
      kind === 'invalid_request'
        ? proxyMsg('vertexRequestHint')
        : res.status >= 500
          ? proxyMsg('vertexServerHint')
          : undefined,
  });
}

/**
 * Maps a token endpoint failure (`{"error":"invalid_grant","error_description":…}`) to the
 * action the user must take.
 */
export function mapTokenError(status: number, body: string, clientEmail: string): ProxyError {
  let code = '';
  let description = '';
  try {
    const j = JSON.parse(body) as unknown;
    if (isJsonObject(j)) {
      // OAuth's form (`error`, `error_description`) or Google's JSON error (`error.status`, `.message`).
      const google = isJsonObject(j.error) ? j.error : {};
      const text = (...vs: unknown[]) => vs.find((v): v is string => typeof v === 'string') ?? '';
      code = text(j.error, google.status);
      description = text(j.error_description, google.message);
    }
  } catch {
    description = body.slice(0, 200);
  }
  const says = description ? ` (Google said: ${description})` : '';
  const opts = { status: status >= 500 ? 502 : 401, code: 'vertex_token_refused' };
  if (status >= 500) {
    return new ProxyError('upstream', `Google's sign-in service failed (HTTP ${status})${says}`, {
      ...opts,
      retryable: true,
      hint: 'This is on Google’s side; try again in a moment.',
      messageRef: description
        ? proxyMsg('vertexSignInFailedSaid', { status, detail: description })
        : proxyMsg('vertexSignInFailed', { status }),
      hintRef: proxyMsg('vertexSignInFailedHint'),
    });
  }
  if (
    /Invalid JWT Signature|invalid_client|key.*(not found|deleted|disabled)|account not found|disabled/i.test(
      `${code} ${description}`,
    )
  ) {
    return new ProxyError(
      'authentication',
      `Google refused the service-account key for ${clientEmail}${says}`,
      {
        ...opts,
        hint: 'The key was deleted or the service account was disabled or removed. In IAM & Admin → Service Accounts, check the account and create a new JSON key.',
        messageRef: description
          ? proxyMsg('vertexKeyRefusedSaid', { email: clientEmail, detail: description })
          : proxyMsg('vertexKeyRefused', { email: clientEmail }),
        hintRef: proxyMsg('vertexKeyRefusedHint'),
      },
    );
  }
  if (/iat|exp|timeframe|short-lived/i.test(description)) {
    return new ProxyError(
      'authentication',
      `Google refused the sign-in because this computer's clock looks wrong${says}`,
      {
        ...opts,
        hint: 'Set your computer’s date, time and time zone to update automatically, then try again.',
        messageRef: description
          ? proxyMsg('vertexClockSaid', { detail: description })
          : proxyMsg('vertexClock'),
        hintRef: proxyMsg('vertexClockHint'),
      },
    );
  }
  // Refused for another reason: a key of the wrong kind (scope, client) or, else, one to replace.
  const wrongKind = code === 'invalid_scope' || code === 'unauthorized_client';
  return new ProxyError('authentication', `Google refused the sign-in for ${clientEmail}${says}`, {
    ...opts,
    hint: wrongKind
      ? 'Make sure the key is a service-account key from the Google Cloud console; create a new JSON key if unsure.'
      : 'Create a new JSON key for the service account and paste it again.',
    messageRef: description
      ? proxyMsg('vertexSignInRefusedSaid', { email: clientEmail, detail: description })
      : proxyMsg('vertexSignInRefused', { email: clientEmail }),
    hintRef: proxyMsg(wrongKind ? 'vertexScopeHint' : 'vertexNewKeyHint'),
  });
}
