import { kindForStatus, ProxyError, parseRetryAfter, QUOTA_EXHAUSTED_CODE } from '../../canonical/errors.js';
import { proxyMsg } from '../../messages.js';
import type { UpstreamErrorResponse } from '../types.js';
import type { AzureErrorAnswer, AzureErrorBody } from './api-types.js';

/**
 * Azure OpenAI error responses → ProxyErrors with hints a non-technical user can act on.
 * Azure's body is `{"error": {"code", "message", "innererror"?}}` (sometimes a bare
 * `{"statusCode", "message"}` from the API gateway).
 */

function parseBody(text: string): AzureErrorBody {
  try {
    const json = JSON.parse(text) as AzureErrorAnswer;
    if (json && typeof json === 'object') {
      if (json.error && typeof json.error === 'object') return json.error;
      if (typeof json.message === 'string') return { message: json.message };
    }
  } catch {
    // not JSON
  }
  const trimmed = text.trim();
  return trimmed ? { message: trimmed.slice(0, 300) } : {};
}

function header(headers: UpstreamErrorResponse['headers'], name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Readable names of Azure's content-filter categories. */
const CATEGORY_NAMES: Record<string, string> = {
  hate: 'hate',
  sexual: 'sexual content',
  violence: 'violence',
  self_harm: 'self-harm',
  jailbreak: 'jailbreak attempt',
  profanity: 'profanity',
  protected_material_text: 'protected text',
  protected_material_code: 'protected code',
  indirect_attack: 'indirect prompt attack',
};

/** The categories Azure's filter flagged, in words (e.g. ["sexual content (medium)"]). */
export function flaggedCategories(
  result: Record<string, { filtered?: boolean; detected?: boolean; severity?: string }> | undefined,
): string[] {
  if (!result) return [];
  return Object.entries(result)
    .filter(([, v]) => v && (v.filtered === true || (v.detected === true && v.filtered !== false)))
    .map(([k, v]) => {
      const name = CATEGORY_NAMES[k] ?? k.replace(/_/g, ' ');
      return v.severity && v.severity !== 'safe' ? `${name} (${v.severity})` : name;
    });
}

/** Reads Azure's retry hints: retry-after-ms, retry-after (seconds or date). */
export function azureRetryAfterMs(
  headers: UpstreamErrorResponse['headers'],
  now = Date.now(),
): number | undefined {
  const ms = Number(header(headers, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && header(headers, 'retry-after-ms') !== undefined)
    return Math.round(ms);
  return parseRetryAfter(header(headers, 'retry-after'), now);
}

export function mapAzureError(
  res: UpstreamErrorResponse,
  ctx: { upstreamModel?: string; account?: string; deployment?: string; now?: number },
): ProxyError {
  const body = parseBody(res.body);
  const message = body.message ?? `HTTP ${res.status}`;
  const code = body.code ?? '';
  const innerCode = body.innererror?.code ?? '';
  const deployment = ctx.deployment ?? ctx.upstreamModel;
  const base = { account: ctx.account, upstreamModel: ctx.upstreamModel, status: res.status };
  /** Azure's own words, kept beside our sentence (never replaced by it). */
  const said = body.message ? ` (Azure said: ${body.message})` : '';

  if (code === 'content_filter' || innerCode === 'ResponsibleAIPolicyViolation') {
    const cats = flaggedCategories(body.innererror?.content_filter_result);
    const what = cats.length > 0 ? cats.join(', ') : 'its content policy';
    return new ProxyError('invalid_request', `Azure's content filter blocked this request: ${what}`, {
      ...base,
      status: 400,
      code: 'content_filter',
      hint: 'Rephrase the message, or ask the Azure resource owner to adjust the content filter of this deployment.',
      messageRef: proxyMsg('azureContentFilter', { detail: what }),
      hintRef: proxyMsg('azureContentFilterHint'),
    });
  }

  if (/api[- ]version/i.test(message) && (res.status === 400 || res.status === 404)) {
    return new ProxyError('invalid_request', `Azure does not accept this api-version: ${message}`, {
      ...base,
      code: 'unsupported_api_version',
      hint: 'Set apiVersion in the account to a version your resource supports (for example 2024-10-21), or switch the account to the v1 API.',
      messageRef: proxyMsg('azureApiVersion', { detail: message }),
      hintRef: proxyMsg('azureApiVersionHint'),
    });
  }

  if (res.status === 401) {
    return new ProxyError('authentication', `Azure rejected the key${said}`, {
      ...base,
      hint: 'Check the key and the endpoint: both are under "Keys and Endpoint" of your Azure OpenAI resource, and the key must belong to that resource.',
      messageRef: body.message
        ? proxyMsg('azureBadKeySaid', { detail: body.message })
        : proxyMsg('azureBadKey'),
      hintRef: proxyMsg('azureBadKeyHint'),
    });
  }

  if (res.status === 403) {
    return new ProxyError('permission', `Azure refused access: ${message}`, {
      ...base,
      hint: 'The resource may restrict network access (firewall or private endpoint) or the key lacks permission.',
      messageRef: proxyMsg('azureRefused', { detail: message }),
      hintRef: proxyMsg('azureRefusedHint'),
    });
  }

  if (res.status === 404 && (code === 'DeploymentNotFound' || /deployment/i.test(message))) {
    return new ProxyError(
      'not_found',
      `Azure has no deployment named "${deployment ?? '?'}" on this resource${said}`,
      {
        ...base,
        code: 'deployment_not_found',
        hint: 'Check the deployment name in Azure AI Foundry (Deployments) — it is the name you chose, not the model name. A new deployment can take a few minutes to appear.',
        messageRef: body.message
          ? proxyMsg('azureNoDeploymentSaid', { deployment: deployment ?? '?', detail: body.message })
          : proxyMsg('azureNoDeployment', { deployment: deployment ?? '?' }),
        hintRef: proxyMsg('azureNoDeploymentHint'),
      },
    );
  }

  if (res.status === 404) {
    return new ProxyError('not_found', `Azure answered "not found": ${message}`, {
      ...base,
      hint: 'Check the endpoint URL (https://<resource>.openai.azure.com) and the deployment name.',
      messageRef: proxyMsg('azureNotFound', { detail: message }),
      hintRef: proxyMsg('azureNotFoundHint'),
    });
  }

  if (res.status === 429) {
    const retryAfterMs = azureRetryAfterMs(res.headers, ctx.now);
    const quota = code === 'insufficient_quota' || (/quota/i.test(message) && !/rate limit/i.test(message));
    const secs = retryAfterMs !== undefined ? Math.ceil(retryAfterMs / 1000) : undefined;
    return new ProxyError(
      'rate_limit',
      `${quota ? 'Azure quota for this deployment is used up' : 'Azure rate limit reached'}${said}`,
      {
        ...base,
        retryAfterMs,
        retryable: true,
        code: quota ? QUOTA_EXHAUSTED_CODE : 'rate_limit',
        hint:
          secs !== undefined
            ? `Azure asks to wait ${secs} s. Raise the deployment's tokens-per-minute limit in Azure, or add another deployment to this model.`
            : "Raise the deployment's tokens-per-minute limit in Azure, or add another deployment to this model.",
        messageRef: body.message
          ? proxyMsg(quota ? 'azureQuotaSaid' : 'azureRateLimitSaid', { detail: body.message })
          : proxyMsg(quota ? 'azureQuota' : 'azureRateLimit'),
        hintRef:
          secs !== undefined ? proxyMsg('azureRateHintWait', { seconds: secs }) : proxyMsg('azureRateHint'),
      },
    );
  }

  const kind = kindForStatus(res.status);
  return new ProxyError(kind, `Azure error ${res.status}: ${message}`, {
    ...base,
    retryable: res.status >= 500 || res.status === 408,
    retryAfterMs: res.status >= 500 ? azureRetryAfterMs(res.headers, ctx.now) : undefined,
    hint:
      res.status >= 500
        ? 'Azure had a problem on its side; try again in a moment.'
        : 'Azure did not accept the request as sent.',
    messageRef: proxyMsg('azureError', { status: res.status, detail: message }),
    hintRef: proxyMsg(res.status >= 500 ? 'azureServerHint' : 'azureRequestHint'),
  });
}
