/**
 * The `share` namespace: keys for other people and apps (a friend's SillyTavern). The app makes a
 * strong random key, keeps it in the vault (keychain) and its rules in the settings file, and shows
 * it only in the answer to "create" and "copy"; every list carries the name and the last four
 * characters. The address to share is the LAN one when LAN access is on.
 */
import os from 'node:os';
import { type AccessKeyView, appMsg, type ShareCopy, type ShareView } from '../../contract/index.js';
import { keyHint, newShareKey, readShareKeys, writeShareKeys } from '../access-keys.js';
import type { AppLog } from '../app-log.js';
import type { ProxyController } from '../proxy-controller.js';
import type { Redactor } from '../redact.js';
import type { SecretVault } from '../secret-vault.js';
import type { SettingsStore, StoredAccessKey } from '../settings-store.js';
import { cleanLimit, type Fail, type HandlersOf } from './limits.js';

export interface ShareApiDeps {
  settings: SettingsStore;
  vault: SecretVault;
  controller: ProxyController;
  redactor: Redactor;
  appLog: AppLog;
  apply: () => Promise<void>;
  fail: Fail;
  /** This computer's addresses (tests); os.networkInterfaces() otherwise. */
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

/** The first private IPv4 address of this computer on a network (not loopback), or null. */
export function lanAddress(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string | null {
  const v4 = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4' && !i.internal && !i.address.startsWith('169.254.'));
  const privateOne = v4.find((i) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(i.address));
  return (privateOne ?? v4[0])?.address ?? null;
}

export function shareHandlers(
  deps: ShareApiDeps,
): HandlersOf<'share.list' | 'share.create' | 'share.copy' | 'share.update' | 'share.revoke'> {
  const { settings, vault, controller, redactor, appLog } = deps;

  const address = (): ShareView['address'] => {
    const s = settings.getSettings();
    const status = controller.status();
    const port = status.state === 'running' && status.port ? status.port : s.port;
    const lanIp = s.lan ? lanAddress((deps.networkInterfaces ?? os.networkInterfaces)()) : null;
    return {
      lan: s.lan,
      baseUrl: `http://${lanIp ?? '127.0.0.1'}:${port}/v1`,
      noLanAddress: s.lan && lanIp === null,
    };
  };

  const keyView = (
    stored: StoredAccessKey,
    secret: string | undefined,
    usage: Map<string, AccessKeyView['usage']>,
  ): AccessKeyView => ({
    name: stored.name,
    ...(stored.models ? { models: stored.models } : {}),
    limits: stored.limits,
    createdAt: stored.createdAt,
    hint: keyHint(secret),
    usable: secret !== undefined,
    usage: usage.get(stored.name) ?? null,
  });

  const usageByName = (): Map<string, AccessKeyView['usage']> => {
    const handle = controller.handle();
    const out = new Map<string, AccessKeyView['usage']>();
    for (const u of handle?.keyUsage() ?? []) {
      out.set(u.name, {
        total: { requests: u.requests, tokens: u.tokens, costUsd: u.costUsd },
        today: u.today,
        month: u.month,
      });
    }
    return out;
  };

  const list = async (): Promise<ShareView> => {
    const secrets = await readShareKeys(vault);
    const usage = usageByName();
    return {
      keys: settings.getAccessKeys().map((k) => keyView(k, secrets.get(k.name), usage)),
      address: address(),
      running: controller.status().state === 'running',
    };
  };

  const noSuchKey = (name: string) =>
    deps.fail('not_found', `There is no key named "${name}".`, 'It may have been revoked.', {
      message: appMsg('noSuchShareKey', { name }),
      hint: appMsg('noSuchShareKeyHint'),
    });

  const copyOf = async (name: string): Promise<ShareCopy> => {
    const stored = settings.getAccessKeys().find((k) => k.name === name);
    if (!stored) throw noSuchKey(name);
    const secrets = await readShareKeys(vault);
    const key = secrets.get(name);
    if (!key)
      throw deps.fail(
        'not_found',
        `The key "${name}" is no longer stored on this computer.`,
        'Revoke it and make a new one for that person.',
        { message: appMsg('shareKeyLost', { name }), hint: appMsg('shareKeyLostHint') },
      );
    redactor.addAccessKey(key);
    const where = address();
    return {
      key: keyView(stored, key, usageByName()),
      accessKey: key,
      baseUrl: where.baseUrl,
      lan: where.lan,
    };
  };

  return {
    'share.list': list,
    'share.create': async ({ name, models, limits }) => {
      const taken = settings.getAccessKeys().some((k) => k.name.toLowerCase() === name.toLowerCase());
      if (taken)
        throw deps.fail('conflict', `A key named "${name}" already exists.`, 'Choose another name.', {
          message: appMsg('shareKeyExists', { name }),
          hint: appMsg('chooseAnotherName'),
        });
      const key = newShareKey();
      redactor.addAccessKey(key);
      const secrets = await readShareKeys(vault);
      secrets.set(name, key);
      // The key first (the keychain may refuse): the settings file never names a key that is not stored.
      await writeShareKeys(vault, secrets);
      try {
        settings.putAccessKey({
          name,
          ...(models?.length ? { models } : {}),
          limits: cleanLimit(limits),
          createdAt: new Date().toISOString(),
        });
      } catch (err) {
        secrets.delete(name);
        await writeShareKeys(vault, secrets).catch(() => {});
        throw err;
      }
      appLog.info(`Access key "${name}" created`);
      await deps.apply();
      return copyOf(name);
    },
    'share.copy': async ({ name }) => copyOf(name),
    'share.update': async ({ name, models, limits }) => {
      const stored = settings.getAccessKeys().find((k) => k.name === name);
      if (!stored) throw noSuchKey(name);
      const { models: _old, ...kept } = stored;
      settings.putAccessKey({ ...kept, ...(models?.length ? { models } : {}), limits: cleanLimit(limits) });
      appLog.info(`Access key "${name}" changed`);
      await deps.apply();
      return list();
    },
    'share.revoke': async ({ name }) => {
      if (!settings.removeAccessKey(name)) throw noSuchKey(name);
      const secrets = await readShareKeys(vault);
      if (secrets.delete(name)) await writeShareKeys(vault, secrets);
      appLog.info(`Access key "${name}" revoked`);
      await deps.apply();
      return list();
    },
  };
}
