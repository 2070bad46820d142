/**
 * Bedrock CountTokens for Claude: `POST /model/{foundation-model-id}/count-tokens` with the
 * InvokeModel body it would count, base64-encoded, as `{"input":{"invokeModel":{"body":…}}}`. It
 * answers `{"inputTokens": n}`; Anthropic clients get `{"input_tokens": n}`. Only bare
 * foundation-model ids are accepted (not inference profiles), so a profile id is unwrapped.
 */
import { ProxyError } from '../../canonical/errors.js';
import { proxyMsg } from '../../messages.js';
import { baseModelId } from './inference-profiles.js';
import { toInvokeBody } from './invoke-body.js';

/** The path that counts tokens for a model (a profile id counts as its foundation model). */
export function countTokensPath(modelId: string): string {
  return `/model/${encodeURIComponent(baseModelId(modelId))}/count-tokens`;
}

/**
 * An Anthropic count_tokens body → the CountTokens request body. InvokeModel needs max_tokens,
 * which a count_tokens request does not carry; it does not change the input count.
 */
export function countTokensBody(
  anthropicBody: Record<string, unknown>,
  anthropicBeta?: string[],
): Record<string, unknown> {
  const withMax =
    typeof anthropicBody.max_tokens === 'number' ? anthropicBody : { ...anthropicBody, max_tokens: 1 };
  const invoke = toInvokeBody(withMax, anthropicBeta);
  return { input: { invokeModel: { body: Buffer.from(JSON.stringify(invoke), 'utf8').toString('base64') } } };
}

/** Bedrock's `{"inputTokens": n}` → Anthropic's `{"input_tokens": n}`. */
export function anthropicCountAnswer(answer: unknown): Record<string, unknown> {
  const n = (answer as { inputTokens?: unknown } | null)?.inputTokens;
  if (typeof n !== 'number') {
    throw new ProxyError('upstream', 'Bedrock answered the token count without a number of tokens', {
      hint: 'Try again; if it keeps happening, the token count still appears in the request log after each reply.',
      messageRef: proxyMsg('bedrockCountNoNumber'),
      hintRef: proxyMsg('bedrockCountNoNumberHint'),
    });
  }
  return { input_tokens: n };
}
