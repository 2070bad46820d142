import { toolArgumentsObject } from '../../canonical/json.js';
import type { CanonicalResponse, Part } from '../../canonical/types.js';
import type { ResponseEncodeContext } from '../types.js';
import { finishReasonToAnthropic } from './map-stop-reason.js';
import { usageToAnthropic } from './usage.js';

type Json = Record<string, unknown>;

/** Canonical part → Anthropic response content block (parts a response cannot hold are skipped). */
export function anthropicBlockFromPart(part: Part): Json | undefined {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'thinking':
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: part.data };
    case 'tool_call':
      return { type: 'tool_use', id: part.id, name: part.name, input: toolArgumentsObject(part.arguments) };
    default:
      return undefined;
  }
}

/** Canonical response → Anthropic Messages response body. */
export function canonicalToAnthropicResponse(res: CanonicalResponse, ctx: ResponseEncodeContext): Json {
  const content: Json[] = [];
  for (const part of res.content) {
    const block = anthropicBlockFromPart(part);
    if (block) content.push(block);
  }
  return {
    id: res.id.startsWith('msg_') ? res.id : `msg_${res.id}`,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content,
    stop_reason: finishReasonToAnthropic(res.finishReason),
    stop_sequence: res.stopSequence ?? null,
    usage: usageToAnthropic(res.usage),
  };
}
