/**
 * Settings: each control saves on its own (switches at once, typed values on Enter or when the
 * box loses focus), checked first with the contract's schema, then by main; errors show under
 * the control that caused them.
 */
import {
  Alert,
  Button,
  CopyButton,
  Divider,
  Group,
  Loader,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  appSettingsSchema,
  type MessageRef,
  type SettingsPatch,
  type SettingsView,
  zodIssueRef,
} from '../../../app/contract/index.js';
import { useApi } from '../api/context.js';
import { useAction, useEvent, useLoad } from '../api/hooks.js';
import { ActionButton } from '../components/ActionButton.js';
import { KeyStorageOptions, NoKeychainReason } from '../components/KeyStorage.js';
import { LimitsSettings } from '../components/LimitsSettings.js';
import { ErrorAlert } from '../components/ResultAlert.js';
import { useSectionTranslation } from '../i18n/index.js';
import { useFieldError, useMessage } from '../i18n/messages.js';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md">
      <Title order={4} mb="sm">
        {title}
      </Title>
      <Stack gap="sm">{children}</Stack>
    </Paper>
  );
}

/** Checks one setting with the contract's schema; answers the problem (text and code) or undefined. */
function checkField<K extends keyof SettingsPatch>(
  key: K,
  value: unknown,
): { message: string; messageRef?: MessageRef } | undefined {
  const r = appSettingsSchema.shape[key].safeParse(value);
  const issue = r.success ? undefined : r.error.issues[0];
  return issue ? { message: issue.message, messageRef: zodIssueRef(issue) } : undefined;
}

export function SettingsScreen({ onSettings }: { onSettings?: (s: SettingsView) => void }) {
  const { t } = useTranslation();
  // The spend-limit texts this screen shows once its data is in: loaded with the screen, not then.
  useSectionTranslation('limits');
  const msg = useMessage();
  const fieldError = useFieldError();
  const api = useApi();
  const settings = useLoad('settings.get');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [port, setPort] = useState<string | number>('');
  const [proxyUrl, setProxyUrl] = useState('');
  const [accessKeyShown, setAccessKeyShown] = useState<string | null>(null);
  const s = settings.data;

  useEffect(() => {
    if (!s) return;
    setPort(s.port);
    if (s.outboundProxy.mode === 'custom') setProxyUrl(s.outboundProxy.url);
  }, [s]);
  useEvent('settings.changed', (v) => settings.set(v));

  const update = useAction((patch: SettingsPatch) => api.settings.update(patch));
  const generate = useAction(() => api.settings.generateAccessKey());
  const clearKey = useAction(() => api.settings.clearAccessKey());

  const save = async (patch: SettingsPatch) => {
    const local: Record<string, string> = {};
    for (const [k, v] of Object.entries(patch)) {
      const m = checkField(k as keyof SettingsPatch, v);
      if (m) local[k] = msg(m.message, m.messageRef);
    }
    setFieldErrors(local);
    if (Object.keys(local).length) return;
    const r = await update.run(patch);
    if (r.ok) {
      settings.set(r.value);
      onSettings?.(r.value);
    } else if (r.error.fields?.length) {
      setFieldErrors(
        Object.fromEntries(r.error.fields.map((f) => [f.path.split('.')[0] ?? '', fieldError(f)])),
      );
    }
  };

  if (settings.error) return <ErrorAlert error={settings.error} />;
  if (!s) return <Loader size="sm" aria-label={t('common.loading')} />;
  const err = (k: string) =>
    fieldErrors[k] ? t('settings.invalid', { message: fieldErrors[k] }) : undefined;
  /** A whole number, saved when its box loses focus if it changed. */
  const countField = (
    field: 'logMaxRecords' | 'usageRetentionDays',
    label: string,
    range: { min: number; max: number; step?: number },
  ) => (
    <NumberInput
      label={label}
      defaultValue={s[field]}
      {...range}
      allowDecimal={false}
      error={err(field)}
      onBlur={(e) => {
        const v = Number(e.currentTarget.value.replace(/[^\d]/g, ''));
        if (v !== s[field]) void save({ [field]: v });
      }}
    />
  );

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('settings.title')}</Title>
        <Text size="xs" c={update.result && !update.result.ok ? 'red' : 'dimmed'} aria-live="polite">
          {update.pending
            ? t('settings.saving')
            : update.result?.ok
              ? t('common.saved')
              : update.result && !update.result.error.fields?.length
                ? msg(update.result.error.message, update.result.error.messageRef)
                : ''}
        </Text>
      </Group>
      {update.result && !update.result.ok && !update.result.error.fields?.length && (
        <ErrorAlert error={update.result.error} />
      )}

      <Section title={t('settings.proxy')}>
        <NumberInput
          label={t('settings.port')}
          description={t('settings.portHelp')}
          value={port}
          onChange={setPort}
          min={1024}
          max={65535}
          allowDecimal={false}
          error={err('port')}
          onBlur={() => Number(port) !== s.port && void save({ port: Number(port) })}
          onKeyDown={(e) => e.key === 'Enter' && void save({ port: Number(port) })}
          maw={220}
        />
        <Switch
          label={t('settings.lan')}
          description={t('settings.lanHelp')}
          checked={s.lan}
          onChange={(e) => void save({ lan: e.currentTarget.checked })}
          error={err('lan')}
        />
        {s.lan && (
          <Alert color="orange" variant="light" title={t('settings.lanWarningTitle')}>
            {t('settings.lanWarning')}
          </Alert>
        )}
        <TagsInput
          label={t('settings.origins')}
          description={t('settings.originsHelp')}
          placeholder="http://localhost:8000"
          value={s.allowedOrigins}
          onChange={(v) => void save({ allowedOrigins: v })}
          error={err('allowedOrigins')}
        />
      </Section>

      <Section title={t('settings.accessKey')}>
        <Text size="sm">{s.hasAccessKey ? t('settings.accessKeySet') : t('settings.accessKeyNone')}</Text>
        <Group gap="xs">
          <ActionButton
            size="xs"
            variant="light"
            action={generate}
            onDone={(v) => {
              setAccessKeyShown(v.accessKey);
              void settings.reload();
            }}
          >
            {s.hasAccessKey ? t('settings.regenerate') : t('settings.generate')}
          </ActionButton>
          {s.hasAccessKey && (
            <Button
              size="xs"
              variant="default"
              onClick={async () => {
                const r = await api.settings.getAccessKey();
                if (r.ok) setAccessKeyShown(r.value.accessKey);
              }}
            >
              {t('settings.showKey')}
            </Button>
          )}
          {s.hasAccessKey && (
            <ActionButton
              size="xs"
              variant="subtle"
              color="red"
              action={clearKey}
              onDone={(v) => {
                settings.set(v);
                setAccessKeyShown(null);
              }}
            >
              {t('settings.clearKey')}
            </ActionButton>
          )}
        </Group>
        {accessKeyShown && (
          <Group gap="xs" wrap="nowrap">
            <TextInput
              readOnly
              value={accessKeyShown}
              aria-label={t('settings.accessKey')}
              style={{ flex: 1 }}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            />
            <CopyButton value={accessKeyShown}>
              {({ copied, copy }) => (
                <Button size="sm" variant="light" onClick={copy}>
                  {copied ? t('common.copied') : t('common.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
        )}
        {generate.result && !generate.result.ok && <ErrorAlert error={generate.result.error} />}
        {clearKey.result && !clearKey.result.ok && <ErrorAlert error={clearKey.result.error} />}
        <Switch
          label={t('settings.requireKey')}
          description={t('settings.requireKeyHelp')}
          checked={s.requireAccessKey}
          disabled={!s.hasAccessKey && !s.requireAccessKey}
          onChange={(e) => void save({ requireAccessKey: e.currentTarget.checked })}
        />
      </Section>

      {s.secretStorage && (
        <Section title={t('keyStorage.title')}>
          <Stack gap="sm" data-testid="key-storage-settings">
            {s.secretStorage.backend === 'keychain' ? (
              <Text size="sm">{t('keyStorage.keychain')}</Text>
            ) : (
              <>
                <Alert
                  color={s.secretStorage.backend === 'session' ? 'orange' : 'blue'}
                  variant="light"
                  title={t('keyStorage.noKeychainTitle')}
                >
                  <NoKeychainReason storage={s.secretStorage} />
                </Alert>
                <KeyStorageOptions storage={s.secretStorage} />
              </>
            )}
          </Stack>
        </Section>
      )}

      <Section title={t('settings.outbound')}>
        <SegmentedControl
          value={s.outboundProxy.mode}
          aria-label={t('settings.outbound')}
          onChange={(mode) => {
            if (mode === 'custom') {
              if (proxyUrl) void save({ outboundProxy: { mode: 'custom', url: proxyUrl } });
              else settings.set({ ...s, outboundProxy: { mode: 'custom', url: '' } });
            } else void save({ outboundProxy: { mode: mode as 'system' | 'none' } });
          }}
          data={[
            { value: 'system', label: t('settings.proxySystem') },
            { value: 'none', label: t('settings.proxyNone') },
            { value: 'custom', label: t('settings.proxyCustom') },
          ]}
        />
        <Text size="xs" c="dimmed">
          {t(`settings.proxyHelp.${s.outboundProxy.mode}`)}
        </Text>
        {s.outboundProxy.mode === 'custom' && (
          <Group align="flex-start" gap="xs">
            <TextInput
              label={t('settings.proxyUrl')}
              placeholder="socks5://127.0.0.1:1080"
              value={proxyUrl}
              onChange={(e) => setProxyUrl(e.currentTarget.value)}
              error={err('outboundProxy')}
              style={{ flex: 1 }}
            />
            <Button mt={25} onClick={() => void save({ outboundProxy: { mode: 'custom', url: proxyUrl } })}>
              {t('common.apply')}
            </Button>
          </Group>
        )}
      </Section>

      <Section title={t('settings.appearance')}>
        <Select
          label={t('settings.language')}
          value={s.language}
          allowDeselect={false}
          data={[
            { value: 'system', label: t('settings.languageSystem') },
            { value: 'en', label: 'English' },
            { value: 'zh-CN', label: '简体中文' },
          ]}
          onChange={(v) => v && void save({ language: v as SettingsView['language'] })}
          maw={260}
          data-testid="language-select"
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('settings.theme')}
          </Text>
          <SegmentedControl
            value={s.theme}
            aria-label={t('settings.theme')}
            onChange={(v) => void save({ theme: v as SettingsView['theme'] })}
            data={[
              { value: 'system', label: t('settings.themeSystem') },
              { value: 'light', label: t('settings.themeLight') },
              { value: 'dark', label: t('settings.themeDark') },
            ]}
            maw={360}
          />
        </Stack>
        <Switch
          label={t('settings.launchAtLogin')}
          checked={s.launchAtLogin}
          onChange={(e) => void save({ launchAtLogin: e.currentTarget.checked })}
        />
      </Section>

      <Section title={t('settings.logging')}>
        <Switch
          label={t('settings.logBodies')}
          description={t('settings.logBodiesHelp')}
          checked={s.logBodies}
          onChange={(e) => void save({ logBodies: e.currentTarget.checked })}
        />
        <Divider />
        <Group grow align="flex-start">
          {countField('logMaxRecords', t('settings.logMaxRecords'), { min: 50, max: 100_000, step: 100 })}
          {countField('usageRetentionDays', t('settings.usageRetention'), { min: 1, max: 3650 })}
        </Group>
      </Section>

      <LimitsSettings />
    </Stack>
  );
}
