/**
 * The wire-neutral parts of automatic prompt caching (providers/prompt-cache.ts decides when;
 * each wire codec's `placeCacheBreakpoints` decides where in its own body format): the slot a
 * breakpoint can take, which slots are picked, and the conservative token estimate.
 */

export type PromptCacheTtl = '5m' | '1h';

/** What a codec needs to place breakpoints: the model's minimum cacheable prefix and the TTL. */
export interface CacheBreakpointOptions {
  minimum: number;
  ttl: PromptCacheTtl;
}

type Json = Record<string, unknown>;

export const isJsonObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A place a breakpoint can go, with the estimated prompt length up to and including it. */
export interface CacheSlot {
  /** 'tools' | 'system' | a message index. */
  at: 'tools' | 'system' | number;
  /** Index of the block inside its list; -1 for a string `system`/`content`. */
  block: number;
  prefix: number;
}

/**
 * Picks the slots: the system prompt (or last tool), the previous user turn, the last user turn —
 * each only when the prefix up to it reaches the minimum. Three of the four breakpoints allowed.
 */
export function chooseCacheSlots(
  staticSlot: CacheSlot | undefined,
  userSlots: CacheSlot[],
  minimum: number,
): CacheSlot[] {
  const picked: CacheSlot[] = [];
  for (const s of [staticSlot, userSlots.at(-2), userSlots.at(-1)]) {
    if (s && s.prefix >= minimum && !picked.includes(s)) picked.push(s);
  }
  return picked.slice(0, 4);
}

/**
 * A cheap, conservative token estimate (it should not exceed what Claude counts): ASCII text at
 * four characters a token, other characters (CJK and the like, one or more tokens each) at 0.6.
 * The non-ASCII characters are counted from the UTF-8 length (native, no loop over the text): a
 * CJK character is 3 bytes for 1 UTF-16 unit, so (bytes − units) / 2 of them; accented and
 * Cyrillic letters (2 bytes) count as half of one, which only lowers the estimate.
 */
export function estimateTextTokens(text: string): number {
  const other = (Buffer.byteLength(text, 'utf8') - text.length) / 2;
  return (text.length - other) / 4 + other * 0.6;
}

/**
 * True when any block of the given lists (tools, system, each message's content) satisfies
 * `marked` — the common walk of the "did the client place its own markers" checks.
 */
export function anyBlockMarked(
  tools: unknown,
  system: unknown,
  messages: unknown,
  marked: (block: unknown) => boolean,
): boolean {
  const some = (list: unknown): boolean => Array.isArray(list) && list.some(marked);
  if (some(tools) || some(system)) return true;
  return Array.isArray(messages) && messages.some((m) => isJsonObject(m) && some(m.content));
}
