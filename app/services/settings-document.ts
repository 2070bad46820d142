/**
 * The settings document: its schema (validated with zod), defaults, version and migrations, and the
 * rule that no secret is ever stored in it. SettingsStore (settings-store.ts) reads and writes it.
 */
import { z } from 'zod';
import {
  type AppSettings,
  appSettingsSchema,
  type ModelSettings,
  modelSettingsSchema,
  providerKindSchema,
  SECRET_FIELD_NAMES,
} from '../contract/index.js';
import { accessKeyNameSchema, limitSchema } from '../contract/limits-schemas.js';

export const SETTINGS_SCHEMA_VERSION = 1;

export const DEFAULT_SETTINGS: AppSettings = {
  port: 5731,
  requireAccessKey: false,
  lan: false,
  allowedOrigins: [],
  outboundProxy: { mode: 'system' },
  launchAtLogin: false,
  language: 'system',
  theme: 'system',
  logBodies: false,
  logMaxRecords: 1000,
  usageRetentionDays: 90,
  checkForUpdates: false,
};

export const DEFAULT_MODELS: ModelSettings = { models: [], aliases: {}, defaultModel: null };

/** An account as stored: its non-secret fields only. */
export const storedAccountSchema = z.looseObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
  provider: providerKindSchema,
  label: z.string().optional(),
  enabled: z.boolean(),
});
export type StoredAccount = z.infer<typeof storedAccountSchema>;

export const uiStateSchema = z.object({
  /** "Keybridge is still running in the tray" was shown once. */
  trayNoticeShown: z.boolean(),
  firstRunDone: z.boolean(),
  /** Limit notifications already shown (one per limit, state and period), so a restart does not repeat them. */
  limitNotices: z.array(z.string()).max(200).optional(),
});
export type UiState = z.infer<typeof uiStateSchema>;

/** A key for another person or app, as stored: its rules, never the key (that is in the keychain). */
export const storedAccessKeySchema = z.object({
  name: accessKeyNameSchema,
  models: z.array(z.string().min(1)).optional(),
  limits: limitSchema,
  createdAt: z.string(),
});
export type StoredAccessKey = z.infer<typeof storedAccessKeySchema>;

export const settingsDocumentSchema = z.object({
  schemaVersion: z.literal(SETTINGS_SCHEMA_VERSION),
  settings: appSettingsSchema,
  accounts: z.array(storedAccountSchema),
  models: modelSettingsSchema,
  ui: uiStateSchema,
  /** Limits on everything together (absent = none). */
  limits: limitSchema.optional(),
  /** Keys for other people and apps (the Share screen). */
  accessKeys: z.array(storedAccessKeySchema).optional(),
});
export type SettingsDocument = z.infer<typeof settingsDocumentSchema>;

export function defaultDocument(): SettingsDocument {
  return {
    schemaVersion: SETTINGS_SCHEMA_VERSION,
    settings: structuredClone(DEFAULT_SETTINGS),
    accounts: [],
    models: structuredClone(DEFAULT_MODELS),
    ui: { trayNoticeShown: false, firstRunDone: false },
  };
}

export type RawDoc = Record<string, unknown>;
export interface Migration {
  /** Version this migration reads; it produces from + 1. */
  from: number;
  migrate(doc: RawDoc): RawDoc;
}

/**
 * Migrations in order. Version 0 is the unversioned file of the first previews: settings flat at
 * the top level (port, lan, …) beside `accounts`, and `outboundProxy` as "system" | "none" | URL.
 */
export const MIGRATIONS: Migration[] = [
  {
    from: 0,
    migrate(doc) {
      const { accounts, models, aliases, defaultModel, ...flat } = doc;
      const settings: RawDoc = { ...flat };
      const op = settings.outboundProxy;
      if (typeof op === 'string') {
        settings.outboundProxy =
          op === 'system' || op === 'none' ? { mode: op } : { mode: 'custom', url: op };
      }
      return {
        schemaVersion: 1,
        settings,
        accounts: Array.isArray(accounts) ? accounts : [],
        models: {
          models: Array.isArray(models) ? models : [],
          aliases: aliases && typeof aliases === 'object' ? aliases : {},
          defaultModel: typeof defaultModel === 'string' ? defaultModel : null,
        },
      };
    },
  },
];

/** Removes every secret field from an account (defensive: the store must never persist one). */
export function stripSecrets<T extends Record<string, unknown>>(account: T): T {
  const copy: Record<string, unknown> = { ...account };
  for (const name of SECRET_FIELD_NAMES) delete copy[name];
  return copy as T;
}
