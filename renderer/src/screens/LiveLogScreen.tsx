/**
 * The live log: every request as it happens, in a virtualized table (only the rows in view are
 * rendered, so thousands of records stay smooth), with filters, pause, clear, export and a
 * detail drawer.
 */
import {
  Badge,
  Box,
  Button,
  Group,
  Menu,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RequestRecordView } from '../../../app/contract/index.js';
import { useApi } from '../api/context.js';
import { useAction, useEvent } from '../api/hooks.js';
import { ActionButton } from '../components/ActionButton.js';
import { LogDetailDrawer } from '../components/LogDetailDrawer.js';
import { ErrorAlert } from '../components/ResultAlert.js';
import {
  filterRecords,
  formatCost,
  isError,
  LOG_DIALECTS,
  type LogFilter,
  NO_FILTER,
} from '../log-filter.js';

const ROW_HEIGHT = 34;
const OVERSCAN = 8;
const UI_LIMIT = 5000;

function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}

function ms(v: number | undefined): string {
  return v === undefined ? '—' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}

export function downloadFile(filename: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function LiveLogScreen() {
  const { t } = useTranslation();
  const api = useApi();
  const [records, setRecords] = useState<RequestRecordView[]>([]);
  const [queued, setQueued] = useState<RequestRecordView[]>([]);
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState<LogFilter>(NO_FILTER);
  const [selected, setSelected] = useState<RequestRecordView | null>(null);
  const [loadError, setLoadError] = useState<{ message: string; hint?: string } | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(600);
  const viewport = useRef<HTMLDivElement>(null);
  const clear = useAction(() => api.log.clear());
  const exportLog = useAction((format: 'jsonl' | 'csv') => api.log.export({ format }));

  useEffect(() => {
    let current = true;
    void api.log.recent({ limit: UI_LIMIT }).then((r) => {
      if (!current) return;
      if (r.ok) {
        // Newest first; records that arrived while loading are kept.
        setRecords((live) => {
          const ids = new Set(live.map((x) => x.id));
          return [...live, ...[...r.value].reverse().filter((x) => !ids.has(x.id))];
        });
      } else setLoadError(r.error);
    });
    return () => {
      current = false;
    };
  }, [api]);

  useEvent('request.record', (rec) => {
    if (paused) setQueued((q) => [rec, ...q]);
    else setRecords((rs) => [rec, ...rs].slice(0, UI_LIMIT));
  });

  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const measure = () => setViewHeight(el.clientHeight || 600);
    measure();
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    ro?.observe(el);
    return () => ro?.disconnect();
  }, []);

  const visible = useMemo(() => filterRecords(records, filter), [records, filter]);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(visible.length, Math.ceil((scrollTop + viewHeight) / ROW_HEIGHT) + OVERSCAN);
  const rows = visible.slice(first, last);

  const resume = () => {
    setRecords((rs) => [...queued, ...rs].slice(0, UI_LIMIT));
    setQueued([]);
    setPaused(false);
  };

  // The two rows of filter choices: a field of the filter, its name, its choices.
  const filterChoices: Array<[Exclude<keyof LogFilter, 'text'>, string, Array<[string, string]>]> = [
    [
      'status',
      t('log.statusFilter'),
      [
        ['all', t('log.all')],
        ['ok', t('log.ok')],
        ['error', t('log.errors')],
      ],
    ],
    [
      'dialect',
      t('log.styleFilter'),
      [['all', t('log.allStyles')], ...LOG_DIALECTS.map((d): [string, string] => [d, t(`dialects.${d}`)])],
    ],
  ];

  return (
    <Stack gap="sm" h="100%">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Title order={2}>{t('log.title')}</Title>
        <Group gap="xs">
          {paused ? (
            <Button size="xs" variant="filled" onClick={resume}>
              {queued.length ? t('log.resumeWith', { count: queued.length }) : t('log.resume')}
            </Button>
          ) : (
            <Button size="xs" variant="default" onClick={() => setPaused(true)}>
              {t('log.pause')}
            </Button>
          )}
          <ActionButton
            size="xs"
            variant="default"
            action={clear}
            onDone={() => {
              setRecords([]);
              setQueued([]);
            }}
          >
            {t('log.clear')}
          </ActionButton>
          <Menu position="bottom-end">
            <Menu.Target>
              <Button size="xs" variant="default" loading={exportLog.pending}>
                {t('log.export')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {(['csv', 'jsonl'] as const).map((format) => (
                <Menu.Item
                  key={format}
                  onClick={async () => {
                    const r = await exportLog.run(format);
                    if (r.ok) downloadFile(r.value.filename, r.value.mimeType, r.value.content);
                  }}
                >
                  {t(`log.exportAs.${format}`)}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
      <Group gap="xs" wrap="wrap">
        <TextInput
          size="xs"
          placeholder={t('log.search')}
          aria-label={t('log.search')}
          value={filter.text}
          onChange={(e) => setFilter({ ...filter, text: e.currentTarget.value })}
          style={{ flex: 1, minWidth: 160 }}
        />
        {filterChoices.map(([field, label, options]) => (
          <SegmentedControl
            key={field}
            size="xs"
            aria-label={label}
            value={filter[field]}
            onChange={(v) => setFilter({ ...filter, [field]: v })}
            data={options.map(([value, text]) => ({ value, label: text }))}
          />
        ))}
      </Group>
      {loadError && <ErrorAlert error={loadError} />}
      {clear.result && !clear.result.ok && <ErrorAlert error={clear.result.error} />}
      {exportLog.result && !exportLog.result.ok && <ErrorAlert error={exportLog.result.error} />}
      <Text size="xs" c="dimmed" aria-live="polite">
        {t('log.count', { shown: visible.length, total: records.length })}
        {paused ? ` · ${t('log.pausedNote')}` : ''}
      </Text>
      <Box
        ref={viewport}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        style={{
          minHeight: 220,
          height: 'calc(100vh - 300px)',
          overflow: 'auto',
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 'var(--mantine-radius-sm)',
        }}
        data-testid="log-viewport"
      >
        <Table
          layout="fixed"
          stickyHeader
          highlightOnHover
          miw={740}
          verticalSpacing={6}
          fz="xs"
          aria-rowcount={visible.length}
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={92}>{t('log.cols.time')}</Table.Th>
              <Table.Th w={70}>{t('log.cols.style')}</Table.Th>
              <Table.Th>{t('log.cols.model')}</Table.Th>
              <Table.Th w={100}>{t('log.cols.account')}</Table.Th>
              <Table.Th w={60}>{t('log.cols.status')}</Table.Th>
              <Table.Th w={70}>{t('log.cols.latency')}</Table.Th>
              <Table.Th w={70}>{t('log.cols.ttft')}</Table.Th>
              <Table.Th w={84}>{t('log.cols.tokens')}</Table.Th>
              <Table.Th w={64}>{t('log.cols.cost')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {first > 0 && <tr style={{ height: first * ROW_HEIGHT }} aria-hidden />}
            {rows.map((r) => (
              <Table.Tr
                key={r.id}
                h={ROW_HEIGHT}
                tabIndex={0}
                style={{ cursor: 'pointer', whiteSpace: 'nowrap' }}
                data-testid="log-row"
                onClick={() => setSelected(r)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    setSelected(r);
                  }
                }}
              >
                <Table.Td>{formatTime(r.time)}</Table.Td>
                <Table.Td>{t(`dialects.${r.dialect}`)}</Table.Td>
                <Table.Td style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                  {r.publicModel ?? '—'}
                </Table.Td>
                <Table.Td style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                  {r.account ?? '—'}
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={isError(r) ? 'red' : 'green'}>
                    {r.status || '—'}
                  </Badge>
                </Table.Td>
                <Table.Td>{ms(r.latencyMs)}</Table.Td>
                <Table.Td>{ms(r.ttftMs)}</Table.Td>
                <Table.Td data-testid="log-tokens">
                  {r.usage ? `${r.usage.inputTokens} / ${r.usage.outputTokens}` : '—'}
                </Table.Td>
                <Table.Td>{formatCost(r.costUsd)}</Table.Td>
              </Table.Tr>
            ))}
            {last < visible.length && (
              <tr style={{ height: (visible.length - last) * ROW_HEIGHT }} aria-hidden />
            )}
          </Table.Tbody>
        </Table>
        {visible.length === 0 && (
          <Text size="sm" c="dimmed" ta="center" p="lg">
            {records.length === 0 ? t('log.empty') : t('log.noMatch')}
          </Text>
        )}
      </Box>
      <LogDetailDrawer record={selected} onClose={() => setSelected(null)} />
    </Stack>
  );
}
