/**
 * What to paste into SillyTavern for each of its sources, with Copy buttons and short steps, and
 * a "Send a test message" button that goes through the running proxy.
 */
import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  List,
  Loader,
  Paper,
  Select,
  Stack,
  Tabs,
  Text,
  Tooltip,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SillyTavernSource } from '../../../app/contract/index.js';
import { useApi } from '../api/context.js';
import { useAction, useEvent, useLoad } from '../api/hooks.js';
import { useMessage } from '../i18n/messages.js';
import { ErrorAlert, SuccessAlert } from './ResultAlert.js';

function CopyField({ label, value }: { label: string; value: string }) {
  // label arrives translated (ConnectPanel formats the field's labelRef)
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      {value === '' ? (
        <Text size="sm" c="dimmed" data-testid="connect-value-empty">
          {t('connect.leaveEmpty')}
        </Text>
      ) : (
        <Group gap="xs" wrap="nowrap">
          <Code
            block
            style={{ flex: 1, minWidth: 0, overflowX: 'auto', whiteSpace: 'nowrap' }}
            data-testid="connect-value"
          >
            {value}
          </Code>
          <CopyButton value={value} timeout={2000}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? t('common.copied') : t('common.copy')} withArrow>
                <Button
                  size="xs"
                  variant={copied ? 'filled' : 'light'}
                  color={copied ? 'teal' : undefined}
                  onClick={copy}
                  aria-label={t('connect.copyField', { field: label })}
                  data-testid="connect-copy"
                >
                  {copied ? t('common.copied') : t('common.copy')}
                </Button>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
      )}
    </Stack>
  );
}

function TestMessage({ source }: { source: SillyTavernSource }) {
  const { t } = useTranslation();
  const api = useApi();
  const models = useLoad('models.public');
  const settings = useLoad('models.get');
  const [model, setModel] = useState<string | null>(null);
  const send = useAction(() => api.connect.sendTestMessage({ source, ...(model ? { model } : {}) }));
  const r = send.result;
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Group align="flex-end" gap="xs">
          <Select
            label={t('connect.testModel')}
            placeholder={settings.data?.defaultModel ?? t('connect.defaultModel')}
            data={models.data?.map((m) => m.id) ?? []}
            value={model}
            onChange={setModel}
            clearable
            searchable
            size="sm"
            style={{ flex: 1, minWidth: 180 }}
          />
          <Button onClick={() => void send.run()} loading={send.pending} data-testid="send-test-message">
            {t('connect.sendTest')}
          </Button>
        </Group>
        {send.pending && (
          <Text size="sm" c="dimmed">
            {t('connect.sending')}
          </Text>
        )}
        {r && !r.ok && <ErrorAlert error={r.error} />}
        {r?.ok && r.value.ok && (
          <SuccessAlert
            title={t('connect.testOk', { model: r.value.model ?? '', ms: Math.round(r.value.latencyMs) })}
          >
            <Text size="sm" data-testid="test-reply" style={{ whiteSpace: 'pre-wrap' }}>
              {r.value.reply}
            </Text>
          </SuccessAlert>
        )}
        {r?.ok && !r.value.ok && (
          <ErrorAlert
            title={t('connect.testFailed', { status: r.value.status ?? '—' })}
            error={{
              message: r.value.error ?? t('connect.unknownError'),
              hint: r.value.hint,
              messageRef: r.value.errorRef,
              hintRef: r.value.hintRef,
            }}
          />
        )}
      </Stack>
    </Paper>
  );
}

export function ConnectPanel() {
  const { t } = useTranslation();
  const msg = useMessage();
  const api = useApi();
  const info = useLoad('connect.info');
  useEvent('status.changed', () => void info.reload());
  useEvent('settings.changed', () => void info.reload());
  const start = useAction(() => api.proxy.start());
  const [tab, setTab] = useState<string | null>('openai');

  if (info.loading && !info.data) return <Loader size="sm" aria-label={t('common.loading')} />;
  if (info.error) return <ErrorAlert error={info.error} />;
  const data = info.data;
  if (!data) return null;
  return (
    <Stack>
      {!data.running && (
        <Alert color="orange" variant="light" title={t('connect.notRunning')}>
          <Stack gap="xs">
            <Text size="sm">{t('connect.notRunningHelp')}</Text>
            <Group>
              <Button
                size="xs"
                loading={start.pending}
                onClick={() => void start.run().then(() => info.reload())}
              >
                {t('status.start')}
              </Button>
            </Group>
            {start.result && !start.result.ok && <ErrorAlert error={start.result.error} />}
          </Stack>
        </Alert>
      )}
      {data.accessKeyRequired && (
        <Alert color="blue" variant="light" title={t('connect.accessKeyRequired')}>
          <Text size="sm">{t('connect.accessKeyHelp')}</Text>
        </Alert>
      )}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          {data.sources.map((s) => (
            <Tabs.Tab value={s.source} key={s.source}>
              {t(`connect.sources.${s.source}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {data.sources.map((s) => (
          <Tabs.Panel value={s.source} key={s.source} pt="sm">
            <Stack gap="sm">
              <Text size="sm">{t('connect.intro', { title: s.title })}</Text>
              {s.fields.map((f) => (
                <CopyField key={f.label} label={msg(f.label, f.labelRef)} value={f.value} />
              ))}
              <Text size="sm" fw={500}>
                {t('connect.steps')}
              </Text>
              <List type="ordered" size="sm" spacing={4}>
                {(t(`connect.stepsFor.${s.source}`, { returnObjects: true }) as string[]).map((step) => (
                  <List.Item key={step}>{step}</List.Item>
                ))}
              </List>
              <TestMessage source={s.source} />
            </Stack>
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
