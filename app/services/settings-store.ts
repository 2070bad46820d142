/**
 * SettingsStore: the app's settings file (settings.json in the data dir), read and written through
 * `conf` — the engine under electron-store, which runs in plain Node with an explicit `cwd` and
 * writes atomically. (electron-store itself imports `electron` at load, so the services use its
 * engine directly; behaviour and file format are the same.)
 *
 * Validated with zod, versioned with migrations. A file that cannot be read is kept beside it as a
 * backup, the user gets a notice, and defaults are used. It holds NO secrets: account secret fields
 * are stripped before anything is written (the SecretVault fills them in at runtime).
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import {
  type AppSettings,
  appMsg,
  appSettingsSchema,
  type MessageRef,
  type ModelSettings,
  modelSettingsSchema,
  type Notice,
  SECRET_FIELD_NAMES,
  type SettingsPatch,
} from '../contract/index.js';
import { type LimitView, limitSchema } from '../contract/limits-schemas.js';

import {
  defaultDocument,
  MIGRATIONS,
  type Migration,
  type RawDoc,
  SETTINGS_SCHEMA_VERSION,
  type SettingsDocument,
  type StoredAccessKey,
  type StoredAccount,
  settingsDocumentSchema,
  storedAccessKeySchema,
  storedAccountSchema,
  stripSecrets,
  type UiState,
  uiStateSchema,
} from './settings-document.js';

export type {
  Migration,
  SettingsDocument,
  StoredAccessKey,
  StoredAccount,
  UiState,
} from './settings-document.js';
export {
  DEFAULT_MODELS,
  DEFAULT_SETTINGS,
  defaultDocument,
  MIGRATIONS,
  SETTINGS_SCHEMA_VERSION,
  settingsDocumentSchema,
  storedAccessKeySchema,
  storedAccountSchema,
  stripSecrets,
  uiStateSchema,
} from './settings-document.js';

export interface OpenSettingsOptions {
  /** Directory of the file (Electron: app.getPath('userData')). */
  dir: string;
  /** File name without extension. */
  name?: string;
  migrations?: Migration[];
  currentVersion?: number;
  now?: () => Date;
}

interface LoadOutcome {
  doc: SettingsDocument;
  notices: Notice[];
  /** True when the file must be (re)written. */
  dirty: boolean;
}

export class SettingsStore {
  readonly path: string;
  readonly #conf: Conf<SettingsDocument>;
  #doc: SettingsDocument;
  readonly #notices: Notice[];
  readonly #listeners = new Set<(doc: SettingsDocument) => void>();

  private constructor(conf: Conf<SettingsDocument>, outcome: LoadOutcome) {
    this.#conf = conf;
    this.path = conf.path;
    this.#doc = outcome.doc;
    this.#notices = outcome.notices;
    if (outcome.dirty) this.#write();
  }

  static open(opts: OpenSettingsOptions): SettingsStore {
    const name = opts.name ?? 'settings';
    const file = path.join(opts.dir, `${name}.json`);
    const outcome = loadDocument(file, {
      migrations: opts.migrations ?? MIGRATIONS,
      currentVersion: opts.currentVersion ?? SETTINGS_SCHEMA_VERSION,
      now: opts.now ?? (() => new Date()),
    });
    const conf = new Conf<SettingsDocument>({
      cwd: opts.dir,
      configName: name,
      clearInvalidConfig: false,
      serialize: (value) => `${JSON.stringify(value, null, 2)}\n`,
    });
    return new SettingsStore(conf, outcome);
  }

  /** Problems found while loading, for the UI (file reset, settings repaired, newer version…). */
  loadNotices(): Notice[] {
    return this.#notices.map((n) => ({ ...n }));
  }

  document(): SettingsDocument {
    return structuredClone(this.#doc);
  }

  getSettings(): AppSettings {
    return structuredClone(this.#doc.settings);
  }

  /** Applies a validated patch; throws a zod error on a bad one (nothing is written then). */
  updateSettings(patch: SettingsPatch): AppSettings {
    const next = appSettingsSchema.parse({ ...this.#doc.settings, ...patch });
    this.#doc = { ...this.#doc, settings: next };
    this.#write();
    return structuredClone(next);
  }

  getAccounts(): StoredAccount[] {
    return structuredClone(this.#doc.accounts);
  }

  getAccount(id: string): StoredAccount | undefined {
    const found = this.#doc.accounts.find((a) => a.id === id);
    return found ? structuredClone(found) : undefined;
  }

  /** Adds or replaces an account (by id), secrets stripped. */
  putAccount(account: StoredAccount): void {
    const clean = storedAccountSchema.parse(stripSecrets(account));
    const accounts = this.#doc.accounts.filter((a) => a.id !== clean.id);
    const at = this.#doc.accounts.findIndex((a) => a.id === clean.id);
    accounts.splice(at < 0 ? accounts.length : at, 0, clean);
    this.#doc = { ...this.#doc, accounts };
    this.#write();
  }

  /** Removes an account and every route that used it. */
  removeAccount(id: string): boolean {
    if (!this.#doc.accounts.some((a) => a.id === id)) return false;
    const models = this.#doc.models.models
      .map((m) => ({ ...m, routes: m.routes.filter((r) => r.account !== id) }))
      .filter((m) => m.routes.length > 0);
    const ids = new Set(models.map((m) => m.id));
    const aliases = Object.fromEntries(
      Object.entries(this.#doc.models.aliases).filter(([, to]) => ids.has(to)),
    );
    const defaultModel =
      this.#doc.models.defaultModel && ids.has(this.#doc.models.defaultModel)
        ? this.#doc.models.defaultModel
        : null;
    this.#doc = {
      ...this.#doc,
      accounts: this.#doc.accounts.filter((a) => a.id !== id),
      models: { models, aliases, defaultModel },
    };
    this.#write();
    return true;
  }

  getModels(): ModelSettings {
    return structuredClone(this.#doc.models);
  }

  setModels(models: ModelSettings): ModelSettings {
    const next = modelSettingsSchema.parse(models);
    this.#doc = { ...this.#doc, models: next };
    this.#write();
    return structuredClone(next);
  }

  /** Limits on everything together. */
  getLimits(): LimitView {
    return structuredClone(this.#doc.limits ?? {});
  }

  setLimits(limits: LimitView): LimitView {
    const next = limitSchema.parse(limits);
    this.#doc = { ...this.#doc, limits: next };
    this.#write();
    return structuredClone(next);
  }

  getAccessKeys(): StoredAccessKey[] {
    return structuredClone(this.#doc.accessKeys ?? []);
  }

  /** Adds or replaces a key's rules (by name). */
  putAccessKey(key: StoredAccessKey): void {
    const clean = storedAccessKeySchema.parse(key);
    const keys = [...(this.#doc.accessKeys ?? [])];
    const at = keys.findIndex((k) => k.name === clean.name);
    if (at < 0) keys.push(clean);
    else keys[at] = clean;
    this.#doc = { ...this.#doc, accessKeys: keys };
    this.#write();
  }

  removeAccessKey(name: string): boolean {
    const keys = this.#doc.accessKeys ?? [];
    if (!keys.some((k) => k.name === name)) return false;
    this.#doc = { ...this.#doc, accessKeys: keys.filter((k) => k.name !== name) };
    this.#write();
    return true;
  }

  getUi(): UiState {
    return { ...this.#doc.ui };
  }

  setUi(patch: Partial<UiState>): UiState {
    this.#doc = { ...this.#doc, ui: uiStateSchema.parse({ ...this.#doc.ui, ...patch }) };
    this.#write();
    return { ...this.#doc.ui };
  }

  onChange(listener: (doc: SettingsDocument) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #write(): void {
    this.#conf.store = this.#doc;
    const snapshot = this.document();
    for (const l of this.#listeners) l(snapshot);
  }
}

/** Reads, migrates and validates the file; never throws for a bad file. */
export function loadDocument(
  file: string,
  opts: { migrations: Migration[]; currentVersion: number; now: () => Date },
): LoadOutcome {
  const notices: Notice[] = [];
  const notice = (
    id: string,
    level: Notice['level'],
    message: string,
    hint: string | undefined,
    refs: { message: MessageRef; hint?: MessageRef },
  ) =>
    notices.push({
      id,
      level,
      message,
      hint,
      messageRef: refs.message,
      ...(refs.hint ? { hintRef: refs.hint } : {}),
      time: opts.now().toISOString(),
    });

  if (!existsSync(file)) return { doc: defaultDocument(), notices, dirty: true };

  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('not a JSON object');
  } catch (err) {
    const backup = backupFile(file, 'corrupt', opts.now());
    notice(
      'settings-corrupt',
      'error',
      `Your settings file could not be read (${err instanceof Error ? err.message : String(err)}), so Keybridge started with default settings.`,
      `The old file was kept as ${path.basename(backup)} in ${path.dirname(backup)}. Your keychain credentials are untouched: add your accounts again with the same names to use them.`,
      {
        message: appMsg('settingsUnreadable', { detail: err instanceof Error ? err.message : String(err) }),
        hint: appMsg('settingsUnreadableHint', { file: path.basename(backup), folder: path.dirname(backup) }),
      },
    );
    return { doc: defaultDocument(), notices, dirty: true };
  }

  let doc = raw as RawDoc;
  let version = typeof doc.schemaVersion === 'number' ? doc.schemaVersion : 0;
  if (version > opts.currentVersion) {
    const backup = backupFile(file, `v${version}`, opts.now());
    notice(
      'settings-newer',
      'warning',
      'Your settings were saved by a newer version of Keybridge, so this version started with default settings.',
      `The newer file was kept as ${path.basename(backup)}. Update Keybridge to get your settings back.`,
      {
        message: appMsg('settingsNewer'),
        hint: appMsg('settingsNewerHint', { file: path.basename(backup) }),
      },
    );
    return { doc: defaultDocument(), notices, dirty: true };
  }
  const migrated = version < opts.currentVersion;
  try {
    while (version < opts.currentVersion) {
      const step = opts.migrations.find((m) => m.from === version);
      if (!step) throw new Error(`no migration from version ${version}`);
      doc = step.migrate(structuredClone(doc));
      version += 1;
      doc.schemaVersion = version;
    }
  } catch (err) {
    const backup = backupFile(file, 'unmigrated', opts.now());
    notice(
      'settings-migration-failed',
      'error',
      `Your settings could not be updated to this version (${err instanceof Error ? err.message : String(err)}); defaults are used.`,
      `The old file was kept as ${path.basename(backup)}.`,
      {
        message: appMsg('settingsNotMigrated', { detail: err instanceof Error ? err.message : String(err) }),
        hint: appMsg('settingsKeptAs', { file: path.basename(backup) }),
      },
    );
    return { doc: defaultDocument(), notices, dirty: true };
  }

  const { doc: repaired, dropped } = repairDocument(doc);
  if (dropped.length > 0) {
    const backup = backupFile(file, 'repaired', opts.now());
    notice(
      'settings-repaired',
      'warning',
      `Some saved settings were not valid and were reset to their defaults: ${dropped.join(', ')}.`,
      `The original file was kept as ${path.basename(backup)}.`,
      {
        message: appMsg('settingsRepaired', { fields: dropped.join(', ') }),
        hint: appMsg('settingsKeptAs', { file: path.basename(backup) }),
      },
    );
  }
  // Never let a secret that an older or hand-edited file holds stay on disk.
  const hadSecrets = repaired.accounts.some((a) => SECRET_FIELD_NAMES.some((f) => f in a));
  repaired.accounts = repaired.accounts.map((a) => stripSecrets(a));
  if (hadSecrets) {
    notice(
      'settings-secrets-removed',
      'warning',
      'Your settings file contained credentials in clear text; they were removed from it.',
      'Open each account and paste its key again so it is stored in the system keychain.',
      { message: appMsg('settingsSecretsRemoved'), hint: appMsg('settingsSecretsRemovedHint') },
    );
  }
  return { doc: repaired, notices, dirty: migrated || dropped.length > 0 || hadSecrets };
}

/** Keeps every valid part of a document, resets the rest; says what was reset. */
function repairDocument(doc: RawDoc): { doc: SettingsDocument; dropped: string[] } {
  const whole = settingsDocumentSchema.safeParse(doc);
  if (whole.success) return { doc: whole.data, dropped: [] };
  const dropped: string[] = [];
  const out = defaultDocument();

  const settings = (doc.settings && typeof doc.settings === 'object' ? doc.settings : {}) as RawDoc;
  const shape = appSettingsSchema.shape;
  for (const key of Object.keys(shape) as Array<keyof AppSettings>) {
    if (!(key in settings)) continue;
    const parsed = shape[key].safeParse(settings[key]);
    if (parsed.success) (out.settings as Record<string, unknown>)[key] = parsed.data;
    else dropped.push(key);
  }
  const accounts = Array.isArray(doc.accounts) ? doc.accounts : [];
  accounts.forEach((a, i) => {
    const parsed = storedAccountSchema.safeParse(a);
    if (parsed.success && !out.accounts.some((x) => x.id === parsed.data.id)) out.accounts.push(parsed.data);
    else dropped.push(`account #${i + 1}`);
  });
  const models = modelSettingsSchema.safeParse(doc.models);
  if (models.success) out.models = models.data;
  else if (doc.models !== undefined) dropped.push('models');
  const ui = uiStateSchema.safeParse(doc.ui);
  if (ui.success) out.ui = ui.data;
  const limits = limitSchema.safeParse(doc.limits);
  if (limits.success) out.limits = limits.data;
  else if (doc.limits !== undefined) dropped.push('limits');
  const keys = Array.isArray(doc.accessKeys) ? doc.accessKeys : [];
  keys.forEach((k, i) => {
    const parsed = storedAccessKeySchema.safeParse(k);
    if (parsed.success && !out.accessKeys?.some((x) => x.name === parsed.data.name))
      out.accessKeys = [...(out.accessKeys ?? []), parsed.data];
    else dropped.push(`access key #${i + 1}`);
  });
  return { doc: out, dropped };
}

function backupFile(file: string, tag: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = file.replace(/\.json$/, '') + `.${tag}-${stamp}.json`;
  renameSync(file, target);
  return target;
}
