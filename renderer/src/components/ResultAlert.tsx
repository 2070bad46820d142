import { Alert, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CallError } from '../../../app/contract/index.js';
import { useFieldError, useMessage } from '../i18n/messages.js';

type ShownError = Pick<CallError, 'message' | 'hint' | 'messageRef' | 'hintRef' | 'fields'>;

/**
 * A failed call shown in plain words, in the window's language: the message, and the hint when
 * there is one. Field errors, when the call names some, are listed instead of a hint made of them.
 */
export function ErrorAlert({ error, title }: { error: ShownError; title?: string }) {
  const { t } = useTranslation();
  const msg = useMessage();
  const fieldError = useFieldError();
  const fields = error.fields?.filter((f) => f.message) ?? [];
  // A hint without a code that only repeats the field errors is shown as the translated list.
  const hint = error.hintRef || fields.length === 0 ? msg(error.hint, error.hintRef) : undefined;
  return (
    <Alert color="red" variant="light" title={title ?? t('common.error')} role="alert">
      <Text size="sm">{msg(error.message, error.messageRef)}</Text>
      {fields.length > 0 && (
        <List size="sm" mt={4}>
          {fields.map((f) => (
            <List.Item key={`${f.path}:${f.message}`}>
              {f.path ? `${f.path}: ` : ''}
              {fieldError(f)}
            </List.Item>
          ))}
        </List>
      )}
      {hint ? (
        <Text size="sm" mt={4} c="dimmed">
          {t('common.hint')}: {hint}
        </Text>
      ) : null}
    </Alert>
  );
}

export function SuccessAlert({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <Alert color="green" variant="light" title={title} role="status">
      {children}
    </Alert>
  );
}
