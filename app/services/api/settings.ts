/** The `settings.*` calls: the settings and the proxy access key. */
import { z } from 'zod';
import { appMsg } from '../../contract/index.js';
import { zodFieldErrors } from '../account-fields.js';
import { CallFailure } from './call-failure.js';
import type { ApiContext, NamespaceHandlers } from './context.js';

export function settingsApi(ctx: ApiContext): NamespaceHandlers<'settings'> {
  const {
    deps,
    settings,
    vault,
    requestLog,
    emit,
    getAccessKey,
    setAccessKey,
    newAccessKey,
    settingsView,
    accountViews,
    applyChanges,
  } = ctx;
  return {
    'settings.get': settingsView,
    'settings.update': async (patch) => {
      const before = settings.getSettings();
      const wantsKey = patch.lan === true || patch.requireAccessKey === true;
      if (wantsKey && (await getAccessKey()) === null) await setAccessKey(newAccessKey());
      let next: ReturnType<typeof settings.getSettings>;
      try {
        next = settings.updateSettings(patch);
      } catch (err) {
        if (err instanceof z.ZodError)
          throw new CallFailure(
            'invalid_payload',
            'Some settings are not valid.',
            undefined,
            zodFieldErrors(err),
            { message: appMsg('settingsInvalid') },
          );
        throw err;
      }
      if (patch.keysWithoutKeychain !== undefined && patch.keysWithoutKeychain !== vault.backend) {
        try {
          await vault.setFallback(patch.keysWithoutKeychain);
        } catch (err) {
          // Nothing changed where the keys are: put the choice back as it was.
          settings.updateSettings({ keysWithoutKeychain: before.keysWithoutKeychain ?? 'session' });
          throw err;
        }
        deps.onVaultChange?.();
        emit('accounts.changed', await accountViews());
      }
      if (patch.launchAtLogin !== undefined && patch.launchAtLogin !== before.launchAtLogin) {
        if (deps.setLaunchAtLogin) await deps.setLaunchAtLogin(patch.launchAtLogin);
      }
      requestLog.setLimits({ maxRecords: next.logMaxRecords, retentionDays: next.usageRetentionDays });
      await applyChanges();
      const view = await settingsView();
      emit('settings.changed', view);
      return view;
    },
    'settings.generateAccessKey': async () => {
      const key = newAccessKey();
      await setAccessKey(key);
      await applyChanges();
      emit('settings.changed', await settingsView());
      return { accessKey: key };
    },
    'settings.getAccessKey': async () => ({ accessKey: await getAccessKey() }),
    'settings.clearAccessKey': async () => {
      const s = settings.getSettings();
      if (s.lan || s.requireAccessKey) {
        throw new CallFailure(
          'conflict',
          'The access key is in use.',
          s.lan
            ? 'Turn LAN access off first: other devices must not reach your proxy without a key.'
            : 'Turn off "Require the access key" first.',
          undefined,
          {
            message: appMsg('accessKeyInUse'),
            hint: appMsg(s.lan ? 'accessKeyInUseLanHint' : 'accessKeyInUseRequiredHint'),
          },
        );
      }
      await setAccessKey(null);
      await applyChanges();
      const view = await settingsView();
      emit('settings.changed', view);
      return view;
    },
  };
}
