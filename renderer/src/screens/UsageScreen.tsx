import { Group, Loader, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEvent, useLoad } from '../api/hooks.js';
import { CacheSavings } from '../components/CacheSavings.js';
import { EmptyRow } from '../components/EmptyRow.js';
import { LimitBars } from '../components/LimitBars.js';
import { ErrorAlert } from '../components/ResultAlert.js';
import { UsageChart } from '../components/UsageChart.js';
import { formatCost } from '../log-filter.js';

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg" data-testid={`stat-${label}`}>
        {value}
      </Text>
    </Paper>
  );
}

export function UsageScreen() {
  const { t, i18n } = useTranslation();
  const [days, setDays] = useState('30');
  const usage = useLoad('usage.summary', { days: Number(days) });
  useEvent('request.record', () => void usage.reload());
  const nf = new Intl.NumberFormat(i18n.language);
  const u = usage.data;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('usage.title')}</Title>
        <SegmentedControl
          size="xs"
          value={days}
          onChange={setDays}
          aria-label={t('usage.period')}
          data={['7', '30', '90'].map((d) => ({ value: d, label: t('usage.days', { count: Number(d) }) }))}
        />
      </Group>
      <LimitBars />
      {usage.error && <ErrorAlert error={usage.error} />}
      {!u && usage.loading && <Loader size="sm" aria-label={t('common.loading')} />}
      {u && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
            <Stat label={t('usage.requests')} value={nf.format(u.totals.requests)} />
            <Stat label={t('usage.input')} value={nf.format(u.totals.inputTokens)} />
            <Stat label={t('usage.output')} value={nf.format(u.totals.outputTokens)} />
            <Stat label={t('usage.cost')} value={formatCost(u.totals.costUsd)} />
          </SimpleGrid>
          {u.totals.unpricedRequests > 0 && (
            <Text size="xs" c="dimmed">
              {t('usage.unpriced', { count: u.totals.unpricedRequests })}
            </Text>
          )}
          <CacheSavings totals={u.totals} />
          <Paper withBorder p="sm">
            <Text size="sm" fw={500} mb="xs">
              {t('usage.perDay')}
            </Text>
            {u.perDay.length ? <UsageChart days={u.perDay} /> : <Text c="dimmed">{t('usage.empty')}</Text>}
          </Paper>
          <Paper withBorder>
            <Table.ScrollContainer minWidth={560}>
              <Table striped verticalSpacing={6} fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('usage.model')}</Table.Th>
                    <Table.Th ta="right">{t('usage.requests')}</Table.Th>
                    <Table.Th ta="right">{t('usage.errors')}</Table.Th>
                    <Table.Th ta="right">{t('usage.input')}</Table.Th>
                    <Table.Th ta="right">{t('usage.output')}</Table.Th>
                    <Table.Th ta="right">{t('usage.cost')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {u.perModel.length === 0 && <EmptyRow columns={6}>{t('usage.empty')}</EmptyRow>}
                  {u.perModel.map((m) => (
                    <Table.Tr key={m.model}>
                      <Table.Td ff="monospace">{m.model}</Table.Td>
                      <Table.Td ta="right">{nf.format(m.requests)}</Table.Td>
                      <Table.Td ta="right">{nf.format(m.errors)}</Table.Td>
                      <Table.Td ta="right">{nf.format(m.inputTokens)}</Table.Td>
                      <Table.Td ta="right">{nf.format(m.outputTokens)}</Table.Td>
                      <Table.Td ta="right">{formatCost(m.costUsd)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        </>
      )}
    </Stack>
  );
}
