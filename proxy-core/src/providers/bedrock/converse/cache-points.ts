import {
  anyBlockMarked,
  type CacheBreakpointOptions,
  type CacheSlot,
  chooseCacheSlots,
  estimateTextTokens,
  isJsonObject as isObj,
} from '../../../canonical/prompt-cache.js';

/**
 * Prompt-cache points in a Bedrock Converse body: Converse marks a position with a separate
 * `{cachePoint: {type: 'default'}}` block after the content (system, messages,
 * toolConfig.tools) — after the system prompt (or the last tool when there is none), the previous
 * user turn and the last user turn. When and with which TTL is decided in providers/prompt-cache.ts.
 */

type Json = Record<string, unknown>;

function blockTokens(b: unknown): number {
  if (!isObj(b)) return 0;
  if (typeof b.text === 'string') return estimateTextTokens(b.text);
  if (isObj(b.toolUse))
    return estimateTextTokens(`${String(b.toolUse.name ?? '')}${JSON.stringify(b.toolUse.input ?? {})}`);
  if (isObj(b.toolResult) && Array.isArray(b.toolResult.content)) {
    return b.toolResult.content.reduce(
      (n: number, c) =>
        n +
        (isObj(c)
          ? typeof c.text === 'string'
            ? estimateTextTokens(c.text)
            : c.json !== undefined
              ? estimateTextTokens(JSON.stringify(c.json))
              : 0
          : 0),
      0,
    );
  }
  return 0;
}

function markable(b: unknown): boolean {
  if (!isObj(b)) return false;
  if (typeof b.text === 'string') return b.text.length > 0;
  return isObj(b.image) || isObj(b.document) || isObj(b.toolUse) || isObj(b.toolResult);
}

/** True when the client placed any cache point itself. */
export function converseBodyHasMarkers(body: Json): boolean {
  const tools = isObj(body.toolConfig) ? body.toolConfig.tools : undefined;
  return anyBlockMarked(tools, body.system, body.messages, (b) => isObj(b) && b.cachePoint !== undefined);
}

/** Inserts the cache points; returns the body itself when it places none (a new object otherwise). */
export function placeConverseCachePoints(body: Json, { minimum, ttl }: CacheBreakpointOptions): Json {
  if (converseBodyHasMarkers(body)) return body;
  let prefix = 0;
  let staticSlot: CacheSlot | undefined;
  const toolConfig = isObj(body.toolConfig) ? body.toolConfig : undefined;
  const tools = toolConfig && Array.isArray(toolConfig.tools) ? toolConfig.tools : [];
  for (const t of tools) prefix += estimateTextTokens(JSON.stringify(t));
  if (tools.length > 0) staticSlot = { at: 'tools', block: tools.length - 1, prefix };
  const system = Array.isArray(body.system) ? body.system : [];
  for (const b of system) prefix += blockTokens(b);
  for (let i = system.length - 1; i >= 0; i--) {
    if (markable(system[i])) {
      staticSlot = { at: 'system', block: i, prefix };
      break;
    }
  }
  const userSlots: CacheSlot[] = [];
  const messages = Array.isArray(body.messages) ? body.messages : [];
  messages.forEach((m, idx) => {
    if (!isObj(m) || !Array.isArray(m.content)) return;
    for (const b of m.content) prefix += blockTokens(b);
    if (m.role !== 'user') return;
    for (let i = m.content.length - 1; i >= 0; i--) {
      if (markable(m.content[i])) {
        userSlots.push({ at: idx, block: i, prefix });
        return;
      }
    }
  });
  const picked = chooseCacheSlots(staticSlot, userSlots, minimum);
  if (picked.length === 0) return body;

  const point = { cachePoint: ttl === '1h' ? { type: 'default', ttl: '1h' } : { type: 'default' } };
  const insertAfter = (list: unknown[], block: number): unknown[] => [
    ...list.slice(0, block + 1),
    point,
    ...list.slice(block + 1),
  ];
  const out: Json = { ...body };
  let outMessages: unknown[] | undefined;
  for (const s of picked) {
    if (s.at === 'tools') out.toolConfig = { ...toolConfig, tools: insertAfter(tools, s.block) };
    else if (s.at === 'system') out.system = insertAfter(system, s.block);
    else {
      outMessages ??= [...messages];
      const m = messages[s.at] as Json;
      outMessages[s.at] = { ...m, content: insertAfter(m.content as unknown[], s.block) };
    }
  }
  if (outMessages) out.messages = outMessages;
  return out;
}
