import { ProxyError } from '../../canonical/errors.js';
import { asJsonObject } from '../../canonical/json.js';
import type { CanonicalChoice, CanonicalResponse, Part } from '../../canonical/types.js';
import { finishReasonFromOpenai } from './map-finish-reason.js';
import { usageFromOpenai } from './usage.js';

type Json = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The assistant message of an OpenAI response, as canonical parts. */
export function partsFromOpenaiMessage(message: Json): Part[] {
  const parts: Part[] = [];
  const reasoning = str(message.reasoning_content) ?? str(message.reasoning);
  if (reasoning) parts.push({ type: 'thinking', text: reasoning });
  const content = message.content;
  if (typeof content === 'string' && content !== '') parts.push({ type: 'text', text: content });
  else if (Array.isArray(content)) {
    for (const p of content) {
      const text = str(asJsonObject(p)?.text);
      if (text) parts.push({ type: 'text', text });
    }
  }
  const refusal = str(message.refusal);
  if (refusal && !parts.some((p) => p.type === 'text')) parts.push({ type: 'text', text: refusal });
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  calls.forEach((c, i) => {
    const call = asJsonObject(c);
    const fn = asJsonObject(call?.function);
    if (!fn) return;
    parts.push({
      type: 'tool_call',
      id: str(call?.id) ?? `call_${i}`,
      name: str(fn.name) ?? '',
      arguments: str(fn.arguments) || '{}',
    });
  });
  const legacy = asJsonObject(message.function_call);
  if (legacy) {
    parts.push({
      type: 'tool_call',
      id: 'call_legacy_0',
      name: str(legacy.name) ?? '',
      arguments: str(legacy.arguments) || '{}',
    });
  }
  return parts;
}

/** One OpenAI choice as a canonical choice. */
function choiceToCanonical(choice: Json | undefined): CanonicalChoice {
  const content = partsFromOpenaiMessage(asJsonObject(choice?.message) ?? {});
  let finishReason = choice ? finishReasonFromOpenai(str(choice.finish_reason)) : 'other';
  // Some servers say "stop" after calling tools; clients look for the tool-use reason.
  if (finishReason === 'end_turn' && content.some((p) => p.type === 'tool_call')) finishReason = 'tool_use';
  return { content, finishReason };
}

/** OpenAI chat.completion body → canonical response (every choice, in `index` order). */
export function openaiResponseToCanonical(body: unknown): CanonicalResponse {
  const b = asJsonObject(body);
  if (!b)
    throw new ProxyError('upstream', 'The upstream answered with something that is not a chat completion');
  const choices = (Array.isArray(b.choices) ? b.choices : [])
    .map((c, i) => ({ c: asJsonObject(c), i }))
    .filter((x): x is { c: Json; i: number } => x.c !== undefined)
    .map(({ c, i }) => ({ c, at: typeof c.index === 'number' ? c.index : i }))
    .sort((x, y) => x.at - y.at)
    .map(({ c }) => choiceToCanonical(c));
  const [first, ...more] = choices.length > 0 ? choices : [choiceToCanonical(undefined)];
  const usage = usageFromOpenai(b.usage) ?? {};
  return {
    id: str(b.id) || `chatcmpl-${crypto.randomUUID()}`,
    model: str(b.model) ?? '',
    content: first?.content ?? [],
    finishReason: first?.finishReason ?? 'other',
    ...(more.length > 0 ? { moreChoices: more } : {}),
    usage: { inputTokens: 0, outputTokens: 0, ...usage },
  };
}
