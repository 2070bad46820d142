/**
 * The wire-neutral parts of automatic prompt caching (providers/prompt-cache.ts decides when):
 * where the markers go (`cacheMarkPlacer`, given each wire codec's `CacheMarkLayout` of its own
 * body format), which slots are picked, and the conservative token estimate.
 */
import { isJsonObject, type JsonObject as Json } from './json.js';

export type PromptCacheTtl = '5m' | '1h';

/** What a codec needs to place breakpoints: the model's minimum cacheable prefix and the TTL. */
export interface CacheBreakpointOptions {
  minimum: number;
  ttl: PromptCacheTtl;
}

/** A place a breakpoint can go, with the estimated prompt length up to and including it. */
interface CacheSlot {
  /** 'tools' | 'system' | a message index. */
  at: 'tools' | 'system' | number;
  /** Index of the block inside its list (`system`, `tools` or the message's content). */
  block: number;
  prefix: number;
}

/**
 * Picks the slots: the system prompt (or last tool), the previous user turn, the last user turn —
 * each only when the prefix up to it reaches the minimum. Three of the four breakpoints allowed.
 */
function chooseCacheSlots(
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

/** The estimate of a tool call: its name and its input as JSON. */
export function estimateToolCallTokens(name: unknown, input: unknown): number {
  return estimateTextTokens(`${String(name ?? '')}${JSON.stringify(input ?? {})}`);
}

/**
 * What a body format says about itself for `placeCacheMarks`: both of Claude's formats keep tools,
 * a system prompt and `messages` of `{role, content}` turns, and differ in where the tools sit,
 * which blocks count and can be marked, and how a mark is written.
 */
export interface CacheMarkLayout {
  /** True for a block that carries a marker the client placed (nothing is placed then). */
  marked(block: unknown): boolean;
  /** True when the client asked for caching in the body itself (Anthropic's automatic caching). */
  askedInBody?(body: Json): boolean;
  /** The tool definitions in the body (empty when none). */
  tools(body: Json): unknown[];
  /** The body with its tool definitions replaced. */
  withTools(body: Json, tools: unknown[]): Json;
  /** The system prompt or a turn's content as a list of blocks (empty when it is neither). */
  blocks(value: unknown): unknown[];
  /** The estimated tokens of one block. */
  blockTokens(block: unknown): number;
  /** True for a block a marker can go on (or after). */
  markable(block: unknown): boolean;
  /** A copy of the list with the marker at `block`. */
  mark(blocks: unknown[], block: number, ttl: PromptCacheTtl): unknown[];
}

/** True when the client placed any marker itself, on a tool, in the system prompt or in a turn. */
function hasMarkers(body: Json, layout: CacheMarkLayout): boolean {
  if (layout.askedInBody?.(body)) return true;
  const some = (list: unknown[]): boolean => list.some(layout.marked);
  if (some(layout.tools(body)) || some(layout.blocks(body.system))) return true;
  return (
    Array.isArray(body.messages) &&
    body.messages.some((m) => isJsonObject(m) && some(layout.blocks(m.content)))
  );
}

function lastMarkable(blocks: unknown[], markable: (block: unknown) => boolean): number {
  for (let i = blocks.length - 1; i >= 0; i--) if (markable(blocks[i])) return i;
  return -1;
}

/**
 * The placement of cache markers in bodies of one layout (a codec's `placeCacheBreakpoints`):
 * after the system prompt (or the last tool when there is none), the previous user turn and the
 * last user turn, each where the prompt up to it reaches `minimum` tokens. The placement returns
 * the body itself when it places none (a new object otherwise).
 */
export function cacheMarkPlacer(layout: CacheMarkLayout): (body: Json, opts: CacheBreakpointOptions) => Json {
  return (body, opts) => placeCacheMarks(body, opts, layout);
}

function placeCacheMarks(
  body: Json,
  { minimum, ttl }: CacheBreakpointOptions,
  layout: CacheMarkLayout,
): Json {
  if (hasMarkers(body, layout)) return body;
  let prefix = 0;
  let staticSlot: CacheSlot | undefined;
  const tools = layout.tools(body);
  for (const t of tools) prefix += estimateTextTokens(JSON.stringify(t));
  if (isJsonObject(tools.at(-1))) staticSlot = { at: 'tools', block: tools.length - 1, prefix };
  const system = layout.blocks(body.system);
  for (const b of system) prefix += layout.blockTokens(b);
  const lastSystem = lastMarkable(system, layout.markable);
  if (lastSystem >= 0) staticSlot = { at: 'system', block: lastSystem, prefix };
  const userSlots: CacheSlot[] = [];
  const messages = Array.isArray(body.messages) ? body.messages : [];
  messages.forEach((m, at) => {
    if (!isJsonObject(m)) return;
    const content = layout.blocks(m.content);
    for (const b of content) prefix += layout.blockTokens(b);
    const block = lastMarkable(content, layout.markable);
    if (m.role === 'user' && block >= 0) userSlots.push({ at, block, prefix });
  });
  const picked = chooseCacheSlots(staticSlot, userSlots, minimum);
  if (picked.length === 0) return body;

  let out: Json = { ...body };
  let outMessages: unknown[] | undefined;
  for (const s of picked) {
    if (s.at === 'tools') out = layout.withTools(out, layout.mark(tools, s.block, ttl));
    else if (s.at === 'system') out.system = layout.mark(system, s.block, ttl);
    else {
      outMessages ??= [...messages];
      const m = messages[s.at] as Json;
      outMessages[s.at] = { ...m, content: layout.mark(layout.blocks(m.content), s.block, ttl) };
    }
  }
  if (outMessages) out.messages = outMessages;
  return out;
}
