/**
 * Asking before something that cannot be undone (removing an account, revoking a key): the
 * question, why it failed if it did, Cancel and the red button that does it.
 */
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Result } from '../../../app/contract/index.js';
import { ErrorAlert } from './ResultAlert.js';

export function ConfirmModal({
  opened,
  title,
  text,
  confirmLabel,
  action,
  onConfirm,
  onClose,
  testId,
  confirmTestId,
}: {
  opened: boolean;
  title: ReactNode;
  text: ReactNode;
  confirmLabel: ReactNode;
  /** The state of the call the red button makes (useAction): its spinner and its error. */
  action: { pending: boolean; result: Result<unknown> | undefined };
  onConfirm: () => void | Promise<void>;
  /** Cancel, Escape or the close button. */
  onClose: () => void;
  testId?: string;
  confirmTestId?: string;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack gap="sm" {...(testId ? { 'data-testid': testId } : {})}>
        <Text size="sm">{text}</Text>
        {action.result && !action.result.ok && <ErrorAlert error={action.result.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            color="red"
            loading={action.pending}
            onClick={() => void onConfirm()}
            {...(confirmTestId ? { 'data-testid': confirmTestId } : {})}
          >
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
