import type { FinishReason } from '../../canonical/types.js';

/** Claude's stop reasons that the canonical set names the same (the canonical set follows Claude's). */
const SAME_NAME: ReadonlySet<string> = new Set<FinishReason>([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
]);

/** Anthropic `stop_reason` → canonical. */
export function finishReasonFromAnthropic(reason: string | null | undefined): FinishReason {
  if (reason === 'model_context_window_exceeded') return 'max_tokens';
  return reason && SAME_NAME.has(reason) ? (reason as FinishReason) : 'other';
}

/** The canonical reasons Claude has no name for, and the one it has instead. */
const TO_ANTHROPIC: Partial<Record<FinishReason, string>> = {
  content_filter: 'refusal',
  error: 'end_turn',
  other: 'end_turn',
};

/** Canonical → Anthropic `stop_reason`. */
export function finishReasonToAnthropic(reason: FinishReason): string {
  return TO_ANTHROPIC[reason] ?? reason;
}
