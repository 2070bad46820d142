/**
 * The request log's and the Usage screen's schemas of the renderer ⇄ main contract (records as
 * the live log shows them, exports, usage rows). Same rules as schemas.ts: views never carry secrets.
 */
import { z } from 'zod';
import { errorInfoViewSchema, requestCounts, servedBySchema } from './schemas.js';

export const usageViewSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number().optional(),
  cacheWriteTokens: z.number().optional(),
  reasoningTokens: z.number().optional(),
});

/** One request as the live log shows it (proxy-core's RequestRecord; never secrets). */
export const requestRecordSchema = z.object({
  id: z.string(),
  time: z.string(),
  dialect: z.enum(['openai', 'anthropic', 'gemini', 'none']),
  endpoint: z.string(),
  method: z.string(),
  path: z.string(),
  publicModel: z.string().optional(),
  /** The route that answered (the last try); absent when none was chosen. */
  ...servedBySchema.partial().shape,
  stream: z.boolean(),
  passthrough: z.boolean(),
  status: z.number(),
  latencyMs: z.number(),
  ttftMs: z.number().optional(),
  usage: usageViewSchema.optional(),
  costUsd: z.number().nullable().optional(),
  /** USD prompt caching saved on this request (reads' saving less writes' extra cost). */
  cacheSavedUsd: z.number().optional(),
  error: errorInfoViewSchema.optional(),
  attempts: z.array(
    servedBySchema.extend({
      status: z.number().optional(),
      latencyMs: z.number(),
      error: errorInfoViewSchema.optional(),
    }),
  ),
  clientAborted: z.boolean().optional(),
  /** Parameters left out because the upstream cannot take them (client's names). */
  droppedParams: z.array(z.string()).optional(),
  /** The name of the key for another person the caller presented (the Share screen); never the key. */
  accessKey: z.string().optional(),
  /** Bodies, only when body logging is on. */
  bodies: z.object({ request: z.string().optional(), response: z.string().optional() }).optional(),
});
export type RequestRecordView = z.infer<typeof requestRecordSchema>;

export const exportFileSchema = z.object({
  filename: z.string(),
  mimeType: z.string(),
  content: z.string(),
});
export type ExportFile = z.infer<typeof exportFileSchema>;

export const usageRowSchema = z.object({
  ...requestCounts,
  cacheReadTokens: z.number(),
  cacheWriteTokens: z.number(),
  /** Sum of known costs; requests with unknown prices are counted in unpricedRequests. */
  costUsd: z.number(),
  unpricedRequests: z.number(),
  /** USD prompt caching saved: cache reads at their lower price, less what cache writes cost extra. */
  cacheSavedUsd: z.number(),
});
export type UsageRow = z.infer<typeof usageRowSchema>;

export const usageSummarySchema = z.object({
  from: z.string(),
  to: z.string(),
  totals: usageRowSchema,
  perModel: z.array(usageRowSchema.extend({ model: z.string() })),
  /** One row per local calendar day (YYYY-MM-DD), oldest first. */
  perDay: z.array(usageRowSchema.extend({ day: z.string() })),
});
export type UsageSummary = z.infer<typeof usageSummarySchema>;
