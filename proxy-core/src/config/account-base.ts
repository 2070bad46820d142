import { z } from 'zod';

/** An http(s) URL, with a message users understand. */
export const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

/** A model an account offers: an id, or an id with the upstream id it maps to. */
export const accountModel = z.union([
  z.string().min(1),
  z.object({
    /** Public id clients use. */
    id: z.string().min(1),
    /** Upstream id sent to the provider (defaults to id). */
    upstream: z.string().min(1).optional(),
  }),
]);
export type AccountModel = z.infer<typeof accountModel>;

/** True for a proxy URL Keybridge can use: http://, https:// or socks5:// (socks5h too). */
export function isProxyUrl(v: string): boolean {
  try {
    return /^(https?|socks5h?):$/i.test(new URL(v).protocol);
  } catch {
    return false;
  }
}

/** Outbound proxy for one account: a URL (http, https, socks5), "none", or "inherit" (global setting). */
export const proxySetting = z
  .string()
  .refine(
    (v) => v === 'none' || v === 'inherit' || isProxyUrl(v),
    'must be "inherit", "none" or a proxy URL (http://, https:// or socks5://)',
  );

/** A spend limit: USD and/or tokens per local day and month (issue 19). Absent fields set no limit. */
export const limitSchema = z.object({
  dailyUsd: z.number().positive().optional(),
  monthlyUsd: z.number().positive().optional(),
  dailyTokens: z.number().int().positive().optional(),
  monthlyTokens: z.number().int().positive().optional(),
});
export type LimitConfig = z.infer<typeof limitSchema>;

/** Fields every account has, whatever its provider. */
export const accountBase = z.object({
  /** Stable id used in routes, logs and the keychain (letters, digits, - and _). */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, ".", "-" or "_"'),
  /** Display name. */
  label: z.string().optional(),
  enabled: z.boolean().default(true),
  /** Override of the provider's API base URL (gateways, mocks, self-hosted servers). */
  baseUrl: httpUrl.optional(),
  /** Models this account offers; merged with discovered ones when discoverModels is on. */
  models: z.array(accountModel).default([]),
  /**
   * Serve every model the upstream lists, not only the configured ones. (The list itself is
   * always asked for when the settings window shows an account's models to pick from.)
   */
  discoverModels: z.boolean().default(false),
  proxy: proxySetting.default('inherit'),
  /**
   * More API keys for the same account (providers that take an API key): used least-recently
   * first, rested after a 429 for as long as the provider asks, set aside after a 401/403.
   */
  apiKeys: z.array(z.string().trim().min(1)).default([]),
  /** Spend limit on this account: when used up, requests routed here are refused (or go to another route). */
  limits: limitSchema.optional(),
});
