/**
 * The composition root of the app's services, used by the Electron main process and by the dev
 * host alike. Electron pieces come in as arguments (resolveProxy, setLaunchAtLogin, keytar).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type AppInfo, appMsg } from '../contract/index.js';
import { readShareKeys } from './access-keys.js';
import { type AppApi, createAppApi } from './api.js';
import { AppLog } from './app-log.js';
import { buildKeybridgeConfig } from './config-builder.js';
import { NoticeBoard } from './notices.js';
import { type CreateProxy, ProxyController } from './proxy-controller.js';
import { Redactor } from './redact.js';
import { openAppUsageStore, RequestLog } from './request-log.js';
import { SecretFile } from './secret-file.js';
import { ACCESS_KEY_ENTRY, type KeytarApi, NO_KEYCHAIN_NOTICE, SecretVault } from './secret-vault.js';
import { SettingsStore } from './settings-store.js';
import { type ResolveProxy, resolveOutboundProxy } from './system-proxy.js';

/** The spend-limit ledger's file in the data folder. */
export const LEDGER_FILE = 'limits-ledger.json';

export interface AppServicesOptions {
  dataDir: string;
  createProxy: CreateProxy;
  mode: AppInfo['mode'];
  version: string;
  versions?: Partial<AppInfo['versions']>;
  /** Electron's session.resolveProxy; absent → HTTPS_PROXY/NO_PROXY environment. */
  resolveProxy?: ResolveProxy;
  setLaunchAtLogin?: (enabled: boolean) => Promise<void>;
  keytar?: KeytarApi | (() => KeytarApi);
  /** Keychain service name (tests use their own). */
  vaultService?: string;
  /** Port override (tests, `serve --port`); settings.port otherwise. */
  port?: number;
  /** Probe for free ports (tests). */
  isPortFree?: (host: string, port: number) => Promise<boolean>;
  drainMs?: number;
  echoLog?: boolean;
  fetch?: typeof fetch;
}

export interface AppServices {
  api: AppApi;
  settings: SettingsStore;
  vault: SecretVault;
  controller: ProxyController;
  requestLog: RequestLog;
  appLog: AppLog;
  notices: NoticeBoard;
  redactor: Redactor;
  /** Drains streams (up to drainMs), saves usage, stops everything. */
  shutdown(drainMs?: number): Promise<void>;
}

export async function createAppServices(opts: AppServicesOptions): Promise<AppServices> {
  mkdirSync(opts.dataDir, { recursive: true });
  const redactor = new Redactor();
  const appLog = new AppLog({ dir: path.join(opts.dataDir, 'logs'), redactor, echo: opts.echoLog });
  const notices = new NoticeBoard();

  const settings = SettingsStore.open({ dir: opts.dataDir });
  for (const n of settings.loadNotices()) {
    notices.raise(n);
    appLog.warn(n.message);
  }

  const vault = await SecretVault.open({
    keytar: opts.keytar,
    service: opts.vaultService,
    log: (level, message) => appLog.write(level, message),
    onSecretSeen: (v) => redactor.addSecret(v),
    file: SecretFile.inDataDir(opts.dataDir, (m) => appLog.warn(m)),
    fallback: settings.getSettings().keysWithoutKeychain ?? 'session',
  });
  // No keychain: say so, and where the keys are kept (the window offers the choice with it).
  const raiseVaultNotice = () => {
    const status = vault.status();
    if (status.backend === 'keychain') return;
    notices.raise({
      id: NO_KEYCHAIN_NOTICE,
      level: status.backend === 'session' ? 'warning' : 'info',
      message: status.reason ?? 'No keychain.',
      hint: status.hint,
    });
  };
  raiseVaultNotice();

  const s = settings.getSettings();
  // Usage totals: a damaged usage.json is kept aside and a failed save is retried; both are
  // worth telling the user about, not just the log.
  const usage = await openAppUsageStore({
    dir: opts.dataDir,
    retentionDays: s.usageRetentionDays,
    onError: (message) => {
      appLog.warn(message);
      notices.raise({
        id: 'usage-file',
        level: 'warning',
        message,
        hint: 'Your settings and accounts are not affected; only the usage statistics are.',
        messageRef: appMsg('usageFileProblem', { detail: message }),
        hintRef: appMsg('usageFileHint'),
      });
    },
  });
  const requestLog = new RequestLog({
    usage,
    maxRecords: s.logMaxRecords,
    onError: (m) => appLog.warn(m),
    redact: (r) => redactor.record(r),
  });

  const buildConfig = async () => {
    const doc = settings.document();
    const accounts = await Promise.all(
      doc.accounts.map(async (stored) => ({ stored, secrets: await vault.get(stored.id) })),
    );
    const accessEntry = await vault.get(ACCESS_KEY_ENTRY);
    const accessKey = typeof accessEntry?.accessKey === 'string' ? accessEntry.accessKey : null;
    if (accessKey) redactor.addAccessKey(accessKey);
    // Keys for other people (the Share screen): rules from the settings file, secrets from the vault.
    const shareKeys = await readShareKeys(vault);
    for (const key of shareKeys.values()) redactor.addAccessKey(key);
    const outbound = await resolveOutboundProxy(
      doc.settings.outboundProxy,
      accounts.map(({ stored }) => ({ id: stored.id, provider: stored.provider, baseUrl: stored.baseUrl })),
      opts.resolveProxy,
    );
    return buildKeybridgeConfig({
      settings: doc.settings,
      accounts,
      models: doc.models,
      accessKey,
      limits: doc.limits,
      accessKeys: (doc.accessKeys ?? []).map((stored) => ({
        stored,
        key: shareKeys.get(stored.name) ?? null,
      })),
      outbound,
      port: opts.port,
    });
  };

  const controller = new ProxyController({
    // Spend-limit usage survives restarts: proxy-core keeps its ledger in the data folder.
    createProxy: (config) => opts.createProxy(config, { ledgerPath: path.join(opts.dataDir, LEDGER_FILE) }),
    buildConfig,
    isPortFree: opts.isPortFree,
    drainMs: opts.drainMs,
    log: (level, message) => appLog.write(level, message),
  });
  controller.onRequest((r) => requestLog.add(r));

  const api = createAppApi({
    settings,
    vault,
    controller,
    requestLog,
    appLog,
    redactor,
    notices,
    setLaunchAtLogin: opts.setLaunchAtLogin,
    onVaultChange: raiseVaultNotice,
    fetch: opts.fetch,
    appInfo: () => ({
      name: 'Keybridge',
      version: opts.version,
      mode: opts.mode,
      platform: process.platform,
      arch: process.arch,
      versions: { node: process.versions.node, ...opts.versions },
      dataDir: opts.dataDir,
      logFile: appLog.file,
    }),
  });

  appLog.info(`Keybridge ${opts.version} (${opts.mode}) starting; data in ${opts.dataDir}`);
  return {
    api,
    settings,
    vault,
    controller,
    requestLog,
    appLog,
    notices,
    redactor,
    async shutdown(drainMs = 5000) {
      await controller.stop(drainMs);
      await requestLog
        .close()
        .catch((err: unknown) =>
          appLog.warn(`Could not save usage statistics: ${err instanceof Error ? err.message : String(err)}`),
        );
      api.close();
      appLog.info('Keybridge stopped');
    },
  };
}
