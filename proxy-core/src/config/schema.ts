import { z } from 'zod';
import { anthropicAccountSchema } from '../providers/anthropic/config.js';
import { azureAccountSchema } from '../providers/azure/config.js';
import { bedrockAccountSchema } from '../providers/bedrock/config.js';
import { googleAiAccountSchema } from '../providers/google-ai/config.js';
import { openaiCompatibleAccountSchema } from '../providers/openai-compatible/config.js';
import { vertexAccountSchema } from '../providers/vertex/config.js';
import { isProxyUrl, limitSchema } from './account-base.js';
import { didYouMean } from './did-you-mean.js';

/**
 * Every provider's account schema, discriminated by `provider`. A provider folder exports its
 * schema from `config.ts` and is added here once.
 */
export const accountSchema = z.discriminatedUnion('provider', [
  openaiCompatibleAccountSchema,
  anthropicAccountSchema,
  vertexAccountSchema,
  bedrockAccountSchema,
  azureAccountSchema,
  googleAiAccountSchema,
]);
export type AccountConfig = z.infer<typeof accountSchema>;

export const routeSchema = z.object({
  account: z.string().min(1),
  /** Upstream model id on that account. */
  model: z.string().min(1),
});

/** A public model id served by an ordered list of routes (failover order). */
export const publicModelSchema = z.object({
  id: z.string().min(1),
  routes: z.array(routeSchema).min(1, 'needs at least one route'),
});

/** Shortest key accepted for another person or app (it may travel over the LAN). */
export const MIN_ACCESS_KEY_LENGTH = 16;

/** A key for another person or app: held to its own models and limits (issue 19). */
export const accessKeySchema = z.object({
  /** Who or what holds the key ("Anna's SillyTavern"): shown in the log and usage, never the key. */
  name: z.string().trim().min(1, 'needs a name').max(64, 'must be at most 64 characters'),
  /** The key itself (a secret; `${VAR}` and `${file:…}` work as for other secrets). */
  key: z.string().trim().min(MIN_ACCESS_KEY_LENGTH, `must be at least ${MIN_ACCESS_KEY_LENGTH} characters`),
  /** The models (public ids or aliases) this key may use; absent = all. */
  models: z.array(z.string().trim().min(1)).optional(),
  limits: limitSchema.optional(),
});
export type AccessKeyConfig = z.infer<typeof accessKeySchema>;

export const serverSchema = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(5731),
  /** Access key clients must present (Bearer, x-api-key, x-goog-api-key or ?key=). */
  accessKey: z.string().optional(),
  /** Keys for other people and apps, each with its own models and limits. */
  accessKeys: z.array(accessKeySchema).default([]),
  /** Require the access key from every caller, loopback included. */
  requireAccessKey: z.boolean().default(false),
  /** Listen on all interfaces (LAN). Requires an access key. */
  lan: z.boolean().default(false),
  /** Browser origins allowed to call the proxy without an access key. */
  allowedOrigins: z.array(z.string()).default([]),
  /** Largest request body accepted, in MiB. */
  bodyLimitMb: z.number().positive().max(512).default(32),
  /** Longest a client may take to send its request headers (slowloris guard). */
  headersTimeoutMs: z.number().int().positive().default(30_000),
  /** How long an idle keep-alive connection from a client stays open. */
  keepAliveTimeoutMs: z.number().int().positive().default(65_000),
});

export const timeoutsSchema = z.object({
  /** TCP/TLS connect. */
  connectMs: z.number().int().positive().default(10_000),
  /** From request sent to response headers (time to first byte). */
  firstByteMs: z.number().int().positive().default(120_000),
  /** Longest silence between two chunks of a streamed response. */
  idleMs: z.number().int().positive().default(120_000),
  /**
   * One deadline per request, across all its retries and failover: the longest a client waits
   * before its answer starts (first byte) or it hears why not. First-byte and idle stay per attempt.
   */
  deadlineMs: z.number().int().positive().default(300_000),
});

export const loggingSchema = z.object({
  /** JSONL access log of request records (headless mode). */
  accessLog: z.string().optional(),
  /** JSON file of usage totals per day, model and account, kept across restarts. */
  usageFile: z.string().optional(),
  /** Log request and response bodies (off by default). */
  bodies: z.boolean().default(false),
});

/** Outbound proxy for reaching upstreams: none, from HTTPS_PROXY/NO_PROXY, or a URL. */
export const outboundProxySchema = z
  .string()
  .refine(
    (v) => v === 'none' || v === 'env' || isProxyUrl(v),
    'must be "env", "none" or a proxy URL (http://, https:// or socks5://)',
  );

export const configSchema = z
  .object({
    server: serverSchema.default(serverSchema.parse({})),
    accounts: z.array(accountSchema).default([]),
    models: z.array(publicModelSchema).default([]),
    /** Names of the user's own for public models: alias → model id. */
    aliases: z.record(z.string(), z.string()).default({}),
    timeouts: timeoutsSchema.default(timeoutsSchema.parse({})),
    logging: loggingSchema.default(loggingSchema.parse({})),
    outboundProxy: outboundProxySchema.default('env'),
    /** Spend limit on everything together. */
    limits: limitSchema.optional(),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.accounts.forEach((a, i) => {
      if (seen.has(a.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'id'],
          message: `duplicate account id "${a.id}"`,
        });
      }
      seen.add(a.id);
    });
    cfg.models.forEach((m, i) => {
      m.routes.forEach((r, j) => {
        if (!seen.has(r.account)) {
          const meant = didYouMean(r.account, [...seen]);
          ctx.addIssue({
            code: 'custom',
            path: ['models', i, 'routes', j, 'account'],
            message: `no account with id "${r.account}"${meant ? ` — did you mean ${meant}?` : ''}`,
          });
        }
      });
    });
    const names = new Set<string>();
    const keys = new Set<string>(cfg.server.accessKey ? [cfg.server.accessKey] : []);
    cfg.server.accessKeys.forEach((k, i) => {
      if (names.has(k.name.toLowerCase()))
        ctx.addIssue({
          code: 'custom',
          path: ['server', 'accessKeys', i, 'name'],
          message: `another access key is already named "${k.name}"`,
        });
      names.add(k.name.toLowerCase());
      // Never echo the key: the message says which entry, not what it holds.
      if (keys.has(k.key))
        ctx.addIssue({
          code: 'custom',
          path: ['server', 'accessKeys', i, 'key'],
          message: 'is the same as another key (each person or app needs a key of its own)',
        });
      keys.add(k.key);
    });
    if (cfg.server.lan && !cfg.server.accessKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['server', 'accessKey'],
        message: 'is required when LAN access is on',
      });
    }
  });

export type KeybridgeConfig = z.infer<typeof configSchema>;
export type ServerConfig = z.infer<typeof serverSchema>;
export type { LimitConfig } from './account-base.js';
export type TimeoutsConfig = z.infer<typeof timeoutsSchema>;
