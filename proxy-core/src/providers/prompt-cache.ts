import type { PromptCacheTtl } from '../canonical/prompt-cache.js';
import type { WireCodec } from '../dialects/types.js';
import type { Provider } from './types.js';

export type { PromptCacheTtl } from '../canonical/prompt-cache.js';
export { estimateTextTokens } from '../canonical/prompt-cache.js';

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
 * Each wire codec places them in its own body format (`WireCodec.placeCacheBreakpoints`); the
 * provider says whether it offers the 1-hour TTL for a model (`Provider.promptCacheTtl1h`).
 * A client that placed any marker of its own (or asked for automatic caching with a top-level
 * `cache_control`) is left exactly as it sent the request.
 */

/** An account's caching settings (`promptCaching`, `promptCacheTtl`). */
export interface PromptCacheSettings {
  mode: 'auto' | 'off';
  ttl: PromptCacheTtl;
}

/**
 * Where the request goes: the wire codec of its body (which places the breakpoints, where its
 * format has them), the provider (whether it offers the 1-hour TTL) and the upstream model id.
 */
export interface PromptCacheTarget {
  codec: Pick<WireCodec, 'placeCacheBreakpoints'>;
  provider: Pick<Provider, 'promptCacheTtl1h'>;
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

/** The TTL actually used: 1 h only where the provider offers it for the model, else the 5-minute default. */
export function effectiveTtl(target: PromptCacheTarget, wanted: PromptCacheTtl): PromptCacheTtl {
  if (wanted === '5m') return '5m';
  return target.provider.promptCacheTtl1h?.(target.upstreamModel) === false ? '5m' : '1h';
}

/** Places breakpoints in a wire body bound for `target`; returns the body (a new object when changed). */
export function applyPromptCache(
  body: Record<string, unknown>,
  target: PromptCacheTarget,
  settings: PromptCacheSettings | undefined,
): Record<string, unknown> {
  if (!settings || settings.mode === 'off' || !target.codec.placeCacheBreakpoints) return body;
  const minimum = minimumCacheableTokens(target.upstreamModel);
  if (minimum === undefined) return body;
  return target.codec.placeCacheBreakpoints(body, { minimum, ttl: effectiveTtl(target, settings.ttl) });
}
