import { isJsonObject as isObj, type JsonObject as Json } from '../../canonical/json.js';
import { cacheMarkPlacer, estimateTextTokens, estimateToolCallTokens } from '../../canonical/prompt-cache.js';

/**
 * Prompt-cache breakpoints in an Anthropic Messages body (Claude API, Vertex, Bedrock
 * InvokeModel): `cache_control` on the last markable block of the system prompt (or the last tool
 * when there is none), of the previous user turn and of the last user turn. `cache_control` may
 * sit on tool definitions, system text blocks and content blocks (text, image, document,
 * tool_use, tool_result, search_result) — never on thinking blocks nor on empty text blocks.
 * When and with which TTL is decided in providers/prompt-cache.ts.
 */

function blockTokens(b: unknown): number {
  if (!isObj(b)) return 0;
  switch (b.type) {
    case 'text':
      return typeof b.text === 'string' ? estimateTextTokens(b.text) : 0;
    case 'tool_use':
      return estimateToolCallTokens(b.name, b.input);
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

/** A block the client marked itself (a tool result's content counts). */
function marked(b: unknown): boolean {
  return (
    isObj(b) &&
    (b.cache_control !== undefined ||
      (b.type === 'tool_result' && Array.isArray(b.content) && b.content.some(marked)))
  );
}

/** A string system prompt or turn stands for the one text block it would be written as. */
function blocks(value: unknown): unknown[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return Array.isArray(value) ? value : [];
}

/** Places the breakpoints; returns the body itself when it places none (a new object otherwise). */
export const placeAnthropicCacheBreakpoints = cacheMarkPlacer({
  marked,
  // A top-level cache_control asks Claude for automatic caching: the client chose already.
  askedInBody: (body) => body.cache_control !== undefined,
  tools: (body) => (Array.isArray(body.tools) ? body.tools : []),
  withTools: (body, tools) => ({ ...body, tools }),
  blocks,
  blockTokens,
  markable,
  // cache_control goes on the block itself.
  mark(list, block, ttl) {
    const copy = [...list];
    copy[block] = {
      ...(copy[block] as Json),
      cache_control: ttl === '1h' ? { type: 'ephemeral', ttl } : { type: 'ephemeral' },
    };
    return copy;
  },
});
