import { z } from 'zod';
import type { Usage } from '../canonical/types.js';
import { PRICE_TABLE } from './price-table.js';
import type { RequestRecord } from './types.js';

/**
 * Cost estimates from the price table (`price-table.ts`). An unknown model has no price:
 * `estimateCost` returns null, never a guess.
 *
 * Usage convention (canonical/types.ts): inputTokens INCLUDES cacheReadTokens and
 * cacheWriteTokens, and outputTokens includes reasoning. So the uncached prompt is
 * input − cacheRead − cacheWrite, charged at the input price, and the cached parts at theirs.
 */

const tierSchema = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheRead: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
});

const entrySchema = tierSchema.extend({
  source: z.string().min(1),
  match: z.string().min(1),
  above: tierSchema.extend({ promptTokens: z.number().int().positive() }).optional(),
});

const tableSchema = z.object({
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  currency: z.literal('USD'),
  unit: z.string(),
  sources: z.record(z.string(), z.string()),
  entries: z.array(entrySchema),
});

export type PriceTier = z.infer<typeof tierSchema>;
export type PriceEntry = z.infer<typeof entrySchema>;
export type PriceTableData = z.infer<typeof tableSchema>;

/** A matched price: the row, the table date and the source it came from. */
export interface ModelPrice extends PriceEntry {
  asOf: string;
  sourceUrl: string;
}

export interface PriceBook {
  asOf: string;
  /** The price row for a model id (any provider spelling), or undefined when unknown. */
  find(model: string): ModelPrice | undefined;
  /** Estimated USD cost, or null when the model is not in the table. */
  estimate(model: string, usage: Usage): number | null;
}

/**
 * Reduces the many spellings of a model id to the one the table matches:
 * `us.anthropic.claude-sonnet-4-5-20250929-v1:0`, `claude-sonnet-4-5@20250929`,
 * `anthropic/claude-sonnet-4.5` → `claude-sonnet-4-5`; `models/gemini-2.5-pro` → `gemini-2.5-pro`;
 * `gpt-4o-2024-08-06` → `gpt-4o`; `gemini-2.5-flash-preview-09-2025` → `gemini-2.5-flash`.
 */
export function normalizeModelId(model: string): string {
  let id = model
    .trim()
    .toLowerCase()
    .replace(/\[[^\]]*\]$/, '');
  id = id.replace(/^.*?\bmodels\//, '');
  id = id.replace(
    /^(?:(?:us|eu|apac|au|jp|ca|global|us-gov)\.)?(?:anthropic|openai|deepseek|google|meta)\./,
    '',
  );
  id = id.replace(/^[a-z0-9-]+\//, '');
  id = id.replace(/@.*$/, '');
  id = id.replace(/(?:-v\d+)?:\d+$/, '').replace(/-v\d+$/, '');
  id = id.replace(/-latest$/, '');
  id = id.replace(/-(?:\d{8}|\d{4}-\d{2}-\d{2})$/, '');
  id = id.replace(/-preview(?:-[\w-]*)?$/, '');
  if (id.startsWith('gemini-')) id = id.replace(/-\d{3}$/, '');
  if (id.startsWith('claude-')) id = id.replace(/(\d)\.(\d)/g, '$1-$2');
  return id;
}

function costAt(tier: PriceTier, usage: Usage): number {
  const cacheRead = Math.max(0, usage.cacheReadTokens ?? 0);
  const cacheWrite = Math.max(0, usage.cacheWriteTokens ?? 0);
  const uncached = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  // 1-hour cache writes cost twice the input price (Anthropic pricing: "1h cache writes 2x base
  // input"); the table's cacheWrite is the 5-minute price.
  const write1h = Math.min(cacheWrite, Math.max(0, usage.cacheWrite1hTokens ?? 0));
  const perMillion =
    uncached * tier.input +
    cacheRead * (tier.cacheRead ?? tier.input) +
    (cacheWrite - write1h) * (tier.cacheWrite ?? tier.input) +
    write1h * (tier.cacheWrite !== undefined ? tier.input * 2 : tier.input) +
    Math.max(0, usage.outputTokens) * tier.output;
  return perMillion / 1_000_000;
}

/** Cost of `usage` at a price row, choosing the long-prompt tier when the prompt is long. */
export function costForPrice(price: PriceEntry, usage: Usage): number {
  const tier = price.above && usage.inputTokens > price.above.promptTokens ? price.above : price;
  return costAt(tier, usage);
}

/**
 * What prompt caching saved on `usage` at a price row: the cost had every prompt token been
 * charged at the input price, minus the cost as charged (cache reads at their lower price, cache
 * writes at their higher one). Negative when writes cost more than reads saved (a first turn).
 */
export function cacheSavingForPrice(price: PriceEntry, usage: Usage): number {
  const uncached: Usage = { ...usage, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 };
  return costForPrice(price, uncached) - costForPrice(price, usage);
}

/** Builds a price book from table data (validated; a bad row is a programming error). */
export function createPriceBook(data: unknown = PRICE_TABLE): PriceBook {
  const table = tableSchema.parse(data);
  const rows = table.entries.map((e) => ({ entry: e, re: new RegExp(e.match) }));
  // Every request is priced, mostly for the same few models: remember each id's row (or that it
  // has none) instead of running the table's patterns again. Bounded, for ids from discovery.
  const known = new Map<string, ModelPrice | null>();
  const find = (model: string): ModelPrice | undefined => {
    const seen = known.get(model);
    if (seen !== undefined) return seen ?? undefined;
    const id = normalizeModelId(model);
    const hit = rows.find((r) => r.re.test(id));
    const price = hit
      ? Object.freeze({
          ...hit.entry,
          asOf: table.asOf,
          sourceUrl: table.sources[hit.entry.source] ?? hit.entry.source,
        })
      : null;
    if (known.size >= 1024) known.clear();
    known.set(model, price);
    return price ?? undefined;
  };
  return {
    asOf: table.asOf,
    find,
    estimate(model, usage) {
      const price = find(model);
      return price ? costForPrice(price, usage) : null;
    },
  };
}

/** The built-in table (immutable; built once at load). */
export const DEFAULT_PRICE_BOOK: PriceBook = createPriceBook(PRICE_TABLE);

/** USD saved by prompt caching on a request (see cacheSavingForPrice); null when the model is unknown. */
export function estimateCacheSaving(
  model: string,
  usage: Usage,
  book: PriceBook = DEFAULT_PRICE_BOOK,
): number | null {
  const price = book.find(model);
  return price ? cacheSavingForPrice(price, usage) : null;
}

/** Estimated USD cost of a request with the built-in table; null when the model is unknown. */
export function estimateCost(
  model: string,
  usage: Usage,
  book: PriceBook = DEFAULT_PRICE_BOOK,
): number | null {
  return book.estimate(model, usage);
}

/**
 * Estimated cost of a request: priced by the model the upstream reported, else the upstream id,
 * else the public id (Azure deployment names and aliases are not model names). Null when none is
 * in the price table — never a made-up figure.
 */
function recordCost(r: RequestRecord, usage: Usage, estimate = estimateCost): number | null {
  for (const model of [r.responseModel, r.upstreamModel, r.publicModel]) {
    if (!model) continue;
    const cost = estimate(model, usage);
    if (cost !== null) return cost;
  }
  return null;
}

/** Sets a finished record's cost and, when the prompt cache was used, what it saved (reads saved less writes' extra). */
export function priceRecord(r: RequestRecord): void {
  if (!r.usage) return;
  r.costUsd = recordCost(r, r.usage);
  if (r.usage.cacheReadTokens || r.usage.cacheWriteTokens) {
    const saved = recordCost(r, r.usage, estimateCacheSaving);
    if (saved !== null) r.cacheSavedUsd = saved;
  }
}
