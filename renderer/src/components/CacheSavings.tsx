import { Group, Paper, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { UsageRow } from '../../../app/contract/index.js';
import { formatCost } from '../log-filter.js';

/**
 * What Claude's prompt cache did over the period: tokens read from it (charged at a tenth of the
 * input price), tokens written to it (a little above), and the money that saved. Shown only once
 * something was cached.
 */
export function CacheSavings({ totals }: { totals: UsageRow }) {
  const { t, i18n } = useTranslation();
  if (totals.cacheReadTokens === 0 && totals.cacheWriteTokens === 0) return null;
  const nf = new Intl.NumberFormat(i18n.language);
  const item = (label: string, value: string, testId: string) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
  return (
    <Paper withBorder p="sm" data-testid="cache-savings">
      <Text size="sm" fw={500} mb="xs">
        {t('usage.cache.title')}
      </Text>
      <Group gap="xl">
        {item(t('usage.cache.read'), nf.format(totals.cacheReadTokens), 'cache-read')}
        {item(t('usage.cache.written'), nf.format(totals.cacheWriteTokens), 'cache-written')}
        {/* Early on (only writes so far) caching has cost a little extra: said so, not as "-$". */}
        {item(
          totals.cacheSavedUsd >= 0 ? t('usage.cache.saved') : t('usage.cache.extra'),
          formatCost(Math.abs(totals.cacheSavedUsd)),
          'cache-saved',
        )}
      </Group>
      <Text size="xs" c="dimmed" mt="xs">
        {t('usage.cache.help')}
      </Text>
    </Paper>
  );
}
