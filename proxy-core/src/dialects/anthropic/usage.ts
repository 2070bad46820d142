import type { Usage } from '../../canonical/types.js';

type Json = Record<string, unknown>;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Anthropic's usage counters as last reported (each may be missing from a given event). */
export interface AnthropicUsageCounters {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** Of cacheWrite, the tokens written with a 1-hour TTL (`cache_creation.ephemeral_1h_input_tokens`). */
  cacheWrite1h?: number;
}

/** Reads the counters an Anthropic `usage` object carries. */
export function readAnthropicCounters(
  raw: unknown,
  into: AnthropicUsageCounters = {},
): AnthropicUsageCounters {
  if (raw === null || typeof raw !== 'object') return into;
  const u = raw as Json;
  const out = { ...into };
  const input = num(u.input_tokens);
  const output = num(u.output_tokens);
  const read = num(u.cache_read_input_tokens);
  const write = num(u.cache_creation_input_tokens);
  if (input !== undefined) out.input = input;
  if (output !== undefined) out.output = output;
  if (read !== undefined) out.cacheRead = read;
  if (write !== undefined) out.cacheWrite = write;
  const split = u.cache_creation;
  if (split !== null && typeof split === 'object') {
    const oneHour = num((split as Json).ephemeral_1h_input_tokens);
    if (oneHour !== undefined) out.cacheWrite1h = oneHour;
  }
  return out;
}

/**
 * Counters → canonical usage. Anthropic's input_tokens excludes cache reads and writes; the
 * canonical inputTokens includes them.
 */
export function usageFromCounters(c: AnthropicUsageCounters): Partial<Usage> {
  const out: Partial<Usage> = {};
  if (c.input !== undefined || c.cacheRead !== undefined || c.cacheWrite !== undefined) {
    out.inputTokens = (c.input ?? 0) + (c.cacheRead ?? 0) + (c.cacheWrite ?? 0);
  }
  if (c.output !== undefined) out.outputTokens = c.output;
  if (c.cacheRead) out.cacheReadTokens = c.cacheRead;
  if (c.cacheWrite) out.cacheWriteTokens = c.cacheWrite;
  if (c.cacheWrite1h) out.cacheWrite1hTokens = c.cacheWrite1h;
  return out;
}

export function usageFromAnthropic(raw: unknown): Partial<Usage> | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  return usageFromCounters(readAnthropicCounters(raw));
}

/** Canonical usage → Anthropic's usage object (cached tokens taken back out of input_tokens). */
export function usageToAnthropic(usage: Partial<Usage>): Json {
  const read = usage.cacheReadTokens ?? 0;
  const write = usage.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage.inputTokens ?? 0) - read - write),
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
    output_tokens: usage.outputTokens ?? 0,
  };
}
