import type { WireFormat } from '../canonical/types.js';

/**
 * Automatic prompt caching for Claude (issue 19): when a request to a Claude route carries no
 * cache markers of its own and its prompt is long enough to cache, Keybridge places the
 * breakpoints itself, in the wire body just before it is sent — so one rule serves converted
 * requests (OpenAI, Gemini clients) and same-dialect passthrough (Anthropic clients) alike.
 *
 * The rules relied on (Anthropic, "Prompt caching", platform.claude.com/docs/en/build-with-claude/prompt-caching;
 * Vertex: docs.cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/prompt-caching, "behaves
 * as described in the Anthropic documentation"; Bedrock: docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html):
 * - The cached prefix is rendered in the order tools → system → messages; a breakpoint caches
 *   everything before and including its block. At most 4 breakpoints per request.
 * - A prefix shorter than the model's minimum is simply not cached (no error): the minimum is
 *   per model (table below). Bedrock: "a cache checkpoint is created only when the total prompt
 *   prefix meets the minimum".
 * - `cache_control` may sit on tool definitions, system text blocks, and user/assistant content
 *   blocks (text, image, document, tool_use, tool_result) — never on thinking blocks nor on
 *   empty text blocks. Converse marks a position with a separate `{cachePoint: {type: 'default'}}`
 *   block after the content (system, messages, toolConfig.tools).
 * - TTL: 5 minutes by default; `ttl: "1h"` on the Claude API and on Vertex; on Bedrock only for
 *   Claude Sonnet 4.5, Haiku 4.5, Opus 4.5 and later (older models keep 5 minutes). Entries with
 *   a longer TTL must come before shorter ones: every automatic breakpoint uses the same TTL.
 *
 * Where they go: one on the system prompt (it covers the tools before it; on the last tool when
 * there is no system prompt), one rolling breakpoint on the last user turn (so the NEXT turn reads
 * the whole conversation so far), and one on the user turn before it — exactly where the previous
 * request put its rolling breakpoint, so that turn's entry is read back even when the turn in
 * between added more blocks than Claude's ~20-block look-back covers. Three of the four allowed.
 * A client that placed any marker of its own (or asked for automatic caching with a top-level
 * `cache_control`) is left exactly as it sent the request.
 */

export type PromptCacheTtl = '5m' | '1h';

/** An account's caching settings (`promptCaching`, `promptCacheTtl`). */
export interface PromptCacheSettings {
  mode: 'auto' | 'off';
  ttl: PromptCacheTtl;
}

/** Where the request goes: the provider kind, its wire format and the upstream model id. */
export interface PromptCacheTarget {
  provider: string;
  wire: WireFormat;
  upstreamModel: string;
}

/** The settings of an account config (defaults: auto, 5 minutes). */
export function promptCacheSettings(
  account: { promptCaching?: string; promptCacheTtl?: string } | undefined,
): PromptCacheSettings {
  return {
    mode: account?.promptCaching === 'off' ? 'off' : 'auto',
    ttl: account?.promptCacheTtl === '1h' ? '1h' : '5m',
  };
}

interface ClaudeModel {
  family: string;
  major: number;
  minor: number;
}

/** Reads a Claude model from any provider spelling (`claude-sonnet-4-5@…`, `us.anthropic.claude-3-7-sonnet-…-v1:0`). */
export function parseClaudeModel(model: string): ClaudeModel | undefined {
  const id = model.toLowerCase();
  // Current scheme: claude-<family>-<major>[-<minor>] (a dated suffix is 8 digits, never a minor).
  const named = /claude-(opus|sonnet|haiku|fable|mythos)-(\d+)(?:[-.](\d)(?!\d))?/.exec(id);
  if (named) return { family: named[1]!, major: Number(named[2]), minor: Number(named[3] ?? 0) };
  // Claude 3 scheme: claude-3[-5|-7]-<family>.
  const older = /claude-(\d)(?:[-.](\d))?-(opus|sonnet|haiku)/.exec(id);
  if (older) return { family: older[3]!, major: Number(older[1]), minor: Number(older[2] ?? 0) };
  return undefined;
}

/**
 * Minimum cacheable prompt (tokens) per model, from Anthropic's prompt-caching page ("Cache
 * limitations"): 512 for Opus 5, Fable 5 and Mythos 5; 1,024 for Opus 4.8, Sonnet 5, Sonnet 4.5,
 * Opus 4.1, Opus 4, Sonnet 4, Sonnet 3.7; 2,048 for Opus 4.7, Haiku 3.5 and Haiku 3; 4,096 for
 * Opus 4.6, Opus 4.5 and Haiku 4.5. Sonnet 4.6 is listed at 1,024 and at 2,048 by different
 * copies of that page: the larger is used. A Claude model not listed gets 4,096 (the largest),
 * so a breakpoint is only ever placed where it surely caches.
 */
export function minimumCacheableTokens(model: string): number | undefined {
  const m = parseClaudeModel(model);
  if (!m) return undefined;
  const v = `${m.family}-${m.major}.${m.minor}`;
  const table: Record<string, number> = {
    'opus-5.0': 512,
    'fable-5.0': 512,
    'mythos-5.0': 512,
    'opus-4.8': 1024,
    'sonnet-5.0': 1024,
    'sonnet-4.6': 2048,
    'sonnet-4.5': 1024,
    'opus-4.1': 1024,
    'opus-4.0': 1024,
    'sonnet-4.0': 1024,
    'sonnet-3.7': 1024,
    'sonnet-3.5': 1024,
    'opus-3.0': 1024,
    'opus-4.7': 2048,
    'haiku-3.5': 2048,
    'haiku-3.0': 2048,
    'opus-4.6': 4096,
    'opus-4.5': 4096,
    'haiku-4.5': 4096,
  };
  return table[v] ?? 4096;
}

/** The TTL actually used: 1 h only where the upstream offers it, else the 5-minute default. */
export function effectiveTtl(target: PromptCacheTarget, wanted: PromptCacheTtl): PromptCacheTtl {
  if (wanted === '5m') return '5m';
  if (target.provider !== 'bedrock') return '1h';
  // Bedrock documents the 1-hour TTL for Claude Sonnet 4.5, Haiku 4.5 and Opus 4.5 (and later).
  const m = parseClaudeModel(target.upstreamModel);
  if (!m) return '5m';
  return m.major > 4 || (m.major === 4 && m.minor >= 5) ? '1h' : '5m';
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

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A place a breakpoint can go, with the estimated prompt length up to and including it. */
interface Slot {
  /** 'tools' | 'system' | a message index. */
  at: 'tools' | 'system' | number;
  /** Index of the block inside its list; -1 for a string `system`/`content`. */
  block: number;
  prefix: number;
}

/** Places breakpoints in a wire body bound for `target`; returns the body (a new object when changed). */
export function applyPromptCache(
  body: Json,
  target: PromptCacheTarget,
  settings: PromptCacheSettings | undefined,
): Json {
  if (!settings || settings.mode === 'off') return body;
  if (target.wire !== 'anthropic' && target.wire !== 'bedrock-converse') return body;
  const minimum = minimumCacheableTokens(target.upstreamModel);
  if (minimum === undefined) return body;
  const ttl = effectiveTtl(target, settings.ttl);
  return target.wire === 'anthropic'
    ? placeInAnthropicBody(body, minimum, ttl)
    : placeInConverseBody(body, minimum, ttl);
}

/** Picks the slots: the system prompt (or last tool), the previous user turn, the last user turn. */
function choose(staticSlot: Slot | undefined, userSlots: Slot[], minimum: number): Slot[] {
  const picked: Slot[] = [];
  for (const s of [staticSlot, userSlots.at(-2), userSlots.at(-1)]) {
    if (s && s.prefix >= minimum && !picked.includes(s)) picked.push(s);
  }
  return picked.slice(0, 4);
}

// ---------- Anthropic Messages bodies (Claude API, Vertex, Bedrock InvokeModel) ----------

function anthropicBlockTokens(b: unknown): number {
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
          ? b.content.reduce((n: number, c) => n + anthropicBlockTokens(c), 0)
          : 0;
    default:
      // Images, documents and thinking: not counted (conservative; earlier turns' thinking is
      // not part of the prompt Claude counts).
      return 0;
  }
}

/** A block that may carry cache_control: not thinking, not an empty text block. */
function markableAnthropicBlock(b: unknown): boolean {
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
  if (Array.isArray(body.tools) && body.tools.some(marked)) return true;
  if (Array.isArray(body.system) && body.system.some(marked)) return true;
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) {
      if (isObj(m) && Array.isArray(m.content) && m.content.some(marked)) return true;
    }
  }
  return false;
}

function lastMarkable(blocks: unknown[]): number {
  for (let i = blocks.length - 1; i >= 0; i--) if (markableAnthropicBlock(blocks[i])) return i;
  return -1;
}

function placeInAnthropicBody(body: Json, minimum: number, ttl: PromptCacheTtl): Json {
  if (anthropicBodyHasMarkers(body)) return body;
  let prefix = 0;
  let staticSlot: Slot | undefined;
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (const t of tools) prefix += estimateTextTokens(JSON.stringify(t));
  if (tools.length > 0 && isObj(tools.at(-1))) staticSlot = { at: 'tools', block: tools.length - 1, prefix };
  if (typeof body.system === 'string') {
    prefix += estimateTextTokens(body.system);
    if (body.system.length > 0) staticSlot = { at: 'system', block: -1, prefix };
  } else if (Array.isArray(body.system)) {
    for (const b of body.system) prefix += anthropicBlockTokens(b);
    const i = lastMarkable(body.system);
    if (i >= 0) staticSlot = { at: 'system', block: i, prefix };
  }
  const userSlots: Slot[] = [];
  const messages = Array.isArray(body.messages) ? body.messages : [];
  messages.forEach((m, idx) => {
    if (!isObj(m)) return;
    let block = -2;
    if (typeof m.content === 'string') {
      prefix += estimateTextTokens(m.content);
      if (m.content.length > 0) block = -1;
    } else if (Array.isArray(m.content)) {
      for (const b of m.content) prefix += anthropicBlockTokens(b);
      const i = lastMarkable(m.content);
      if (i >= 0) block = i;
    }
    if (m.role === 'user' && block !== -2) userSlots.push({ at: idx, block, prefix });
  });
  const picked = choose(staticSlot, userSlots, minimum);
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

// ---------- Bedrock Converse bodies ----------

function converseBlockTokens(b: unknown): number {
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

function markableConverseBlock(b: unknown): boolean {
  if (!isObj(b)) return false;
  if (typeof b.text === 'string') return b.text.length > 0;
  return isObj(b.image) || isObj(b.document) || isObj(b.toolUse) || isObj(b.toolResult);
}

export function converseBodyHasMarkers(body: Json): boolean {
  const has = (list: unknown): boolean =>
    Array.isArray(list) && list.some((b) => isObj(b) && b.cachePoint !== undefined);
  if (has(body.system)) return true;
  if (isObj(body.toolConfig) && has(body.toolConfig.tools)) return true;
  return Array.isArray(body.messages) && body.messages.some((m) => isObj(m) && has(m.content));
}

function placeInConverseBody(body: Json, minimum: number, ttl: PromptCacheTtl): Json {
  if (converseBodyHasMarkers(body)) return body;
  let prefix = 0;
  let staticSlot: Slot | undefined;
  const toolConfig = isObj(body.toolConfig) ? body.toolConfig : undefined;
  const tools = toolConfig && Array.isArray(toolConfig.tools) ? toolConfig.tools : [];
  for (const t of tools) prefix += estimateTextTokens(JSON.stringify(t));
  if (tools.length > 0) staticSlot = { at: 'tools', block: tools.length - 1, prefix };
  const system = Array.isArray(body.system) ? body.system : [];
  for (const b of system) prefix += converseBlockTokens(b);
  for (let i = system.length - 1; i >= 0; i--) {
    if (markableConverseBlock(system[i])) {
      staticSlot = { at: 'system', block: i, prefix };
      break;
    }
  }
  const userSlots: Slot[] = [];
  const messages = Array.isArray(body.messages) ? body.messages : [];
  messages.forEach((m, idx) => {
    if (!isObj(m) || !Array.isArray(m.content)) return;
    for (const b of m.content) prefix += converseBlockTokens(b);
    if (m.role !== 'user') return;
    for (let i = m.content.length - 1; i >= 0; i--) {
      if (markableConverseBlock(m.content[i])) {
        userSlots.push({ at: idx, block: i, prefix });
        return;
      }
    }
  });
  const picked = choose(staticSlot, userSlots, minimum);
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
