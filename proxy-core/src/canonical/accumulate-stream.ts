import type { CanonicalChoice, CanonicalResponse, Part, StreamEvent, Usage } from './types.js';

/** The choice a stream event belongs to (0 when it names none). */
export function choiceOf(ev: StreamEvent): number {
  return 'choice' in ev && ev.choice !== undefined ? ev.choice : 0;
}

/** What one choice of a streamed answer has so far. */
export interface ChoiceAccumulator {
  /** Parts by canonical block index. */
  parts: Map<number, Part>;
  finishReason?: CanonicalResponse['finishReason'];
  stopSequence?: string;
}

/** Running state of {@link accumulateStream}, for callers that see events one at a time. */
export interface StreamAccumulator {
  id: string;
  model: string;
  /** Choice 0's parts by canonical block index. */
  parts: Map<number, Part>;
  usage: Partial<Usage>;
  finishReason?: CanonicalResponse['finishReason'];
  stopSequence?: string;
  /** Choices 1, 2, … when the answer has several. */
  more: Map<number, ChoiceAccumulator>;
  error?: StreamEvent & { type: 'error' };
}

export function createAccumulator(): StreamAccumulator {
  return { id: '', model: '', parts: new Map(), usage: {}, more: new Map() };
}

function choiceState(acc: StreamAccumulator, choice: number): ChoiceAccumulator {
  if (choice === 0) return acc;
  let c = acc.more.get(choice);
  if (!c) {
    c = { parts: new Map() };
    acc.more.set(choice, c);
  }
  return c;
}

/** Folds one canonical stream event into the accumulator. */
export function accumulateEvent(acc: StreamAccumulator, event: StreamEvent): void {
  if (event.type === 'start') {
    acc.id = event.id;
    acc.model = event.model;
    if (event.usage) acc.usage = { ...acc.usage, ...event.usage };
    return;
  }
  if (event.type === 'usage') {
    acc.usage = { ...acc.usage, ...event.usage };
    return;
  }
  if (event.type === 'error') {
    acc.error = event;
    return;
  }
  const choice = choiceState(acc, choiceOf(event));
  const { parts } = choice;
  switch (event.type) {
    case 'text_delta': {
      const p = parts.get(event.index);
      if (p?.type === 'text') p.text += event.text;
      else parts.set(event.index, { type: 'text', text: event.text });
      break;
    }
    case 'thinking_delta': {
      const p = parts.get(event.index);
      if (p?.type === 'thinking') p.text += event.text;
      else parts.set(event.index, { type: 'thinking', text: event.text });
      break;
    }
    case 'signature': {
      const p = parts.get(event.index);
      if (p?.type === 'thinking') p.signature = (p.signature ?? '') + event.signature;
      else parts.set(event.index, { type: 'thinking', text: '', signature: event.signature });
      break;
    }
    case 'redacted_thinking':
      parts.set(event.index, { type: 'redacted_thinking', data: event.data });
      break;
    case 'tool_call_start':
      parts.set(event.index, {
        type: 'tool_call',
        id: event.id,
        name: event.name,
        arguments: '',
        ...(event.signature ? { signature: event.signature } : {}),
      });
      break;
    case 'tool_call_delta': {
      const p = parts.get(event.index);
      if (p?.type === 'tool_call') p.arguments += event.argumentsDelta;
      break;
    }
    case 'finish':
      choice.finishReason = event.reason;
      if (event.stopSequence) choice.stopSequence = event.stopSequence;
      break;
    case 'block_stop':
      break;
  }
}

/** A choice's parts in block order (tool calls without arguments get "{}"). */
function contentOf(parts: Map<number, Part>): Part[] {
  return [...parts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, p]) => (p.type === 'tool_call' && p.arguments === '' ? { ...p, arguments: '{}' } : { ...p }));
}

/** The response the accumulated events describe. */
export function accumulatedResponse(acc: StreamAccumulator): CanonicalResponse {
  const finish = (c: ChoiceAccumulator) => (acc.error ? 'error' : (c.finishReason ?? 'other'));
  const moreChoices: CanonicalChoice[] = [...acc.more.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, c]) => ({
      content: contentOf(c.parts),
      finishReason: finish(c),
      ...(c.stopSequence ? { stopSequence: c.stopSequence } : {}),
    }));
  return {
    id: acc.id,
    model: acc.model,
    content: contentOf(acc.parts),
    finishReason: finish(acc),
    ...(acc.stopSequence ? { stopSequence: acc.stopSequence } : {}),
    ...(moreChoices.length > 0 ? { moreChoices } : {}),
    usage: { inputTokens: 0, outputTokens: 0, ...acc.usage },
  };
}

/** Builds the canonical response a sequence of stream events describes. */
export function accumulateStream(events: Iterable<StreamEvent>): CanonicalResponse {
  const acc = createAccumulator();
  for (const e of events) accumulateEvent(acc, e);
  return accumulatedResponse(acc);
}
