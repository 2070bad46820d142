import type { FinishReason } from '../../canonical/types.js';

const FROM_OPENAI: Readonly<Record<string, FinishReason>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'content_filter',
  error: 'error',
};

/** OpenAI `finish_reason` → canonical (any other reason is `other`). */
export function finishReasonFromOpenai(reason: string | null | undefined): FinishReason {
  return (reason && Object.hasOwn(FROM_OPENAI, reason) && FROM_OPENAI[reason]) || 'other';
}

/** OpenAI has no separate stop-sequence or refusal reason: everything not named here is `stop`. */
const TO_OPENAI: Partial<Record<FinishReason, string>> = {
  max_tokens: 'length',
  tool_use: 'tool_calls',
  content_filter: 'content_filter',
  refusal: 'content_filter',
};

/** Canonical → OpenAI `finish_reason`. */
export function finishReasonToOpenai(reason: FinishReason): string {
  return TO_OPENAI[reason] ?? 'stop';
}
