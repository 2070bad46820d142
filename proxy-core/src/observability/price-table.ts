/**
 * The price table: list prices in USD per million tokens, kept as data so it is easy to
 * update. Edit the rows, bump `asOf`, and keep `sources` honest. `prices.ts` validates it.
 *
 * Rows are grouped by `source` (a key of `sources`: where the prices were read), set once for
 * each group by `rowsOf`. Row fields:
 * - `match`: a regular expression tested against the NORMALISED model id (lower case, without
 *   provider prefixes such as `anthropic.`, `us.anthropic.`, `models/`, and without version
 *   suffixes such as `@20250929`, `-20250929`, `-2025-08-07`, `-v1:0`, `-latest`; see
 *   `normalizeModelId`). The first matching row wins, so specific rows come before general ones.
 * - `input`, `output`: uncached prompt tokens and generated tokens (reasoning included).
 * - `cacheRead`: prompt tokens served from the cache (absent → charged as `input`).
 * - `cacheWrite`: prompt tokens written to the cache, 5-minute TTL (absent → charged as `input`;
 *   OpenAI, Gemini and DeepSeek do not charge writes per token).
 * - `above`: a long-prompt tier — when the whole prompt (cached parts included) exceeds
 *   `promptTokens`, these prices apply to the whole request.
 *
 * Vertex AI and Bedrock list the same per-token prices as Anthropic for Claude on global
 * endpoints; their regional endpoints can cost ~10% more, which this table does not model.
 * Batch discounts, 1-hour cache writes, Gemini cache storage and DeepSeek's peak-hour rates are
 * not modelled either: the figure is an estimate of the standard, interactive price.
 */
interface Tier {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}
interface Row extends Tier {
  match: string;
  above?: Tier & { promptTokens: number };
}

/** The rows of one source, in order, each with its `source`. */
function rowsOf<S extends string>(source: S, rows: readonly Row[]): Array<Row & { source: S }> {
  return rows.map((r) => ({ source, ...r }));
}

export const PRICE_TABLE = {
  asOf: '2026-11-23',
  currency: 'USD',
  unit: 'per million tokens',
  sources: {
    anthropic:
      'https://platform.claude.com/docs/en/about-claude/pricing — model pricing table (5m cache writes, cache hits); Opus 5.5, Sonnet 5.5 and Haiku 5.5 rows as reproduced by third-party price lists checked 2026-10',
    openai:
      'https://platform.openai.com/docs/pricing — standard tier (input, cached input, output), as reproduced by price guides dated 2026-03 to 2026-06',
    google:
      'https://ai.google.dev/gemini-api/docs/pricing — paid tier, text/image/video input; long-prompt tier above 200k tokens for Pro models',
    deepseek:
      'https://api-docs.deepseek.com/quick_start/pricing — cache hit / cache miss / output; V4 rows are the off-peak rates (peak hours cost double)',
  },
  entries: [
    // ── Anthropic Claude (Anthropic API, Vertex AI, Bedrock) ─────────────────────────────
    ...rowsOf('anthropic', [
      { match: '^claude-(fable|mythos)-5-1$', input: 10, output: 50, cacheRead: 0.25, cacheWrite: 12.5 },
      { match: '^claude-(fable|mythos)-5$', input: 10, output: 50, cacheRead: 1, cacheWrite: 12.5 },
      { match: '^claude-opus-5-5$', input: 4, output: 20, cacheRead: 0.2, cacheWrite: 5 },
      { match: '^claude-opus-(5|4-[5-8])$', input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
      { match: '^claude-(opus-4(-[01])?|3-opus)$', input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
      { match: '^claude-sonnet-5-5$', input: 2, output: 10, cacheRead: 0.1, cacheWrite: 2.5 },
      { match: '^claude-sonnet-5$', input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
      {
        match: '^claude-sonnet-4(-0|-5)?$',
        input: 3,
        output: 15,
        cacheRead: 0.3,
        cacheWrite: 3.75,
        above: { promptTokens: 200_000, input: 6, output: 22.5, cacheRead: 0.6, cacheWrite: 7.5 },
      },
      {
        match: '^claude-(sonnet-4-6|3-7-sonnet|3-5-sonnet)$',
        input: 3,
        output: 15,
        cacheRead: 0.3,
        cacheWrite: 3.75,
      },
      {
        match: '^claude-haiku-5-5$',
        input: 0.1,
        output: 0.5,
        cacheRead: 0.01,
        cacheWrite: 0.125,
        above: { promptTokens: 100_000, input: 0.5, output: 2.5, cacheRead: 0.05, cacheWrite: 0.625 },
      },
      { match: '^claude-haiku-4-5$', input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
      { match: '^claude-3-5-haiku$', input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
      { match: '^claude-3-haiku$', input: 0.25, output: 1.25, cacheRead: 0.03, cacheWrite: 0.3 },
    ]),

    // ── OpenAI (OpenAI API and Azure OpenAI, by model name) ─────────────────────────────
    ...rowsOf('openai', [
      { match: '^gpt-5\\.5$', input: 5, output: 30, cacheRead: 0.5 },
      { match: '^gpt-5\\.4$', input: 2.5, output: 15, cacheRead: 0.25 },
      { match: '^gpt-5\\.4-mini$', input: 0.75, output: 4.5, cacheRead: 0.075 },
      { match: '^gpt-5\\.4-nano$', input: 0.2, output: 1.25, cacheRead: 0.02 },
      { match: '^gpt-5(\\.1)?-pro$', input: 15, output: 120 },
      { match: '^gpt-5(\\.1)?(-chat)?$', input: 1.25, output: 10, cacheRead: 0.125 },
      { match: '^gpt-5-mini$', input: 0.25, output: 2, cacheRead: 0.025 },
      { match: '^gpt-5-nano$', input: 0.05, output: 0.4, cacheRead: 0.005 },
      { match: '^gpt-4\\.1$', input: 2, output: 8, cacheRead: 0.5 },
      { match: '^gpt-4\\.1-mini$', input: 0.4, output: 1.6, cacheRead: 0.1 },
      { match: '^gpt-4\\.1-nano$', input: 0.1, output: 0.4, cacheRead: 0.025 },
      { match: '^gpt-4o$', input: 2.5, output: 10, cacheRead: 1.25 },
      { match: '^gpt-4o-mini$', input: 0.15, output: 0.6, cacheRead: 0.075 },
      { match: '^o1$', input: 15, output: 60, cacheRead: 7.5 },
      { match: '^o3$', input: 2, output: 8, cacheRead: 0.5 },
      { match: '^o3-mini$', input: 1.1, output: 4.4, cacheRead: 0.55 },
      { match: '^o4-mini$', input: 1.1, output: 4.4, cacheRead: 0.275 },
    ]),

    // ── Google Gemini (AI Studio and Vertex AI) ─────────────────────────────────────────
    ...rowsOf('google', [
      {
        match: '^gemini-3(\\.1)?-pro(-preview)?$',
        input: 2,
        output: 12,
        cacheRead: 0.2,
        above: { promptTokens: 200_000, input: 4, output: 18, cacheRead: 0.4 },
      },
      { match: '^gemini-3-flash(-preview)?$', input: 0.5, output: 3, cacheRead: 0.05 },
      {
        match: '^gemini-2\\.5-pro(-preview)?$',
        input: 1.25,
        output: 10,
        cacheRead: 0.125,
        above: { promptTokens: 200_000, input: 2.5, output: 15, cacheRead: 0.25 },
      },
      { match: '^gemini-2\\.5-flash-lite(-preview)?$', input: 0.1, output: 0.4, cacheRead: 0.01 },
      { match: '^gemini-2\\.5-flash(-preview)?$', input: 0.3, output: 2.5, cacheRead: 0.03 },
      { match: '^gemini-2\\.0-flash-lite$', input: 0.075, output: 0.3 },
      { match: '^gemini-2\\.0-flash$', input: 0.1, output: 0.4, cacheRead: 0.025 },
    ]),

    // ── DeepSeek ─────────────────────────────────────────────────────────────────────────
    ...rowsOf('deepseek', [
      { match: '^deepseek-(chat|reasoner)$', input: 0.28, output: 0.42, cacheRead: 0.028 },
      { match: '^deepseek-(v4(\\.\\d+)?-)?flash$', input: 0.15, output: 0.6, cacheRead: 0.003 },
      { match: '^deepseek-v4(\\.\\d+)?-pro$', input: 0.66, output: 1.98, cacheRead: 0.022 },
    ]),
  ],
} as const;
