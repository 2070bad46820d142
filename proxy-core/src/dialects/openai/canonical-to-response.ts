import type { CanonicalChoice, CanonicalResponse } from '../../canonical/types.js';
import type { ResponseEncodeContext } from '../types.js';
import { finishReasonToOpenai } from './map-finish-reason.js';
import { partsToAssistantMessage } from './parts-to-assistant-message.js';
import { usageToOpenai } from './usage.js';

type Json = Record<string, unknown>;

/** Canonical response → OpenAI chat.completion body, one choice per answer. Thinking goes out as `reasoning_content`. */
export function canonicalToOpenaiResponse(res: CanonicalResponse, ctx: ResponseEncodeContext): Json {
  const all: CanonicalChoice[] = [res, ...(res.moreChoices ?? [])];
  const choices = all.map((c, index) => {
    const message = partsToAssistantMessage(c.content, { reasoning: true });
    message.refusal = null;
    return { index, message, logprobs: null, finish_reason: finishReasonToOpenai(c.finishReason) };
  });
  return {
    id: res.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: ctx.model,
    choices,
    usage: usageToOpenai(res.usage),
  };
}
