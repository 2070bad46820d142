import { isJsonObject as isObj, type JsonObject as Json } from '../../../canonical/json.js';
import {
  cacheMarkPlacer,
  estimateTextTokens,
  estimateToolCallTokens,
} from '../../../canonical/prompt-cache.js';

/**
 * Prompt-cache points in a Bedrock Converse body: Converse marks a position with a separate
 * `{cachePoint: {type: 'default'}}` block after the content (system, messages,
 * toolConfig.tools) — after the system prompt (or the last tool when there is none), the previous
 * user turn and the last user turn. When and with which TTL is decided in providers/prompt-cache.ts.
 */

function blockTokens(b: unknown): number {
  if (!isObj(b)) return 0;
  if (typeof b.text === 'string') return estimateTextTokens(b.text);
  if (isObj(b.toolUse)) return estimateToolCallTokens(b.toolUse.name, b.toolUse.input);
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

/** Inserts the cache points; returns the body itself when it places none (a new object otherwise). */
export const placeConverseCachePoints = cacheMarkPlacer({
  marked: (b) => isObj(b) && b.cachePoint !== undefined,
  tools: (body) =>
    isObj(body.toolConfig) && Array.isArray(body.toolConfig.tools) ? body.toolConfig.tools : [],
  withTools: (body, tools) => ({ ...body, toolConfig: { ...(body.toolConfig as Json), tools } }),
  blocks: (value) => (Array.isArray(value) ? value : []),
  blockTokens,
  markable,
  // A separate cachePoint block goes after the block.
  mark(list, block, ttl) {
    const point = { cachePoint: ttl === '1h' ? { type: 'default', ttl } : { type: 'default' } };
    return [...list.slice(0, block + 1), point, ...list.slice(block + 1)];
  },
});
