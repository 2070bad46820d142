import { ProxyError } from '../../canonical/errors.js';
import type { FinishReason, StreamEvent, Usage, WireEvent } from '../../canonical/types.js';
import type { StreamDecoder } from '../types.js';
import { googleErrorToProxyError } from './errors.js';
import { finishReasonForBlockedPrompt, finishReasonFromGemini } from './map-finish-reason.js';
import { applyPartialArg, type PartialArgsState } from './partial-args.js';
import { readUpstreamPart } from './read-upstream-part.js';
import type { GeminiCandidate, GeminiFunctionCall, GeminiPart, GeminiResponse } from './types.js';
import { usageFromGemini } from './usage.js';

/**
 * Decoder state for `streamGenerateContent?alt=sse`: each event is a whole GenerateContentResponse
 * carrying the next parts. Text and thought parts continue the open block of their kind; a
 * functionCall arrives whole, or (Vertex `streamFunctionCallArguments`) as a name, `partialArgs`
 * pieces and an empty `{}` that ends it — its arguments are emitted whole when it ends.
 */
export interface GeminiStreamDecodeState {
  started: boolean;
  /** Each candidate's answer so far, by candidate index (several when candidateCount > 1). */
  candidates: Map<number, GeminiCandidateDecodeState>;
  responseId?: string;
  /** Function calls so far across candidates (numbers their ids). */
  toolCalls: number;
  usage?: Partial<Usage>;
  errored: boolean;
}

/** Where one candidate's answer stands. */
export interface GeminiCandidateDecodeState {
  nextIndex: number;
  open?: { kind: 'text' | 'thinking'; index: number };
  pendingCall?: PartialArgsState & { index: number };
  toolCalls: number;
  finished: boolean;
}

function candidateState(s: GeminiStreamDecodeState, index: number): GeminiCandidateDecodeState {
  let c = s.candidates.get(index);
  if (!c) {
    c = { nextIndex: 0, toolCalls: 0, finished: false };
    s.candidates.set(index, c);
  }
  return c;
}

/** Events of candidate 0 name no choice (as with a single answer); the others carry theirs. */
function tagged(events: StreamEvent[], choice: number): StreamEvent[] {
  if (choice === 0) return events;
  return events.map((ev) => (ev.type === 'usage' ? ev : ({ ...ev, choice } as StreamEvent)));
}

function allFinished(s: GeminiStreamDecodeState): boolean {
  return s.candidates.size > 0 && [...s.candidates.values()].every((c) => c.finished);
}

function unreadable(what: string): ProxyError {
  return new ProxyError('upstream', `Gemini sent ${what} Keybridge could not read.`, {
    hint: 'This is likely a temporary problem with the service; try again.',
  });
}

function closeOpen(s: GeminiCandidateDecodeState, out: StreamEvent[]): void {
  if (s.open) {
    out.push({ type: 'block_stop', index: s.open.index });
    s.open = undefined;
  }
}

function finishPendingCall(s: GeminiCandidateDecodeState, out: StreamEvent[]): void {
  const call = s.pendingCall;
  if (!call) return;
  out.push({ type: 'tool_call_delta', index: call.index, argumentsDelta: JSON.stringify(call.args) });
  out.push({ type: 'block_stop', index: call.index });
  s.pendingCall = undefined;
}

function closeAll(s: GeminiCandidateDecodeState, out: StreamEvent[]): void {
  closeOpen(s, out);
  finishPendingCall(s, out);
}

function nextToolId(s: GeminiStreamDecodeState, fc: GeminiFunctionCall): string {
  const base = (s.responseId ?? '').replace(/[^A-Za-z0-9_-]/g, '');
  const n = s.toolCalls++;
  return fc.id ?? `call_${base ? `${base}_` : ''}${n}`;
}

function textInto(
  s: GeminiCandidateDecodeState,
  kind: 'text' | 'thinking',
  text: string,
  out: StreamEvent[],
): number {
  finishPendingCall(s, out);
  if (s.open?.kind !== kind) {
    closeOpen(s, out);
    s.open = { kind, index: s.nextIndex++ };
  }
  const index = s.open.index;
  if (text !== '')
    out.push(kind === 'text' ? { type: 'text_delta', index, text } : { type: 'thinking_delta', index, text });
  return index;
}

function functionCallPart(
  r: GeminiStreamDecodeState,
  s: GeminiCandidateDecodeState,
  part: GeminiPart,
  out: StreamEvent[],
): void {
  const fc = part.functionCall as GeminiFunctionCall;
  if (fc.name) {
    closeAll(s, out);
    const index = s.nextIndex++;
    s.toolCalls++;
    const start: StreamEvent = { type: 'tool_call_start', index, id: nextToolId(r, fc), name: fc.name };
    if (part.thoughtSignature) start.signature = part.thoughtSignature;
    out.push(start);
    const args = { ...(fc.args ?? {}) };
    if (fc.willContinue === true) {
      s.pendingCall = { index, args };
      for (const arg of fc.partialArgs ?? []) applyPartialArg(s.pendingCall, arg);
      return;
    }
    out.push({ type: 'tool_call_delta', index, argumentsDelta: JSON.stringify(args) });
    out.push({ type: 'block_stop', index });
    return;
  }
  const pending = s.pendingCall;
  if (!pending) return;
  for (const arg of fc.partialArgs ?? []) applyPartialArg(pending, arg);
  if (fc.willContinue !== true) finishPendingCall(s, out);
}

function partEvents(
  r: GeminiStreamDecodeState,
  s: GeminiCandidateDecodeState,
  part: GeminiPart,
  out: StreamEvent[],
): void {
  if (part.functionCall) {
    functionCallPart(r, s, part, out);
    return;
  }
  const sig = part.thoughtSignature;
  if (part.text !== undefined && part.thought === true) {
    if (part.text === '' && !sig) return;
    const index = textInto(s, 'thinking', part.text, out);
    if (sig) {
      out.push({ type: 'signature', index, signature: sig });
      closeOpen(s, out);
    }
    return;
  }
  let text: string | undefined;
  if (part.text !== undefined) text = part.text;
  else if (part.inlineData)
    text = `![image](data:${part.inlineData.mimeType};base64,${part.inlineData.data})`;
  else if (part.executableCode) text = `\n\`\`\`\n${part.executableCode.code ?? ''}\n\`\`\`\n`;
  else if (part.codeExecutionResult) text = `\n\`\`\`\n${part.codeExecutionResult.output ?? ''}\n\`\`\`\n`;
  if (text !== undefined && text !== '') textInto(s, 'text', text, out);
  if (sig) {
    // A signature on a text part: an empty thinking block that carries it (see parts-to-canonical).
    closeAll(s, out);
    const index = s.nextIndex++;
    out.push({ type: 'thinking_delta', index, text: '' });
    out.push({ type: 'signature', index, signature: sig });
    out.push({ type: 'block_stop', index });
  }
}

function finishEvents(
  r: GeminiStreamDecodeState,
  s: GeminiCandidateDecodeState,
  reason: FinishReason,
  out: StreamEvent[],
): void {
  closeAll(s, out);
  if (r.usage) out.push({ type: 'usage', usage: { ...r.usage } });
  out.push({ type: 'finish', reason });
  s.finished = true;
}

export const geminiStreamDecoder: StreamDecoder<GeminiStreamDecodeState> = {
  init: () => ({ started: false, candidates: new Map(), toolCalls: 0, errored: false }),

  decode(s, ev: WireEvent): StreamEvent[] {
    const out: StreamEvent[] = [];
    if (s.errored || ev.data.trim() === '') return out;
    let chunk: unknown;
    try {
      chunk = JSON.parse(ev.data);
    } catch {
      s.errored = true;
      return [{ type: 'error', error: unreadable('a stream event').toInfo() }];
    }
    if (Array.isArray(chunk)) chunk = chunk[0];
    if (chunk === null || typeof chunk !== 'object') {
      s.errored = true;
      return [{ type: 'error', error: unreadable('a stream event').toInfo() }];
    }
    if ('error' in chunk) {
      s.errored = true;
      const code = (chunk as { error?: { code?: unknown } }).error?.code;
      return [
        {
          type: 'error',
          error: googleErrorToProxyError(typeof code === 'number' ? code : 500, chunk).toInfo(),
        },
      ];
    }
    const res = chunk as GeminiResponse;
    if (!s.started) {
      s.started = true;
      s.responseId = typeof res.responseId === 'string' ? res.responseId : undefined;
      out.push({
        type: 'start',
        id: s.responseId ?? `gemini-${Date.now().toString(36)}`,
        model: typeof res.modelVersion === 'string' ? res.modelVersion : '',
      });
    }
    const usage = usageFromGemini(res.usageMetadata);
    if (usage) s.usage = usage;
    if (allFinished(s)) {
      if (usage) out.push({ type: 'usage', usage: { ...usage } });
      return out;
    }
    const list: unknown[] = Array.isArray(res.candidates) ? res.candidates : [];
    list.forEach((raw, position) => {
      if (raw === null || typeof raw !== 'object') return;
      const candidate = raw as GeminiCandidate;
      const at = typeof candidate.index === 'number' ? candidate.index : position;
      const c = candidateState(s, at);
      if (c.finished) return;
      const own: StreamEvent[] = [];
      const parts: unknown = candidate.content?.parts;
      for (const rawPart of Array.isArray(parts) ? parts : []) {
        const part = readUpstreamPart(rawPart);
        if (part) partEvents(s, c, part, own);
      }
      if (typeof candidate.finishReason === 'string')
        finishEvents(s, c, finishReasonFromGemini(candidate.finishReason, c.toolCalls > 0), own);
      out.push(...tagged(own, at));
    });
    if (list.length === 0 && res.promptFeedback?.blockReason)
      finishEvents(s, candidateState(s, 0), finishReasonForBlockedPrompt(), out);
    return out;
  },

  end(s): StreamEvent[] {
    if (s.errored || allFinished(s)) return [];
    const out: StreamEvent[] = [];
    for (const [at, c] of s.candidates) {
      const own: StreamEvent[] = [];
      closeAll(c, own);
      out.push(...tagged(own, at));
    }
    if (s.usage) out.push({ type: 'usage', usage: { ...s.usage } });
    const err = new ProxyError(
      'upstream',
      s.started
        ? 'Gemini stopped sending before the answer was complete.'
        : 'Gemini closed the stream without answering.',
      { hint: 'The connection may have been cut; try again.', retryable: !s.started },
    );
    out.push({ type: 'error', error: err.toInfo() });
    s.errored = true;
    return out;
  },
};
