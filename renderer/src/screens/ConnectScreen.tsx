import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ConnectPanel } from '../components/ConnectPanel.js';
import { Heading } from '../components/Heading.js';

export function ConnectScreen() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Heading title={t('connect.title')} help={t('connect.subtitle')} />
      <ConnectPanel />
    </Stack>
  );
}
