import { createHash } from 'node:crypto';
import type {
  CanonicalRequest,
  CanonicalResponse,
  Message,
  Part,
  RedactedThinkingPart,
  ThinkingPart,
} from './types.js';

/**
 * What a client that only speaks OpenAI loses between turns: Claude's signed (or redacted)
 * thinking and Gemini's thoughtSignatures on tool calls. Without them a multi-turn tool
 * conversation with thinking is rejected upstream. The pipeline remembers them from each
 * response and puts them back into the next request.
 */
export interface RememberedReasoning {
  reasoning: Array<ThinkingPart | RedactedThinkingPart>;
  /** Tool-call id → Gemini thoughtSignature. */
  toolSignatures: Record<string, string>;
}

/** A bounded least-recently-used map. No timers: the oldest entry goes when the limit is reached. */
export class ReasoningCache {
  /** Each entry with, for one keyed by an assistant turn's text, that text's ends (`textEnds`). */
  private readonly entries = new Map<string, { value: RememberedReasoning; ends?: string }>();
  /**
   * How many entries have each text's ends. A turn whose ends are not here cannot match, so it is
   * not hashed: a long chat has a hundred assistant turns, and hashing them all took 0.7 ms.
   */
  private readonly textEnds = new Map<string, number>();

  constructor(readonly maxEntries = 1000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError('maxEntries must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): RememberedReasoning | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores an entry; `ends` are those of the turn text it is keyed by (see `textEnds`). */
  set(key: string, value: RememberedReasoning, ends?: string): void {
    this.delete(key);
    this.entries.set(key, { value, ends });
    if (ends !== undefined) this.textEnds.set(ends, (this.textEnds.get(ends) ?? 0) + 1);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  /** Whether some entry is keyed by a text with these ends. */
  hasTextEnds(ends: string): boolean {
    return this.textEnds.has(ends);
  }

  private delete(key: string): void {
    const ends = this.entries.get(key)?.ends;
    if (!this.entries.delete(key) || ends === undefined) return;
    const left = (this.textEnds.get(ends) ?? 1) - 1;
    if (left > 0) this.textEnds.set(ends, left);
    else this.textEnds.delete(ends);
  }
}

/** The characters `/\s/` matches: what `assistantTextKey` folds together. */
function isSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const ENDS = 16;

/**
 * The first and last few non-space characters of a turn's text: equal for two texts whenever
 * their `assistantTextKey`s are, and read in a few dozen steps however long the turn is.
 */
function textEnds(parts: Part[]): string {
  let head = '';
  for (const p of parts) {
    if (p.type !== 'text') continue;
    for (let i = 0; i < p.text.length && head.length < ENDS; i++)
      if (!isSpace(p.text.charCodeAt(i))) head += p.text[i];
    if (head.length >= ENDS) break;
  }
  let tail = '';
  for (let k = parts.length - 1; k >= 0; k--) {
    const p = parts[k];
    if (p?.type !== 'text') continue;
    for (let i = p.text.length - 1; i >= 0 && tail.length < ENDS; i--)
      if (!isSpace(p.text.charCodeAt(i))) tail = p.text[i] + tail;
    if (tail.length >= ENDS) break;
  }
  return `${head}\u0000${tail}`;
}

/** Whitespace-insensitive hash of an assistant turn's text (clients often trim or reflow it). */
export function assistantTextKey(parts: Part[]): string | undefined {
  const text = parts
    .filter((p) => p.type === 'text')
    .map((p) => p.text)
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return undefined;
  return `text:${createHash('sha256').update(text).digest('base64url')}`;
}

const toolKey = (id: string) => `tool:${id}`;

/** JSON text with object keys sorted, so the same arguments give the same text however spaced or ordered. */
function stableJson(text: string): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sort(o[k])]),
    );
  };
  try {
    return JSON.stringify(sort(JSON.parse(text === '' ? '{}' : text)));
  } catch {
    return text;
  }
}

/**
 * A turn's tool calls by what they are (names and arguments, in order), for clients that do not
 * send the call ids back: Gemini has no ids on the wire, so a Gemini client's calls come back with
 * ids of the proxy's own making.
 */
function callsKey(parts: Part[]): string | undefined {
  const calls = parts.filter((p) => p.type === 'tool_call');
  if (calls.length === 0) return undefined;
  const text = calls.map((c) => `${c.name}\u0000${stableJson(c.arguments)}`).join('\u0001');
  return `calls:${createHash('sha256').update(text).digest('base64url')}`;
}

function isReasoning(p: Part): p is ThinkingPart | RedactedThinkingPart {
  return p.type === 'thinking' || p.type === 'redacted_thinking';
}

/** Whether a reasoning part carries something a client would lose (a signature or hidden data). */
function worthKeeping(p: ThinkingPart | RedactedThinkingPart): boolean {
  return p.type === 'redacted_thinking' || Boolean(p.signature);
}

/**
 * Stores the response's signed thinking and tool-call signatures, keyed for the next request —
 * for every choice when there are several, since the client goes on with whichever it picks.
 */
export function rememberReasoning(cache: ReasoningCache, response: CanonicalResponse): void {
  rememberContent(cache, response.content);
  for (const choice of response.moreChoices ?? []) rememberContent(cache, choice.content);
}

function rememberContent(cache: ReasoningCache, content: Part[]): void {
  const reasoning = content.filter(isReasoning).map((p) => ({ ...p }));
  const toolCalls = content.filter((p) => p.type === 'tool_call');
  const toolSignatures: Record<string, string> = {};
  for (const call of toolCalls) if (call.signature) toolSignatures[call.id] = call.signature;
  if (!reasoning.some(worthKeeping) && Object.keys(toolSignatures).length === 0) return;
  const entry: RememberedReasoning = { reasoning, toolSignatures };
  if (toolCalls.length > 0) {
    for (const call of toolCalls) cache.set(toolKey(call.id), entry);
    const byContent = callsKey(content);
    if (byContent) cache.set(byContent, entry);
    return;
  }
  const key = assistantTextKey(content);
  if (key) cache.set(key, entry, textEnds(content));
}

function lookup(cache: ReasoningCache, msg: Message): RememberedReasoning | undefined {
  for (const p of msg.content) {
    if (p.type === 'tool_call') {
      const hit = cache.get(toolKey(p.id));
      if (hit) return hit;
    }
  }
  const byContent = callsKey(msg.content);
  if (byContent) return cache.get(byContent);
  if (!cache.hasTextEnds(textEnds(msg.content))) return undefined;
  const key = assistantTextKey(msg.content);
  return key ? cache.get(key) : undefined;
}

function restoreMessage(cache: ReasoningCache, msg: Message): Message {
  if (msg.role !== 'assistant') return msg;
  const hasSigned = msg.content.some((p) => isReasoning(p) && worthKeeping(p));
  const needsToolSignature = msg.content.some((p) => p.type === 'tool_call' && !p.signature);
  if (hasSigned && !needsToolSignature) return msg;
  const hit = lookup(cache, msg);
  if (!hit) return msg;
  const signsTools = msg.content.some(
    (p) => p.type === 'tool_call' && !p.signature && hit.toolSignatures[p.id],
  );
  if (hasSigned && !signsTools) return msg;
  let content = msg.content.map((p) =>
    p.type === 'tool_call' && !p.signature && hit.toolSignatures[p.id]
      ? { ...p, signature: hit.toolSignatures[p.id] }
      : p,
  );
  if (!hasSigned && hit.reasoning.length > 0) {
    // The remembered (signed) reasoning replaces the unsigned copy the client echoed back.
    content = [...hit.reasoning.map((p) => ({ ...p })), ...content.filter((p) => !isReasoning(p))];
  }
  return { ...msg, content };
}

/** Puts remembered reasoning back into assistant turns that lost it. Returns a new request. */
export function restoreReasoning(cache: ReasoningCache, req: CanonicalRequest): CanonicalRequest {
  if (cache.size === 0) return req;
  return { ...req, messages: req.messages.map((m) => restoreMessage(cache, m)) };
}
