import type { FinishReason } from '../../../canonical/types.js';
import { finishReasonFromAnthropic } from '../../../dialects/anthropic/map-stop-reason.js';

/** Bedrock's own stop reasons; the others are named as in Claude's Messages API. */
const BEDROCK_OWN: Readonly<Record<string, FinishReason>> = {
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
  malformed_model_output: 'error',
  malformed_tool_use: 'error',
};

/** Converse `stopReason` → canonical finish reason. */
export function mapConverseStopReason(reason: unknown): FinishReason {
  if (typeof reason !== 'string') return 'other';
  return Object.hasOwn(BEDROCK_OWN, reason)
    ? (BEDROCK_OWN[reason] as FinishReason)
    : finishReasonFromAnthropic(reason);
}

/** The stop sequence Claude reports in `additionalModelResponseFields` (Converse keeps it there). */
export function readStopSequence(additional: unknown): string | undefined {
  if (!additional || typeof additional !== 'object') return undefined;
  const a = additional as { stop_sequence?: unknown; delta?: { stop_sequence?: unknown } };
  const s = a.stop_sequence ?? a.delta?.stop_sequence;
  return typeof s === 'string' ? s : undefined;
}
