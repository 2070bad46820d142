import { Badge, Checkbox, Group, Loader, ScrollArea, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ModelSettings } from '../../../app/contract/index.js';
import { useLoad } from '../api/hooks.js';
import { useMessage } from '../i18n/messages.js';
import { isRouted, toggleRoute } from '../model-settings.js';
import { ErrorAlert } from './ResultAlert.js';

/** One account's models (upstream list or catalog, with the reason) as checkboxes that offer them. */
export function AccountModels({
  accountId,
  settings,
  onChange,
}: {
  accountId: string;
  settings: ModelSettings;
  onChange: (s: ModelSettings) => void;
}) {
  const { t } = useTranslation();
  const msg = useMessage();
  const models = useLoad('accounts.models', { id: accountId });
  if (models.loading && !models.data) return <Loader size="sm" aria-label={t('common.loading')} />;
  if (models.error) return <ErrorAlert error={models.error} />;
  const data = models.data;
  if (!data) return null;
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <Badge variant="light" color={data.source === 'upstream' ? 'green' : 'gray'}>
          {t(`models.source.${data.source}`)}
        </Badge>
        {data.reason && (
          <Text size="xs" c="dimmed">
            {msg(data.reason, data.reasonRef)}
          </Text>
        )}
      </Group>
      {data.models.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('models.noneForAccount')}
        </Text>
      )}
      <ScrollArea.Autosize mah={260} type="auto">
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing={6} verticalSpacing={6}>
          {data.models.map((m) => (
            <Checkbox
              key={m.id}
              label={m.displayName && m.displayName !== m.id ? `${m.displayName} (${m.id})` : m.id}
              checked={isRouted(settings, accountId, m.id)}
              onChange={(e) => onChange(toggleRoute(settings, accountId, m.id, e.currentTarget.checked))}
            />
          ))}
        </SimpleGrid>
      </ScrollArea.Autosize>
    </Stack>
  );
}
