import { Group, Stack, Text } from '@mantine/core';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountTestResult } from '../../../app/contract/index.js';
import { useApi } from '../api/context.js';
import { useAction } from '../api/hooks.js';
import { useMessage } from '../i18n/messages.js';
import { ActionButton } from './ActionButton.js';
import { ErrorAlert, SuccessAlert } from './ResultAlert.js';

/** "Test" for one account: the cheapest real call, then success or the upstream's reason and hint. */
export function AccountTest({
  accountId,
  auto = false,
  onResult,
}: {
  accountId: string;
  auto?: boolean;
  onResult?: (r: AccountTestResult | null) => void;
}) {
  const { t } = useTranslation();
  const msg = useMessage();
  const api = useApi();
  const test = useAction(() => api.accounts.test({ id: accountId }));
  // biome-ignore lint/correctness/useExhaustiveDependencies: run once when asked to start on its own
  useEffect(() => {
    if (auto) void test.run();
  }, [auto, accountId]);
  useEffect(() => {
    if (!onResult) return;
    if (test.result) onResult(test.result.ok ? test.result.value : null);
  }, [test.result, onResult]);

  const r = test.result;
  return (
    <Stack gap="xs">
      <Group>
        <ActionButton variant="light" action={test} testId="test-account">
          {t('accountTest.button')}
        </ActionButton>
        {test.pending && (
          <Text size="sm" c="dimmed">
            {t('accountTest.running')}
          </Text>
        )}
      </Group>
      {r && !r.ok && <ErrorAlert error={r.error} title={t('accountTest.failed')} />}
      {r?.ok && r.value.ok && (
        <SuccessAlert title={t('accountTest.ok')}>
          <Text size="sm">
            {msg(r.value.message, r.value.messageRef) ??
              t('accountTest.okLatency', { ms: Math.round(r.value.latencyMs) })}
          </Text>
        </SuccessAlert>
      )}
      {r?.ok && !r.value.ok && (
        <ErrorAlert
          title={t('accountTest.failed')}
          error={
            r.value.error ?? {
              message: t('accountTest.unknownFailure'),
            }
          }
        />
      )}
    </Stack>
  );
}
