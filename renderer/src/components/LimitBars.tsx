/**
 * Each spend limit as a bar (green while ok, orange from 80 %, red when used up), and the models
 * that have no price (they count against token limits only). On the Usage screen.
 * `LimitAlerts` is the banner the window shows on every screen while a limit needs attention.
 */
import { Alert, Anchor, Badge, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import type { LimitStatusView } from '../../../app/contract/index.js';
import { useEvent, useLoad } from '../api/hooks.js';
import { useSectionTranslation } from '../i18n/index.js';
import { useLimitText } from '../limit-text.js';
import { ErrorAlert } from './ResultAlert.js';

const COLOR = { ok: 'teal', warning: 'orange', reached: 'red' } as const;

function useLimitsStatus() {
  const status = useLoad('limits.status');
  useEvent('limits.changed', (s) => status.set(s));
  useEvent('request.record', () => void status.reload());
  useEvent('status.changed', () => void status.reload());
  return status;
}

function idOf(s: LimitStatusView): string {
  const scope =
    s.scope.kind === 'global' ? 'global' : s.scope.kind === 'account' ? s.scope.id : `key-${s.scope.name}`;
  return `${scope}-${s.period}-${s.measure}`;
}

function Bar({ s }: { s: LimitStatusView }) {
  const { t } = useSectionTranslation('limits');
  const text = useLimitText();
  return (
    <Stack gap={4} data-testid={`limit-bar-${idOf(s)}`} data-state={s.state}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm">{text.title(s)}</Text>
        <Badge size="sm" color={COLOR[s.state]} variant="light">
          {t(`limits.state.${s.state}`)}
        </Badge>
      </Group>
      <Progress value={text.pct(s)} color={COLOR[s.state]} aria-label={text.title(s)} />
      <Text size="xs" c="dimmed">
        {t('limits.usedOf', { used: text.amount(s.used, s.measure), limit: text.amount(s.limit, s.measure) })}
        {' · '}
        {t('limits.resets', { at: text.resets(s.resetsAt) })}
      </Text>
    </Stack>
  );
}

export function LimitBars() {
  const { t } = useSectionTranslation('limits');
  const status = useLimitsStatus();
  const s = status.data;
  return (
    <Paper withBorder p="sm" data-testid="limit-bars">
      <Group justify="space-between" mb="xs">
        <Text size="sm" fw={500}>
          {t('limits.barsTitle')}
        </Text>
        <Anchor href="#/settings" size="sm">
          {t('limits.change')}
        </Anchor>
      </Group>
      {status.error && <ErrorAlert error={status.error} />}
      {s && !s.running && (
        <Text size="sm" c="dimmed">
          {t('limits.notRunning')}
        </Text>
      )}
      {s?.running && s.statuses.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('limits.noneSet')}
        </Text>
      )}
      <Stack gap="sm">
        {s?.statuses.map((l) => (
          <Bar key={idOf(l)} s={l} />
        ))}
      </Stack>
      {s && s.unpricedModels.length > 0 && (
        <Text size="xs" c="dimmed" mt="sm" data-testid="unpriced-models">
          {t('limits.unpriced', { models: s.unpricedModels.join(', ') })}
        </Text>
      )}
    </Paper>
  );
}

/** The banner for limits at 80 % or used up (App loads it only when there is one). */
export function LimitAlerts({ attention }: { attention: LimitStatusView[] }) {
  const { t } = useSectionTranslation('limits');
  const text = useLimitText();
  const reached = attention.some((l) => l.state === 'reached');
  return (
    <Alert
      color={reached ? 'red' : 'orange'}
      variant="light"
      mb="md"
      title={reached ? t('limits.alertReached') : t('limits.alertWarning')}
      data-testid="limit-alerts"
    >
      <Stack gap={2}>
        {attention.map((l) => (
          <Text size="sm" key={idOf(l)}>
            {l.state === 'reached'
              ? t('limits.lineReached', {
                  title: text.title(l),
                  used: text.amount(l.used, l.measure),
                  at: text.resets(l.resetsAt),
                })
              : t('limits.lineWarning', { title: text.title(l), pct: Math.floor(text.pct(l)) })}
          </Text>
        ))}
        <Group gap="md">
          <Anchor href="#/usage" size="sm">
            {t('limits.seeUsage')}
          </Anchor>
          <Anchor href="#/settings" size="sm">
            {t('limits.raise')}
          </Anchor>
        </Group>
      </Stack>
    </Alert>
  );
}
