import { ProxyError } from '../../canonical/errors.js';
import { proxyMsg } from '../../messages.js';
import type { UpstreamErrorResponse } from '../types.js';
import { extractUpstreamMessage, mapUpstreamError } from '../upstream-error.js';

/** Anthropic API errors with hints for what users actually hit. */
export function mapAnthropicError(
  res: UpstreamErrorResponse,
  ctx: { account: string; upstreamModel?: string },
): ProxyError {
  const base = mapUpstreamError(res, { provider: 'Anthropic', ...ctx });
  const { message = '', type } = extractUpstreamMessage(res.body);
  let hint = base.hint;
  let hintRef = base.hintRef;
  if (type === 'authentication_error' || res.status === 401) {
    hint =
      'The Anthropic API key was rejected: copy it again from console.anthropic.com → API keys (it starts with sk-ant-).';
    hintRef = proxyMsg('anthropicHintKey');
  } else if (/credit balance/i.test(message)) {
    hint = 'Your Anthropic account is out of credit: add credit under console.anthropic.com → Billing.';
    hintRef = proxyMsg('anthropicHintCredit');
  } else if (type === 'not_found_error' && ctx.upstreamModel) {
    hint = `Anthropic does not know the model "${ctx.upstreamModel}": check its id in the Models list.`;
    hintRef = proxyMsg('anthropicHintUnknownModel', { model: ctx.upstreamModel });
  } else if (type === 'overloaded_error' || res.status === 529) {
    hint = 'Anthropic is overloaded right now: try again in a minute.';
    hintRef = proxyMsg('anthropicHintOverloaded');
  } else if (type === 'rate_limit_error') {
    hint = 'This key hit its rate limit: wait a moment, or add another key or account for this model.';
    hintRef = proxyMsg('anthropicHintRateLimit');
  }
  return new ProxyError(base.kind, base.message, {
    status: base.status,
    hint,
    code: type ?? base.code,
    retryAfterMs: base.retryAfterMs,
    retryable: base.retryable,
    account: ctx.account,
    upstreamModel: ctx.upstreamModel,
    messageRef: base.messageRef,
    hintRef,
  });
}
