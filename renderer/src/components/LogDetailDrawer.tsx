import { Alert, Badge, Code, Drawer, Group, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { RequestRecordView } from '../../../app/contract/index.js';
import { useMessage } from '../i18n/messages.js';
import { formatCost, totalTokens } from '../log-filter.js';

/** Cache reads, writes and what they saved, when the request used Claude's prompt cache. */
function cacheRows(r: RequestRecordView, t: TFunction): Array<[string, string]> {
  const read = r.usage?.cacheReadTokens ?? 0;
  const written = r.usage?.cacheWriteTokens ?? 0;
  if (read === 0 && written === 0) return [];
  const rows: Array<[string, string]> = [
    [t('log.detail.cache'), t('log.detail.cacheTokens', { read, written })],
  ];
  if (r.cacheSavedUsd !== undefined) {
    rows.push(
      r.cacheSavedUsd >= 0
        ? [t('usage.cache.saved'), formatCost(r.cacheSavedUsd)]
        : [t('usage.cache.extra'), formatCost(-r.cacheSavedUsd)],
    );
  }
  return rows;
}

/** Everything about one request: summary, every attempt with its upstream error and hint, bodies. */
export function LogDetailDrawer({
  record,
  onClose,
}: {
  record: RequestRecordView | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const msg = useMessage();
  const r = record;
  const rows: [string, string][] = r
    ? [
        [t('log.detail.time'), new Date(r.time).toLocaleString()],
        [t('log.cols.style'), t(`dialects.${r.dialect}`)],
        [t('log.detail.request'), `${r.method} ${r.path}`],
        [t('log.cols.model'), r.publicModel ?? '—'],
        [t('log.detail.upstreamModel'), r.upstreamModel ?? '—'],
        [t('log.cols.account'), r.account ? `${r.account}${r.provider ? ` (${r.provider})` : ''}` : '—'],
        ...(r.accessKey ? [[t('log.detail.sharedKey'), r.accessKey] as [string, string]] : []),
        [t('log.cols.status'), String(r.status)],
        [t('log.detail.stream'), r.stream ? t('common.yes') : t('common.no')],
        [t('log.detail.passthrough'), r.passthrough ? t('common.yes') : t('common.no')],
        [t('log.cols.latency'), `${Math.round(r.latencyMs)} ms`],
        [t('log.cols.ttft'), r.ttftMs === undefined ? '—' : `${Math.round(r.ttftMs)} ms`],
        [
          t('log.cols.tokens'),
          r.usage
            ? t('log.detail.tokens', {
                input: r.usage.inputTokens,
                output: r.usage.outputTokens,
                total: totalTokens(r),
              })
            : '—',
        ],
        [t('log.cols.cost'), r.costUsd === null ? t('log.detail.unpriced') : formatCost(r.costUsd)],
        // Issue 19 (caching): Claude's prompt cache on this request.
        ...cacheRows(r, t),
      ]
    : [];
  return (
    <Drawer opened={r !== null} onClose={onClose} position="right" size="md" title={t('log.detail.title')}>
      {r && (
        <Stack gap="md">
          {r.error && (
            <Alert color="red" variant="light" title={msg(r.error.message, r.error.messageRef)}>
              {r.error.hint && <Text size="sm">{msg(r.error.hint, r.error.hintRef)}</Text>}
            </Alert>
          )}
          {r.clientAborted && <Badge color="orange">{t('log.detail.aborted')}</Badge>}
          {r.droppedParams && r.droppedParams.length > 0 && (
            <Alert
              color="yellow"
              variant="light"
              title={t('log.detail.dropped')}
              data-testid="dropped-params"
            >
              <Stack gap={2}>
                {r.droppedParams.map((param) => (
                  <Text size="sm" key={param}>
                    {t('log.detail.droppedParam', { model: r.upstreamModel ?? r.provider ?? '—', param })}
                  </Text>
                ))}
                <Text size="xs" c="dimmed">
                  {t('log.detail.droppedHint')}
                </Text>
              </Stack>
            </Alert>
          )}
          <Table withRowBorders={false} verticalSpacing={2} fz="sm">
            <Table.Tbody>
              {rows.map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Td c="dimmed" w={140}>
                    {k}
                  </Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{v}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Title order={5}>{t('log.detail.attempts', { count: r.attempts.length })}</Title>
          {r.attempts.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('log.detail.noAttempts')}
            </Text>
          ) : (
            <Timeline bulletSize={14} lineWidth={2} active={r.attempts.length - 1}>
              {r.attempts.map((a, i) => (
                <Timeline.Item
                  // biome-ignore lint/suspicious/noArrayIndexKey: attempts have no id and never reorder
                  key={i}
                  color={a.error || (a.status ?? 0) >= 400 ? 'red' : 'green'}
                  title={
                    <Group gap="xs">
                      <Text size="sm" fw={500}>
                        {a.account} · {a.upstreamModel}
                      </Text>
                      <Badge size="xs" variant="light" color={a.error ? 'red' : 'green'}>
                        {a.status ?? '—'}
                      </Badge>
                    </Group>
                  }
                >
                  <Text size="xs" c="dimmed">
                    {a.provider} · {Math.round(a.latencyMs)} ms
                  </Text>
                  {a.error && (
                    <>
                      <Text size="sm" c="red">
                        {msg(a.error.message, a.error.messageRef)}
                      </Text>
                      {a.error.hint && (
                        <Text size="sm">
                          {t('common.hint')}: {msg(a.error.hint, a.error.hintRef)}
                        </Text>
                      )}
                    </>
                  )}
                </Timeline.Item>
              ))}
            </Timeline>
          )}
          <Title order={5}>{t('log.detail.bodies')}</Title>
          {r.bodies?.request || r.bodies?.response ? (
            <Stack gap="xs">
              <Body label={t('log.detail.requestBody')} text={r.bodies.request} />
              <Body label={t('log.detail.responseBody')} text={r.bodies.response} />
            </Stack>
          ) : (
            <Text size="sm" c="dimmed">
              {t('log.detail.noBodies')}
            </Text>
          )}
        </Stack>
      )}
    </Drawer>
  );
}

/** A stored body, when there is one: what it is, then its text in a scrolling block. */
function Body({ label, text }: { label: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Code block mah={240} style={{ overflow: 'auto' }}>
        {text}
      </Code>
    </>
  );
}
