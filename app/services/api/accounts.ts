/** The `accounts.*` calls: list, add, update, remove, validate, test and list an account's models. */
import type { AccountDraft } from '../../contract/index.js';
import { appMsg } from '../../contract/index.js';
import {
  detectCredential,
  makeAccountId,
  mergePatch,
  splitSecrets,
  toCoreAccount,
  validateCoreAccount,
} from '../account-fields.js';
import type { StoredAccount } from '../settings-store.js';
import { CallFailure } from './call-failure.js';
import type { ApiContext, NamespaceHandlers } from './context.js';

export function accountsApi(ctx: ApiContext): NamespaceHandlers<'accounts'> {
  const { settings, vault, controller, appLog, emit, accountView, accountViews, applyChanges } = ctx;
  const accountsChanged = async () => emit('accounts.changed', await accountViews());

  /** The stored account, or the call fails with "There is no account". */
  const requireAccount = (id: string): StoredAccount => {
    const found = settings.getAccount(id);
    if (!found)
      throw new CallFailure(
        'not_found',
        `There is no account "${id}".`,
        'It may have been removed.',
        undefined,
        {
          message: appMsg('noSuchAccount', { account: id }),
          hint: appMsg('noSuchAccountHint'),
        },
      );
    return found;
  };

  /** The running proxy, or the call fails with why it is not running. */
  const requireRunning = () => {
    const handle = controller.handle();
    if (!handle) {
      const status = controller.status();
      throw new CallFailure(
        'proxy_not_running',
        'The proxy is not running.',
        status.error ?? 'Start it with the Start button, then try again.',
        undefined,
        {
          message: appMsg('proxyNotRunning'),
          hint: status.error ? status.errorRef : appMsg('proxyStartHint'),
        },
      );
    }
    return handle;
  };

  /** Validates a full account (plain + secrets) and answers field errors. */
  const checkAccount = (account: Record<string, unknown>) => {
    const errors = validateCoreAccount(account);
    if (errors.length > 0) {
      throw new CallFailure(
        'invalid_account',
        'Some fields need attention.',
        errors.map((e) => `${e.path || 'account'} ${e.message}`).join('; '),
        errors,
        { message: appMsg('fieldsNeedAttention') },
      );
    }
  };

  /**
   * Stores an account (keychain + settings file) and applies it to the running proxy, all or
   * nothing: when any step fails (the keychain refuses, the file cannot be written, the proxy
   * cannot use the account) what was there before is put back and the user is told why.
   */
  const storeAccount = async (
    id: string,
    account: Record<string, unknown>,
    previous: { stored: StoredAccount; secrets: Record<string, unknown> } | null,
  ): Promise<void> => {
    const { plain, secrets } = splitSecrets(account);
    let vaultWritten = false;
    let settingsWritten = false;
    try {
      await vault.set(id, secrets);
      vaultWritten = true;
      settings.putAccount({ ...(plain as StoredAccount), secretFields: Object.keys(secrets) });
      settingsWritten = true;
      const before = controller.status().error;
      const after = await controller.apply();
      // A change the running proxy could not take is reported on its status, not thrown.
      if (after.error && after.error !== before)
        throw new CallFailure('account_not_saved', after.error, after.hint);
    } catch (err) {
      const problems: string[] = [];
      const attempt = async (what: string, fn: () => unknown) => {
        try {
          await fn();
        } catch (undo) {
          problems.push(`${what}: ${undo instanceof Error ? undo.message : String(undo)}`);
        }
      };
      if (settingsWritten) {
        await attempt('settings', () =>
          previous ? settings.putAccount(previous.stored) : settings.removeAccount(id),
        );
      }
      if (vaultWritten) {
        await attempt('keychain', () => (previous ? vault.set(id, previous.secrets) : vault.delete(id)));
      }
      if (settingsWritten) await attempt('proxy', () => applyChanges());
      if (problems.length) appLog.error(`Undoing the change to account "${id}" failed`, problems);
      appLog.warn(`Account "${id}" not saved: ${err instanceof Error ? err.message : String(err)}`);
      if (err instanceof CallFailure) {
        throw new CallFailure(
          err.code,
          err.code === 'account_not_saved' ? `The account was not saved: ${err.message}` : err.message,
          err.hint ?? 'Nothing was changed. Correct the values and try again.',
          err.fields,
        );
      }
      const o = (err && typeof err === 'object' ? err : {}) as { message?: unknown; hint?: unknown };
      throw new CallFailure(
        'account_not_saved',
        `The account was not saved: ${typeof o.message === 'string' ? o.message : String(err)}`,
        typeof o.hint === 'string' ? o.hint : 'Nothing was changed. Correct the values and try again.',
      );
    }
  };

  const prepareDraft = (draft: AccountDraft, id: string): Record<string, unknown> => {
    const account: Record<string, unknown> = { ...draft, id };
    if (account.enabled === undefined) account.enabled = true;
    return account;
  };

  return {
    'accounts.list': accountViews,
    'accounts.add': async ({ account: draft }) => {
      const taken = new Set(settings.getAccounts().map((a) => a.id));
      if (draft.id && taken.has(draft.id)) {
        throw new CallFailure(
          'conflict',
          `An account named "${draft.id}" already exists.`,
          'Choose another name.',
          [{ path: 'id', message: 'is already used by another account', messageRef: appMsg('fieldIdTaken') }],
          { message: appMsg('accountExists', { account: draft.id }), hint: appMsg('chooseAnotherName') },
        );
      }
      const id = draft.id ?? makeAccountId(draft.label, draft.provider, taken);
      const account = prepareDraft(draft, id);
      checkAccount(account);
      await storeAccount(id, account, null);
      appLog.info(`Account "${id}" (${draft.provider}) added`);
      await accountsChanged();
      return accountView(requireAccount(id));
    },
    'accounts.update': async ({ id, patch }) => {
      const stored = requireAccount(id);
      const secrets = (await vault.get(id)) ?? {};
      const merged = mergePatch(toCoreAccount(stored, secrets), patch);
      checkAccount(merged);
      await storeAccount(id, merged, { stored, secrets });
      appLog.info(`Account "${id}" updated`);
      await accountsChanged();
      return accountView(requireAccount(id));
    },
    'accounts.remove': async ({ id }) => {
      requireAccount(id);
      settings.removeAccount(id);
      await vault.delete(id);
      appLog.info(`Account "${id}" removed`);
      await applyChanges();
      await accountsChanged();
      return { removed: true };
    },
    'accounts.validate': async ({ account: draft, existingId }) => {
      let account: Record<string, unknown>;
      if (existingId) {
        const stored = requireAccount(existingId);
        account = mergePatch(toCoreAccount(stored, await vault.get(existingId)), draft);
      } else {
        const taken = new Set(settings.getAccounts().map((a) => a.id));
        if (draft.id && taken.has(draft.id)) {
          return {
            valid: false,
            errors: [
              {
                path: 'id',
                message: 'is already used by another account',
                messageRef: appMsg('fieldIdTaken'),
              },
            ],
          };
        }
        account = prepareDraft(draft, draft.id ?? makeAccountId(draft.label, draft.provider, taken));
      }
      const errors = validateCoreAccount(account);
      return { valid: errors.length === 0, errors };
    },
    'accounts.detectCredential': async ({ text }) => detectCredential(text),
    'accounts.test': async ({ id }) => {
      requireAccount(id);
      const result = await requireRunning().testAccount(id);
      if (result.ok)
        return {
          ok: true,
          message: result.message,
          messageRef: result.messageRef,
          latencyMs: result.latencyMs,
        };
      return { ok: false, error: result.error, latencyMs: result.latencyMs };
    },
    'accounts.models': async ({ id }) => {
      requireAccount(id);
      const listing = await requireRunning().listAccountModels(id);
      return { accountId: id, ...listing };
    },
  };
}
