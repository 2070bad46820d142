/**
 * Contract shapes for spend limits and keys for other people (issue 19, the window's side):
 * Settings → Limits, the Share screen, the Usage screen's limit bars and the tray's warnings.
 * Plain zod, no node: the renderer imports it too. An access key itself crosses only in the
 * answers of `share.create` and `share.copy` (the user asked for it); every view carries its name.
 */
import { z } from 'zod';

const amount = (max: number) =>
  z
    .number()
    .positive('must be more than 0')
    .max(max, `must be ${max.toLocaleString('en')} or less`)
    .optional();

/** A limit: any of the four, each optional (absent = no limit of that kind). Days and months are local time. */
export const limitSchema = z.strictObject({
  dailyUsd: amount(1_000_000),
  monthlyUsd: amount(10_000_000),
  dailyTokens: amount(1e12),
  monthlyTokens: amount(1e13),
});
export type LimitView = z.infer<typeof limitSchema>;

/** What a limit sits on: everything together, one account, or one access key (by name). */
export const limitScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('global') }),
  z.object({ kind: z.literal('account'), id: z.string() }),
  z.object({ kind: z.literal('key'), name: z.string() }),
]);
export type LimitScopeView = z.infer<typeof limitScopeSchema>;

/** One configured limit with its use right now. */
export const limitStatusSchema = z.object({
  scope: limitScopeSchema,
  period: z.enum(['daily', 'monthly']),
  measure: z.enum(['usd', 'tokens']),
  limit: z.number(),
  used: z.number(),
  /** ISO time it starts again (local midnight, or the 1st of next month). */
  resetsAt: z.string(),
  /** warning: 80 % used or more; reached: used up, requests on it are refused. */
  state: z.enum(['ok', 'warning', 'reached']),
});
export type LimitStatusView = z.infer<typeof limitStatusSchema>;

export const limitsStatusSchema = z.object({
  /** False when the proxy is stopped: the limits are listed with nothing used known. */
  running: z.boolean(),
  statuses: z.array(limitStatusSchema),
  /** Models used that have no price: they count against token limits only. */
  unpricedModels: z.array(z.string()),
});
export type LimitsStatusView = z.infer<typeof limitsStatusSchema>;

export const promptCachingSchema = z.enum(['auto', 'off']);
export const promptCacheTtlSchema = z.enum(['5m', '1h']);
export const unsupportedParamsSchema = z.enum(['drop', 'refuse']);

/** An account's cost settings: its limits, Claude prompt caching, and what to do with parameters a model cannot take. */
export const accountCostSettingsSchema = z.object({
  limits: limitSchema,
  promptCaching: promptCachingSchema,
  promptCacheTtl: promptCacheTtlSchema,
  unsupportedParams: unsupportedParamsSchema,
});
export type AccountCostSettings = z.infer<typeof accountCostSettingsSchema>;

export const limitsViewSchema = z.object({
  global: limitSchema,
  accounts: z.array(
    accountCostSettingsSchema.extend({
      id: z.string(),
      label: z.string().optional(),
      provider: z.string(),
    }),
  ),
});
export type LimitsView = z.infer<typeof limitsViewSchema>;

export const accountCostPatchSchema = z.strictObject({
  id: z.string().min(1).max(64),
  limits: limitSchema.optional(),
  promptCaching: promptCachingSchema.optional(),
  promptCacheTtl: promptCacheTtlSchema.optional(),
  unsupportedParams: unsupportedParamsSchema.optional(),
});

/** A name the user gives a key ("Alice's SillyTavern", "小明"): shown in the log and on the Share screen. */
export const accessKeyNameSchema = z
  .string()
  .trim()
  .min(1, 'needs a name')
  .max(40, 'must be 40 characters or fewer')
  .regex(/^(?:[\p{L}\p{N}][\p{L}\p{N} '’_.-]*)?$/u, "may use letters, digits, spaces and - _ . '");

const usageCounts = z.object({ requests: z.number(), tokens: z.number(), costUsd: z.number() });

/** A key as the window sees it: never the key itself, only the last four characters. */
export const accessKeyViewSchema = z.object({
  name: z.string(),
  /** The models it may use; absent = every model. */
  models: z.array(z.string()).optional(),
  limits: limitSchema,
  createdAt: z.string(),
  /** The last four characters, so the user can tell keys apart ("…x7Q2"). */
  hint: z.string(),
  /** False when its secret is missing (no keychain after a restart): it does not work until made again. */
  usable: z.boolean(),
  usage: z.object({ total: usageCounts, today: usageCounts, month: usageCounts }).nullable(),
});
export type AccessKeyView = z.infer<typeof accessKeyViewSchema>;

/** Where a friend reaches the proxy: the LAN address when LAN is on, else the loopback one (this computer only). */
const shareAddressSchema = z.object({
  lan: z.boolean(),
  /** http://192.168.1.20:5731/v1 (LAN on and an address found) or http://127.0.0.1:5731/v1 */
  baseUrl: z.string(),
  /** LAN is on but no network address was found on this computer. */
  noLanAddress: z.boolean(),
});

export const shareViewSchema = z.object({
  keys: z.array(accessKeyViewSchema),
  address: shareAddressSchema,
  running: z.boolean(),
});
export type ShareView = z.infer<typeof shareViewSchema>;

export const accessKeyDraftSchema = z.strictObject({
  name: accessKeyNameSchema,
  models: z.array(z.string().min(1).max(200)).max(500).optional(),
  limits: limitSchema.default({}),
});
export type AccessKeyDraft = z.input<typeof accessKeyDraftSchema>;

/**
 * What "Copy" needs: the address and the key together (the window puts them on the clipboard with a
 * line, in its language, on how to paste them into SillyTavern).
 */
export const shareCopySchema = shareAddressSchema.pick({ baseUrl: true, lan: true }).extend({
  key: accessKeyViewSchema,
  /** The secret key (only in this answer). */
  accessKey: z.string(),
});
export type ShareCopy = z.infer<typeof shareCopySchema>;
