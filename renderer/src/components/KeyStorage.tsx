/**
 * Where the keys are kept, and — when the system has no keychain — the user's choice between
 * "this session only" and "a file only you can read". Shown in Settings and in the no-keychain
 * notice, in the window's language (the reason comes from main as a code).
 */
import { Alert, Radio, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallError, SecretStorageView } from '../../../app/contract/index.js';
import { useApi } from '../api/context.js';
import { useEvent, useLoad } from '../api/hooks.js';
import { ErrorAlert } from './ResultAlert.js';

/** The reason there is no keychain, in the window's language. */
export function NoKeychainReason({ storage }: { storage: SecretStorageView }) {
  const { t } = useTranslation();
  return <Text size="sm">{t(`keyStorage.reason.${storage.noKeychainReason ?? 'unavailable'}`)}</Text>;
}

/** Where keys are now, in one sentence. */
export function WhereKeysAre({ storage }: { storage: SecretStorageView }) {
  const { t } = useTranslation();
  const text =
    storage.backend === 'keychain'
      ? t('keyStorage.keychain')
      : storage.backend === 'file'
        ? t('keyStorage.nowFile', { file: storage.file ?? '' })
        : t('keyStorage.nowSession');
  return (
    <Text size="sm" fw={500} data-testid="key-storage-now">
      {text}
    </Text>
  );
}

/** The choice itself: two radios, saved at once through settings.update. */
export function KeyStorageChoice({ storage }: { storage: SecretStorageView }) {
  const { t } = useTranslation();
  const api = useApi();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const choose = async (value: string) => {
    if (value !== 'session' && value !== 'file') return;
    setSaving(true);
    setError(null);
    const r = await api.settings.update({ keysWithoutKeychain: value });
    setSaving(false);
    if (!r.ok) setError(r.error);
  };
  return (
    <Stack gap="xs">
      <Radio.Group
        value={storage.backend === 'keychain' ? null : storage.backend}
        onChange={(v) => void choose(v)}
        label={t('keyStorage.choose')}
      >
        <Stack gap="xs" mt="xs">
          <Radio
            value="session"
            disabled={saving}
            label={t('keyStorage.session')}
            description={t('keyStorage.sessionHelp')}
          />
          <Radio
            value="file"
            disabled={saving}
            label={t('keyStorage.file')}
            description={t('keyStorage.fileHelp', { file: storage.file ?? '' })}
          />
        </Stack>
      </Radio.Group>
      {error && <ErrorAlert error={error} />}
    </Stack>
  );
}

/** The no-keychain notice: what is missing, where the keys are now, and the choice. */
/** Where the keys are now, the choice, and what happens when a keychain appears (notice and Settings). */
export function KeyStorageOptions({ storage }: { storage: SecretStorageView }) {
  const { t } = useTranslation();
  return (
    <>
      <WhereKeysAre storage={storage} />
      <KeyStorageChoice storage={storage} />
      <Text size="xs" c="dimmed">
        {t('keyStorage.later')}
      </Text>
      <Text size="xs" c="dimmed">
        {t('keyStorage.installHint')}
      </Text>
    </>
  );
}

export function NoKeychainNotice({ onClose, closeLabel }: { onClose: () => void; closeLabel: string }) {
  const { t } = useTranslation();
  const settings = useLoad('settings.get');
  useEvent('settings.changed', (s) => settings.set(s));
  const storage = settings.data?.secretStorage;
  if (!storage || storage.backend === 'keychain') return null;
  return (
    <Alert
      color={storage.backend === 'session' ? 'orange' : 'blue'}
      variant="light"
      withCloseButton
      closeButtonLabel={closeLabel}
      onClose={onClose}
      title={t('keyStorage.noKeychainTitle')}
      data-testid="notice-no-keychain"
    >
      <Stack gap="xs">
        <NoKeychainReason storage={storage} />
        <KeyStorageOptions storage={storage} />
      </Stack>
    </Alert>
  );
}
