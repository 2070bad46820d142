import {
  anyBlockMarked,
  type CacheBreakpointOptions,
  type CacheSlot,
  chooseCacheSlots,
  estimateTextTokens,
  isJsonObject as isObj,
} from '../../canonical/prompt-cache.js';

/**
 * Prompt-cache breakpoints in an Anthropic Messages body (Claude API, Vertex, Bedrock
 * InvokeModel): `cache_control` on the last markable block of the system prompt (or the last tool
 * when there is none), of the previous user turn and of the last user turn. `cache_control` may
 * sit on tool definitions, system text blocks and content blocks (text, image, document,
 * tool_use, tool_result, search_result) — never on thinking blocks nor on empty text blocks.
 * When and with which TTL is decided in providers/prompt-cache.ts.
 */

type Json = Record<string, unknown>;

function blockTokens(b: unknown): number {
  if (!isObj(b)) return 0;
  switch (b.type) {
    case 'text':
      return typeof b.text === 'string' ? estimateTextTokens(b.text) : 0;
    case 'tool_use':
      return estimateTextTokens(`${String(b.name ?? '')}${JSON.stringify(b.input ?? {})}`);
    case 'tool_result':
      return typeof b.content === 'string'
        ? estimateTextTokens(b.content)
        : Array.isArray(b.content)
          ? b.content.reduce((n: number, c) => n + blockTokens(c), 0)
          : 0;
    default:
      // Images, documents and thinking: not counted (conservative; earlier turns' thinking is
      // not part of the prompt Claude counts).
      return 0;
  }
}

/** A block that may carry cache_control: not thinking, not an empty text block. */
function markable(b: unknown): boolean {
  if (!isObj(b)) return false;
  if (b.type === 'text') return typeof b.text === 'string' && b.text.length > 0;
  return (
    b.type === 'image' ||
    b.type === 'document' ||
    b.type === 'tool_use' ||
    b.type === 'tool_result' ||
    b.type === 'search_result'
  );
}

/** True when the client placed any cache marker itself (or asked for automatic caching). */
export function anthropicBodyHasMarkers(body: Json): boolean {
  if (body.cache_control !== undefined) return true;
  const marked = (b: unknown): boolean =>
    isObj(b) &&
    (b.cache_control !== undefined ||
      (b.type === 'tool_result' && Array.isArray(b.content) && b.content.some(marked)));
  return anyBlockMarked(body.tools, body.system, body.messages, marked);
}

function lastMarkable(blocks: unknown[]): number {
  for (let i = blocks.length - 1; i >= 0; i--) if (markable(blocks[i])) return i;
  return -1;
}

/** Places the breakpoints; returns the body itself when it places none (a new object otherwise). */
export function placeAnthropicCacheBreakpoints(body: Json, { minimum, ttl }: CacheBreakpointOptions): Json {
  if (anthropicBodyHasMarkers(body)) return body;
  let prefix = 0;
  let staticSlot: CacheSlot | undefined;
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (const t of tools) prefix += estimateTextTokens(JSON.stringify(t));
  if (tools.length > 0 && isObj(tools.at(-1))) staticSlot = { at: 'tools', block: tools.length - 1, prefix };
  if (typeof body.system === 'string') {
    prefix += estimateTextTokens(body.system);
    if (body.system.length > 0) staticSlot = { at: 'system', block: -1, prefix };
  } else if (Array.isArray(body.system)) {
    for (const b of body.system) prefix += blockTokens(b);
    const i = lastMarkable(body.system);
    if (i >= 0) staticSlot = { at: 'system', block: i, prefix };
  }
  const userSlots: CacheSlot[] = [];
  const messages = Array.isArray(body.messages) ? body.messages : [];
  messages.forEach((m, idx) => {
    if (!isObj(m)) return;
    let block = -2;
    if (typeof m.content === 'string') {
      prefix += estimateTextTokens(m.content);
      if (m.content.length > 0) block = -1;
    } else if (Array.isArray(m.content)) {
      for (const b of m.content) prefix += blockTokens(b);
      const i = lastMarkable(m.content);
      if (i >= 0) block = i;
    }
    if (m.role === 'user' && block !== -2) userSlots.push({ at: idx, block, prefix });
  });
  const picked = chooseCacheSlots(staticSlot, userSlots, minimum);
  if (picked.length === 0) return body;

  const marker = ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
  const out: Json = { ...body };
  const mark = (list: unknown[], block: number): unknown[] => {
    const copy = [...list];
    copy[block] = { ...(copy[block] as Json), cache_control: marker };
    return copy;
  };
  let outMessages: unknown[] | undefined;
  for (const s of picked) {
    if (s.at === 'tools') out.tools = mark(tools, s.block);
    else if (s.at === 'system') {
      out.system =
        s.block === -1
          ? [{ type: 'text', text: body.system, cache_control: marker }]
          : mark(body.system as unknown[], s.block);
    } else {
      outMessages ??= [...messages];
      const m = messages[s.at] as Json;
      // A string turn becomes the one text block it stands for, so it can carry the marker.
      const content =
        s.block === -1
          ? [{ type: 'text', text: m.content, cache_control: marker }]
          : mark(m.content as unknown[], s.block);
      outMessages[s.at] = { ...m, content };
    }
  }
  if (outMessages) out.messages = outMessages;
  return out;
}
