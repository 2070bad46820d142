/**
 * Add or edit one account. Every change is checked with `accounts.validate` and the precise
 * messages it answers are shown under the fields; a pasted or dropped credential is described by
 * `accounts.detectCredential`. Secrets are never shown back: an edit shows the mask and keeps the
 * stored secret unless the user types a new one.
 */
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AccountView,
  CredentialDetection,
  FieldError,
  ProviderKind,
} from '../../../app/contract/index.js';
import { useApi } from '../api/context.js';
import { useAction } from '../api/hooks.js';
import { useFieldError } from '../i18n/messages.js';
import {
  buildDraft,
  type FormValues,
  formProviderFor,
  initialValues,
  isRequired,
  type PickableProvider,
  PROVIDER_FIELDS,
  presetsOf,
} from '../providers.js';
import { AccountFields } from './account-form/AccountFields.js';
import {
  carryTo,
  errorsByField,
  otherProviderFor,
  pasteFieldOf,
  valuesFromAccount,
} from './account-form/credential-routing.js';
import { PresetPicker } from './account-form/PresetPicker.js';
import { ErrorAlert } from './ResultAlert.js';

export interface AccountFormProps {
  /** Provider chosen for a new account; ignored when editing. */
  provider?: PickableProvider;
  account?: AccountView;
  onSaved: (account: AccountView) => void;
  onCancel?: () => void;
  submitLabel?: string;
  /** A new account's starting point (a preset, values carried over from another form, a resumed draft). */
  initial?: { kind?: ProviderKind; values?: FormValues };
  /**
   * Offered when the credential belongs to another provider: switches to that provider's form,
   * carrying the credential and label along. Without it, the form only names the provider.
   */
  onSwitchProvider?: (form: PickableProvider, kind: ProviderKind, values: FormValues) => void;
  /** Follows every edit (the first run keeps the non-secret part to resume after a reload). */
  onDraftChange?: (kind: ProviderKind, values: FormValues) => void;
}

export function AccountForm({
  provider,
  account,
  onSaved,
  onCancel,
  submitLabel,
  initial,
  onSwitchProvider,
  onDraftChange,
}: AccountFormProps) {
  const { t } = useTranslation();
  const fieldError = useFieldError();
  const api = useApi();
  const form: PickableProvider = account ? formProviderFor(account.provider) : (provider ?? 'openai');
  const fields = PROVIDER_FIELDS[form];
  const [kind, setKind] = useState<ProviderKind>(account?.provider ?? initial?.kind ?? form);
  const [values, setValues] = useState<FormValues>(() =>
    account ? valuesFromAccount(account, form) : { ...initialValues(form), ...initial?.values },
  );
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [showAll, setShowAll] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [detection, setDetection] = useState<CredentialDetection | null>(null);
  const draft = useMemo(() => buildDraft(kind, values), [kind, values]);
  const [debouncedDraft] = useDebouncedValue(draft, 250);
  const secretText = String(values[pasteFieldOf(form)] ?? '');
  const [debouncedSecret] = useDebouncedValue(secretText, 300);

  const draftListener = useRef(onDraftChange);
  draftListener.current = onDraftChange;
  useEffect(() => {
    draftListener.current?.(kind, values);
  }, [kind, values]);

  // Live validation of what the user typed so far, once the typing has settled: a draft from
  // before the last keystroke would show errors about values the user has already fixed.
  useEffect(() => {
    if (touched.size === 0 && !showAll) return;
    if (debouncedDraft !== draft) return;
    let current = true;
    void api.accounts
      .validate({ account: debouncedDraft, ...(account ? { existingId: account.id } : {}) })
      .then((r) => {
        if (!current) return;
        if (r.ok) setErrors(r.value.errors);
        else
          setErrors(
            r.error.fields ?? [{ path: '', message: r.error.message, messageRef: r.error.messageRef }],
          );
      });
    return () => {
      current = false;
    };
  }, [api, debouncedDraft, draft, account, touched, showAll]);

  const save = useAction(async () => {
    setShowAll(true);
    const check = await api.accounts.validate({
      account: draft,
      ...(account ? { existingId: account.id } : {}),
    });
    if (check.ok && !check.value.valid) {
      setErrors(check.value.errors);
      return {
        ok: false as const,
        error: { code: 'invalid_payload', message: t('accountForm.fixErrors') },
      };
    }
    if (account) {
      const { provider: _p, ...patch } = draft;
      // A setting the user emptied is cleared; an empty secret box keeps the stored secret.
      for (const f of fields) {
        const had = f.name === 'label' ? account.label : account.settings[f.name];
        const secret = f.kind === 'secret' || f.kind === 'json-secret';
        if (secret || had === undefined || had === '' || f.name in patch) continue;
        // The contract types `label` as a string; other settings are removed with null.
        patch[f.name] = f.name === 'label' ? '' : null;
      }
      return api.accounts.update({ id: account.id, patch });
    }
    return api.accounts.add({ account: draft });
  });

  useEffect(() => {
    const r = save.result;
    if (r?.ok) onSaved(r.value);
    else if (r && !r.ok && r.error.fields) setErrors(r.error.fields);
  }, [save.result, onSaved]);

  const touch = (name: string) => setTouched((s) => (s.has(name) ? s : new Set(s).add(name)));
  const setValue = (name: string, value: string | string[]) => {
    setValues((v) => ({ ...v, [name]: value }));
    touch(name);
  };

  const describe = async (text: string) => {
    if (!text.trim()) {
      setDetection(null);
      return;
    }
    const r = await api.accounts.detectCredential({ text });
    setDetection(r.ok ? r.value : null);
  };

  // What the pasted or typed credential is (an edit's empty box keeps the stored one: nothing to say).
  // biome-ignore lint/correctness/useExhaustiveDependencies: describe only reads the api and setters
  useEffect(() => {
    void describe(debouncedSecret);
  }, [debouncedSecret]);
  const elsewhere =
    detection?.provider && !account && debouncedSecret === secretText && secretText.trim()
      ? otherProviderFor(detection.provider, form, kind)
      : null;

  const { byField, general } = errorsByField(errors, fields, fieldError);
  const presets = presetsOf(form);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
      noValidate
    >
      <Stack gap="sm">
        {presets.length > 0 && (
          <PresetPicker
            presets={presets}
            kind={kind}
            onChange={(k, baseUrl) => {
              setKind(k);
              setValue('baseUrl', baseUrl);
            }}
          />
        )}
        <AccountFields
          fields={fields}
          values={values}
          setValue={setValue}
          touch={touch}
          errorFor={(name) => (showAll || touched.has(name) ? byField[name] : undefined)}
          maskFor={(name) => account?.secrets[name]}
          required={(f) => isRequired(f, kind)}
          detection={detection}
          describe={(text) => void describe(text)}
        />
        {elsewhere && (
          <Alert
            color="orange"
            variant="light"
            p="xs"
            data-testid="credential-mismatch"
            title={t('accountForm.otherProvider', { provider: t(`providers.${elsewhere.kind}`) })}
          >
            <Stack gap={6}>
              <Text size="sm">
                {t('accountForm.otherProviderHelp', {
                  here: t(`providers.${presets.length > 0 ? kind : form}`),
                  provider: t(`providers.${elsewhere.kind}`),
                })}
              </Text>
              {onSwitchProvider && (
                <Group>
                  <Button
                    size="xs"
                    onClick={() =>
                      onSwitchProvider(
                        elsewhere.form,
                        elsewhere.kind,
                        carryTo(elsewhere.form, elsewhere.kind, secretText, String(values.label ?? '')),
                      )
                    }
                    data-testid="switch-provider"
                  >
                    {t('accountForm.switchTo', { provider: t(`providers.${elsewhere.kind}`) })}
                  </Button>
                </Group>
              )}
            </Stack>
          </Alert>
        )}
        {(showAll || touched.size > 0) && general.length > 0 && (
          <Alert color="red" variant="light" p="xs" role="alert">
            {general.map((m) => (
              <Text size="sm" key={m}>
                {m}
              </Text>
            ))}
          </Alert>
        )}
        {save.result && !save.result.ok && !save.result.error.fields?.length && (
          <ErrorAlert error={save.result.error} title={t('accountForm.saveFailed')} />
        )}
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          )}
          <Button type="submit" loading={save.pending}>
            {submitLabel ?? (account ? t('common.save') : t('accountForm.add'))}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
