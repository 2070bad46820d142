import { isRetryableStatus, kindForStatus, ProxyError, parseRetryAfter } from '../../canonical/errors.js';
import type { ErrorKind } from '../../canonical/types.js';
import { type MessageRef, proxyMsg } from '../../messages.js';
import type { UpstreamErrorResponse } from '../types.js';
import { baseModelId, profilePrefixesFor } from './inference-profiles.js';

/** Who is asking, to word messages and hints. */
export interface BedrockErrorContext {
  accountId: string;
  region: string;
  upstreamModel?: string;
  /** Which credential kind the account uses. */
  auth: 'keys' | 'temporary-keys' | 'api-key';
}

/** An AWS error as read from headers and body (or from a stream exception frame). */
export interface AwsErrorFacts {
  status: number;
  /** Error type without namespace: ValidationException, ThrottlingException, … */
  type?: string;
  message: string;
  retryAfterMs?: number;
}

function header(res: UpstreamErrorResponse, name: string): string | undefined {
  const v = res.headers[name] ?? res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Normalises `com.amazon.coral#ThrottlingException`, `throttlingException`, `X:http://…`. */
export function normaliseErrorType(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let t = raw.split(':')[0]!.trim();
  const hash = t.lastIndexOf('#');
  if (hash >= 0) t = t.slice(hash + 1);
  if (!t) return undefined;
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** Reads type and message from an AWS JSON error response. */
export function readAwsError(res: UpstreamErrorResponse): AwsErrorFacts {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // not JSON (a proxy's HTML page, say): keep the text
  }
  const message =
    (typeof body.message === 'string' && body.message) ||
    (typeof body.Message === 'string' && body.Message) ||
    res.body.trim().slice(0, 300) ||
    `HTTP ${res.status}`;
  const type = normaliseErrorType(
    header(res, 'x-amzn-errortype') ?? (typeof body.__type === 'string' ? body.__type : undefined),
  );
  return { status: res.status, type, message, retryAfterMs: parseRetryAfter(header(res, 'retry-after')) };
}

function suggestedProfile(model: string, region: string): string {
  return `${profilePrefixesFor(region)[0] ?? 'us.'}${baseModelId(model)}`;
}

interface Mapped {
  kind: ErrorKind;
  message: string;
  hint: string;
  retryable?: boolean;
  status?: number;
  messageRef?: MessageRef;
  hintRef?: MessageRef;
}

/**
 * AWS did not recognise the credential (UnrecognizedClientException): what the user must check
 * depends on the kind of credential. Each row: the catalog code (its hint is `<code>Hint`), the
 * message and the hint in English.
 */
const CREDENTIAL_NOT_ACCEPTED: Record<
  BedrockErrorContext['auth'],
  [code: 'bedrockBadSessionToken' | 'bedrockBadApiKey' | 'bedrockUnknownKeyId', message: string, hint: string]
> = {
  'temporary-keys': [
    'bedrockBadSessionToken',
    'AWS did not accept the session token with these keys',
    'Paste the key ID, secret and session token from the same, current set of temporary credentials.',
  ],
  'api-key': [
    'bedrockBadApiKey',
    'AWS did not accept the Bedrock API key',
    'Check that the whole key was copied, or create a new one in the Bedrock console (API keys).',
  ],
  keys: [
    'bedrockUnknownKeyId',
    'AWS does not recognise this access key ID',
    'Check the key ID. It may have been deleted or deactivated under IAM → Users → Security credentials.',
  ],
};

function classify(f: AwsErrorFacts, ctx: BedrockErrorContext): Mapped {
  const m = f.message;
  const t = f.type ?? '';
  const model = ctx.upstreamModel ?? 'this model';
  const region = ctx.region;

  if (/Signature expired|Signature not yet current/i.test(m)) {
    return {
      kind: 'authentication',
      message: "AWS refused the request because this computer's clock is wrong (more than 5 minutes off)",
      hint: 'Turn on "Set time automatically" in your system date and time settings, then try again.',
      messageRef: proxyMsg('bedrockClock'),
      hintRef: proxyMsg('bedrockClockHint'),
    };
  }
  if (
    t === 'InvalidSignatureException' ||
    t === 'SignatureDoesNotMatch' ||
    /signature we calculated does not match/i.test(m)
  ) {
    return {
      kind: 'authentication',
      message: 'AWS says the request signature does not match: the secret access key is probably wrong',
      hint: 'Copy the secret access key again (40 characters, nothing before or after). If it is lost, create a new access key in IAM.',
      messageRef: proxyMsg('bedrockBadSecret'),
      hintRef: proxyMsg('bedrockBadSecretHint'),
    };
  }
  if (
    t === 'ExpiredTokenException' ||
    /token included in the request is expired|token has expired/i.test(m)
  ) {
    return {
      kind: 'authentication',
      message:
        ctx.auth === 'api-key'
          ? 'The Bedrock API key has expired'
          : 'The temporary AWS credentials have expired',
      hint:
        ctx.auth === 'api-key'
          ? 'Create a new Bedrock API key in the Bedrock console (API keys) and paste it here.'
          : 'Temporary keys (ASIA…) last only a few hours. Get a fresh key ID, secret and session token, or use permanent keys or a Bedrock API key.',
      messageRef: proxyMsg(ctx.auth === 'api-key' ? 'bedrockExpiredApiKey' : 'bedrockExpiredKeys'),
      hintRef: proxyMsg(ctx.auth === 'api-key' ? 'bedrockExpiredApiKeyHint' : 'bedrockExpiredKeysHint'),
    };
  }
  if (
    t === 'UnrecognizedClientException' ||
    t === 'InvalidClientTokenId' ||
    /security token included in the request is invalid/i.test(m)
  ) {
    const [code, message, hint] = CREDENTIAL_NOT_ACCEPTED[ctx.auth];
    return {
      kind: 'authentication',
      message,
      hint,
      messageRef: proxyMsg(code),
      hintRef: proxyMsg(`${code}Hint`),
    };
  }
  if (/use case details|use case form/i.test(m)) {
    return {
      kind: 'permission',
      status: 403,
      message: `Bedrock: Anthropic asks for a one-time use-case form before ${model} can be used`,
      hint: `In the Amazon Bedrock console (${region}) open Model access (or the model's catalog page) and submit the Anthropic use case details; access follows within minutes.`,
      messageRef: proxyMsg('bedrockUseCaseForm', { model }),
      hintRef: proxyMsg('bedrockUseCaseFormHint', { region }),
    };
  }
  if (/aws-marketplace/i.test(m)) {
    return {
      kind: 'permission',
      message: `Bedrock: this AWS user may not subscribe to ${model} through AWS Marketplace`,
      hint: 'Ask the account admin to enable the model under Model access, or allow aws-marketplace:Subscribe and aws-marketplace:ViewSubscriptions for this user once.',
      messageRef: proxyMsg('bedrockMarketplace', { model }),
      hintRef: proxyMsg('bedrockMarketplaceHint'),
    };
  }
  if (
    t === 'AccessDeniedException' &&
    /(don't|do not) have access to the model|not have access to the model|access to the model|model access/i.test(
      m,
    )
  ) {
    return {
      kind: 'permission',
      message: `Bedrock: model access is not enabled for ${model} in ${region}`,
      hint: `Open the Amazon Bedrock console in ${region}, go to "Model access", and request access to this model.`,
      messageRef: proxyMsg('bedrockModelAccess', { model, region }),
      hintRef: proxyMsg('bedrockModelAccessHint', { region }),
    };
  }
  if (t === 'AccessDeniedException' || /is not authorized to perform/i.test(m)) {
    const action = /not authorized to perform:?\s*(\S+)/i.exec(m)?.[1];
    return {
      kind: 'permission',
      message: action ? `This AWS user is not allowed to call ${action}` : `AWS denied access: ${m}`,
      hint: 'In IAM, give this user a policy that allows bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream (for example AmazonBedrockLimitedAccess).',
      messageRef: action
        ? proxyMsg('bedrockNotAllowed', { action })
        : proxyMsg('bedrockDenied', { detail: m }),
      hintRef: proxyMsg('bedrockDeniedHint'),
    };
  }
  if (/on-demand throughput is(n.t| not) supported/i.test(m)) {
    const profile = suggestedProfile(ctx.upstreamModel ?? '', region);
    return {
      kind: 'invalid_request',
      message: `Bedrock: ${model} cannot be called directly in ${region}; it needs a cross-region inference profile`,
      hint: `Use the inference profile id ${profile} as the upstream model, or set crossRegion to "auto" for this account.`,
      messageRef: proxyMsg('bedrockNeedsProfile', { model, region }),
      hintRef: proxyMsg('bedrockNeedsProfileHint', { profile }),
    };
  }
  if (
    t === 'ThrottlingException' ||
    t === 'TooManyRequestsException' ||
    t === 'ServiceQuotaExceededException' ||
    f.status === 429
  ) {
    const daily = /per day|daily/i.test(m);
    const said = m ? ` (AWS said: ${m})` : '';
    return {
      kind: 'rate_limit',
      status: 429,
      retryable: true,
      message: daily
        ? `Bedrock: the daily token quota for ${model} in ${region} is used up${said}`
        : `Bedrock is throttling requests to ${model} (too many requests or tokens per minute)${said}`,
      hint: daily
        ? 'Wait until the quota resets, or request a higher quota under Service Quotas → Amazon Bedrock.'
        : 'Wait a few seconds and try again. For more headroom, request a higher quota under Service Quotas → Amazon Bedrock, or use a cross-region inference profile.',
      messageRef: m
        ? daily
          ? proxyMsg('bedrockDailyQuotaSaid', { model, region, detail: m })
          : proxyMsg('bedrockThrottledSaid', { model, detail: m })
        : daily
          ? proxyMsg('bedrockDailyQuota', { model, region })
          : proxyMsg('bedrockThrottled', { model }),
      hintRef: proxyMsg(daily ? 'bedrockDailyQuotaHint' : 'bedrockThrottledHint'),
    };
  }
  if (t === 'ModelNotReadyException') {
    return {
      kind: 'overloaded',
      retryable: true,
      message: `Bedrock: ${model} is not ready yet`,
      hint: 'The model is being loaded; try again in a minute.',
      messageRef: proxyMsg('bedrockNotReady', { model }),
      hintRef: proxyMsg('bedrockNotReadyHint'),
    };
  }
  if (/(content filter|content policy|blocked by|guardrail|harmful content|acceptable use)/i.test(m)) {
    return {
      kind: 'invalid_request',
      message: `Bedrock's content filter refused this request: ${m}`,
      hint: "Rephrase the message. Bedrock's safety filters (or a guardrail on this AWS account) blocked it.",
      messageRef: proxyMsg('bedrockContentFilter', { detail: m }),
      hintRef: proxyMsg('bedrockContentFilterHint'),
    };
  }
  if (
    t === 'ResourceNotFoundException' ||
    /provided model identifier is invalid|model identifier is invalid|not available in (this|your) region|isn't supported in this region|is not supported in this region/i.test(
      m,
    )
  ) {
    return {
      kind: 'not_found',
      message: `Bedrock: ${model} is not available in ${region}`,
      hint: "Check the model id, or choose a region that offers this model (the Bedrock console's Model catalog shows the regions).",
      messageRef: proxyMsg('bedrockNotInRegion', { model, region }),
      hintRef: proxyMsg('bedrockNotInRegionHint'),
    };
  }
  if (/invalid beta flag|unsupported beta/i.test(m)) {
    return {
      kind: 'invalid_request',
      message: `Bedrock does not support an anthropic-beta feature the client asked for: ${m}`,
      hint: 'Turn that feature off in the client; Bedrock supports only some Anthropic beta features.',
      messageRef: proxyMsg('bedrockBetaUnsupported', { detail: m }),
      hintRef: proxyMsg('bedrockBetaUnsupportedHint'),
    };
  }
  if (t === 'ModelTimeoutException' || f.status === 408) {
    return {
      kind: 'timeout',
      retryable: true,
      message: `Bedrock: ${model} took too long to answer`,
      hint: 'Try again, or ask for a shorter answer (lower max tokens).',
      messageRef: proxyMsg('bedrockTimeout', { model }),
      hintRef: proxyMsg('bedrockTimeoutHint'),
    };
  }
  if (t === 'ServiceUnavailableException' || f.status === 503) {
    return {
      kind: 'overloaded',
      retryable: true,
      message: `Bedrock is temporarily unavailable in ${region}`,
      hint: 'Try again in a moment, or use a cross-region inference profile.',
      messageRef: proxyMsg('bedrockUnavailable', { region }),
      hintRef: proxyMsg('bedrockUnavailableHint'),
    };
  }
  if (t === 'ModelStreamErrorException' || t === 'ModelErrorException') {
    return {
      kind: 'upstream',
      retryable: true,
      message: `Bedrock: ${model} failed while answering: ${m}`,
      hint: 'This is usually temporary; try again.',
      messageRef: proxyMsg('bedrockModelFailed', { model, detail: m }),
      hintRef: proxyMsg('bedrockModelFailedHint'),
    };
  }
  if (t === 'ValidationException' || f.status === 400) {
    const tooLong = /too long|too many (input )?tokens|context (window|length)|prompt is too long/i.test(m);
    return {
      kind: 'invalid_request',
      message: `Bedrock rejected the request: ${m}`,
      hint: tooLong
        ? 'The conversation is longer than this model accepts; shorten the chat history or the context size in the client.'
        : 'The model did not accept something in this request; the message says what. Change that setting in the client.',
      messageRef: proxyMsg('bedrockRejected', { detail: m }),
      hintRef: proxyMsg(tooLong ? 'bedrockTooLongHint' : 'bedrockRejectedHint'),
    };
  }
  const kind = kindForStatus(f.status);
  return {
    kind,
    retryable: isRetryableStatus(f.status),
    message: `Bedrock error ${f.status}${t ? ` (${t})` : ''}: ${m}`,
    hint:
      f.status >= 500
        ? 'This is on the AWS side and usually temporary; try again.'
        : 'Check the account settings for this Bedrock account.',
    messageRef: proxyMsg('bedrockError', { status: t ? `${f.status} (${t})` : f.status, detail: m }),
    hintRef: proxyMsg(f.status >= 500 ? 'bedrockServerHint' : 'bedrockAccountHint'),
  };
}

/** Turns AWS error facts into a ProxyError with a hint a non-technical user can act on. */
export function bedrockError(f: AwsErrorFacts, ctx: BedrockErrorContext): ProxyError {
  const mapped = classify(f, ctx);
  return new ProxyError(mapped.kind, mapped.message, {
    status: mapped.status,
    hint: mapped.hint,
    code: f.type,
    retryAfterMs: f.retryAfterMs,
    account: ctx.accountId,
    upstreamModel: ctx.upstreamModel,
    retryable: mapped.retryable ?? isRetryableStatus(f.status),
    messageRef: mapped.messageRef,
    hintRef: mapped.hintRef,
  });
}

/** `provider.mapError`: an upstream error response → ProxyError. */
export function mapBedrockError(res: UpstreamErrorResponse, ctx: BedrockErrorContext): ProxyError {
  return bedrockError(readAwsError(res), ctx);
}

const EXCEPTION_STATUS: Record<string, number> = {
  ThrottlingException: 429,
  ServiceQuotaExceededException: 429,
  ValidationException: 400,
  ModelStreamErrorException: 424,
  ModelTimeoutException: 408,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
};

/** An exception frame in a Bedrock stream (`:message-type: exception`) → ProxyError. */
export function mapStreamException(
  exceptionType: string,
  payload: string,
  ctx: BedrockErrorContext,
): ProxyError {
  const type = normaliseErrorType(exceptionType) ?? 'UnknownException';
  let message = payload;
  try {
    const body = JSON.parse(payload) as { message?: unknown; Message?: unknown; originalMessage?: unknown };
    const base =
      typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : '';
    const original = typeof body.originalMessage === 'string' ? body.originalMessage : '';
    message = [base, original && original !== base ? original : ''].filter(Boolean).join(' — ') || payload;
  } catch {
    // keep the raw payload
  }
  return bedrockError(
    {
      status: (Object.hasOwn(EXCEPTION_STATUS, type) ? EXCEPTION_STATUS[type] : undefined) ?? 500,
      type,
      message: message || type,
    },
    ctx,
  );
}
