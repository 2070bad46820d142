/**
 * Sentences from main and proxy-core in the window's language. They arrive as English text with a
 * `MessageRef` beside it (a code of the catalog in app/contract/messages.ts and its parameters);
 * the window shows `msg.<code>` of its language and falls back to the English text for a code it
 * does not know (a newer main, a message without a code).
 */
import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageRef } from '../../../app/contract/index.js';

/** The text to show: the translation of `ref` when the window has one, else `text` as it came. */
export function formatMessage(t: TFunction, text: string, ref?: MessageRef | null): string;
export function formatMessage(
  t: TFunction,
  text: string | undefined,
  ref?: MessageRef | null,
): string | undefined;
export function formatMessage(
  t: TFunction,
  text: string | undefined,
  ref?: MessageRef | null,
): string | undefined {
  if (!ref || !/^[A-Za-z0-9]+$/.test(ref.code)) return text;
  const key = `msg.${ref.code}`;
  // Parameters go through `replace` only, so a name like "count" never turns into an i18next option.
  const out = t(key, { replace: ref.params ?? {}, defaultValue: '' }) as string;
  return out && out !== key ? out : text;
}

/** A field error in the window's language: its message, then its hint when it has a code for one. */
export function formatFieldError(
  t: TFunction,
  e: { message: string; messageRef?: MessageRef; hintRef?: MessageRef },
): string {
  const message = formatMessage(t, e.message, e.messageRef);
  // untranslated: the English message already holds its hint
  if (message === e.message || !e.hintRef) return message;
  const hint = formatMessage(t, '', e.hintRef);
  return hint ? `${message} — ${hint}` : message;
}

/** `formatMessage` bound to the window's current language. */
export function useMessage() {
  const { t } = useTranslation();
  return useCallback(
    <T extends string | undefined>(text: T, ref?: MessageRef | null): T | string =>
      formatMessage(t, text, ref) as T | string,
    [t],
  );
}

/** `formatFieldError` bound to the window's current language. */
export function useFieldError() {
  const { t } = useTranslation();
  return useCallback(
    (e: { message: string; messageRef?: MessageRef; hintRef?: MessageRef }) => formatFieldError(t, e),
    [t],
  );
}
