/**
 * Add or edit one account. Every change is checked with `accounts.validate` and the precise
 * messages it answers are shown under the fields; a pasted or dropped credential is described by
 * `accounts.detectCredential`. Secrets are never shown back: an edit shows the mask and keeps the
 * stored secret unless the user types a new one.
 */
import {
  Accordion,
  Alert,
  Autocomplete,
  Button,
  FileButton,
  Group,
  Paper,
  PasswordInput,
  SegmentedControl,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
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
import { useFieldError, useMessage } from '../i18n/messages.js';
import {
  buildDraft,
  type FieldDef,
  type FormValues,
  formProviderFor,
  initialValues,
  isRequired,
  OPENAI_COMPATIBLE_PRESETS,
  type PickableProvider,
  PROVIDER_FIELDS,
} from '../providers.js';
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

/** The field a provider's credential is pasted into, first. */
const PRIMARY_SECRET: Record<PickableProvider, string> = {
  vertex: 'serviceAccount',
  bedrock: 'accessKeyId',
  azure: 'apiKey',
  anthropic: 'apiKey',
  'google-ai': 'apiKey',
  openai: 'apiKey',
  'openai-compatible': 'apiKey',
};

/** Shapes that are never anything else: worth a word even on a custom OpenAI-compatible server. */
const UNMISTAKABLE = new Set<ProviderKind>(['anthropic', 'google-ai', 'vertex', 'bedrock', 'openrouter']);

/**
 * Whether a recognised credential belongs to another provider than the form's, and which form
 * and kind it would go to. A generic "sk-…" key fits every OpenAI-compatible service.
 */
export function otherProviderFor(
  detected: ProviderKind | null,
  form: PickableProvider,
  kind: ProviderKind,
): { form: PickableProvider; kind: ProviderKind } | null {
  if (!detected) return null;
  const target = formProviderFor(detected);
  if (form === 'openai-compatible') {
    if (kind === 'openai-compatible' && !UNMISTAKABLE.has(detected)) return null;
    if (detected === 'openai' || detected === kind) return null;
    if (target === 'openai-compatible' && (detected === 'azure' || kind === 'openai-compatible')) return null;
    return { form: target, kind: detected };
  }
  if (target === form) return null;
  return { form: target, kind: detected };
}

/** Moves the credential into the other form's field for it (a lone AWS key ID, or an API key). */
function carryTo(form: PickableProvider, kind: ProviderKind, text: string, label: string): FormValues {
  const values = initialValues(form);
  const field = PRIMARY_SECRET[form];
  if (form !== 'bedrock' || /^(AKIA|ASIA)[0-9A-Z]{16}$/.test(text.trim())) values[field] = text.trim();
  if (form === 'openai-compatible') {
    values.baseUrl = OPENAI_COMPATIBLE_PRESETS.find((p) => p.kind === kind)?.baseUrl ?? '';
  }
  if (label) values.label = label;
  return values;
}

function valuesFromAccount(account: AccountView, form: PickableProvider): FormValues {
  const values = initialValues(form);
  for (const f of PROVIDER_FIELDS[form]) {
    if (f.kind === 'secret' || f.kind === 'json-secret') {
      values[f.name] = '';
      continue;
    }
    const v = f.name === 'label' ? account.label : account.settings[f.name];
    if (Array.isArray(v)) values[f.name] = v.map(String);
    else if (typeof v === 'string' || typeof v === 'number') values[f.name] = String(v);
  }
  return values;
}

/** Field errors keyed by the form field they belong to ("serviceAccount.private_key" → serviceAccount). */
function errorsByField(
  errors: FieldError[],
  fields: readonly FieldDef[],
  fieldError: (e: FieldError) => string,
) {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const e of errors) {
    const head = e.path.split('.')[0] ?? '';
    const field = fields.find((f) => f.name === head);
    const text = fieldError(e);
    if (field) byField[field.name] = byField[field.name] ? `${byField[field.name]}; ${text}` : text;
    else general.push(e.path ? `${e.path}: ${text}` : text);
  }
  return { byField, general };
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
  const msg = useMessage();
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
  const [dragging, setDragging] = useState(false);
  const draft = useMemo(() => buildDraft(kind, values), [kind, values]);
  const [debouncedDraft] = useDebouncedValue(draft, 250);
  const secretText = String(values[PRIMARY_SECRET[form]] ?? '');
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

  const setValue = (name: string, value: string | string[]) => {
    setValues((v) => ({ ...v, [name]: value }));
    setTouched((s) => (s.has(name) ? s : new Set(s).add(name)));
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

  const readFile = async (file: File | null) => {
    if (!file) return;
    const text = await file.text();
    setValue('serviceAccount', text);
    void describe(text);
  };

  const { byField, general } = errorsByField(errors, fields, fieldError);
  const errorFor = (name: string) => (showAll || touched.has(name) ? byField[name] : undefined);
  const maskFor = (name: string) => account?.secrets[name];
  const fieldLabel = (name: string) => t(`fields.${name}.label`);
  const fieldHelp = (f: FieldDef) =>
    `${f.advanced ? t('accountForm.baseUrlOverrideHelp') : t(`fields.${f.name}.help`)}${isRequired(f, kind) ? '' : ` ${t('common.optional')}`}`;
  const advanced = fields.filter((f) => f.advanced);

  const renderField = (f: FieldDef) => {
    const common = {
      label: fieldLabel(f.name),
      description: fieldHelp(f),
      error: errorFor(f.name),
      withAsterisk: isRequired(f, kind) && !(account && maskFor(f.name)),
      onBlur: () => setTouched((s) => (s.has(f.name) ? s : new Set(s).add(f.name))),
    };
    const value = values[f.name];
    switch (f.kind) {
      case 'json-secret':
        return (
          <Stack gap={6} key={f.name}>
            <Paper
              withBorder
              p="xs"
              data-testid="sa-dropzone"
              style={{
                borderStyle: 'dashed',
                borderColor: dragging ? 'var(--mantine-color-blue-6)' : undefined,
              }}
              onDragOver={(e: React.DragEvent) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={(e: React.DragEvent) => {
                e.preventDefault();
                setDragging(false);
                void readFile(e.dataTransfer.files[0] ?? null);
              }}
            >
              <Textarea
                {...common}
                placeholder={
                  account && maskFor(f.name)
                    ? t('accountForm.keepSecret', { mask: maskFor(f.name) })
                    : t('fields.serviceAccount.placeholder')
                }
                autosize
                minRows={3}
                maxRows={6}
                spellCheck={false}
                autoComplete="off"
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
                value={value as string}
                onChange={(e) => setValue(f.name, e.currentTarget.value)}
                onPaste={(e: React.ClipboardEvent) => void describe(e.clipboardData.getData('text'))}
              />
              <Group mt={6} gap="xs">
                <FileButton onChange={(file) => void readFile(file)} accept="application/json,.json">
                  {(props) => (
                    <Button size="xs" variant="default" {...props}>
                      {t('accountForm.chooseFile')}
                    </Button>
                  )}
                </FileButton>
                <Text size="xs" c="dimmed">
                  {t('accountForm.dropHint')}
                </Text>
              </Group>
            </Paper>
            {detection && (
              <Alert
                color={detection.errors.length ? 'orange' : 'blue'}
                variant="light"
                p="xs"
                data-testid="credential-detection"
              >
                <Text size="sm">{msg(detection.summary, detection.summaryRef)}</Text>
                {detection.errors.map((e) => (
                  <Text size="sm" c="red" key={`${e.path}:${e.message}`}>
                    {fieldError(e)}
                  </Text>
                ))}
              </Alert>
            )}
          </Stack>
        );
      case 'secret':
        return (
          <PasswordInput
            key={f.name}
            {...common}
            autoComplete="off"
            placeholder={
              account && maskFor(f.name)
                ? t('accountForm.keepSecret', { mask: maskFor(f.name) })
                : (f.placeholder ?? '')
            }
            value={value as string}
            onChange={(e) => setValue(f.name, e.currentTarget.value)}
          />
        );
      case 'region':
        return (
          <Autocomplete
            key={f.name}
            {...common}
            data={[...(f.options ?? [])]}
            value={value as string}
            onChange={(v) => setValue(f.name, v)}
            comboboxProps={{ withinPortal: true }}
          />
        );
      case 'list':
        return (
          <TagsInput
            key={f.name}
            {...common}
            placeholder={t(`fields.${f.name}.placeholder`)}
            value={value as string[]}
            onChange={(v) => setValue(f.name, v)}
          />
        );
      default:
        return (
          <TextInput
            key={f.name}
            {...common}
            placeholder={f.placeholder ?? ''}
            value={value as string}
            onChange={(e) => setValue(f.name, e.currentTarget.value)}
          />
        );
    }
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
      noValidate
    >
      <Stack gap="sm">
        {form === 'openai-compatible' && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('accountForm.preset')}
            </Text>
            <SegmentedControl
              fullWidth
              size="xs"
              value={kind}
              data={OPENAI_COMPATIBLE_PRESETS.map((p) => ({
                value: p.kind,
                label: t(`providers.${p.kind}`),
              }))}
              onChange={(k) => {
                const preset = OPENAI_COMPATIBLE_PRESETS.find((p) => p.kind === k);
                setKind(k as ProviderKind);
                setValue('baseUrl', preset?.baseUrl ?? '');
              }}
            />
          </Stack>
        )}
        {fields.filter((f) => !f.advanced).map(renderField)}
        {advanced.length > 0 && (
          <Accordion variant="contained" chevronPosition="left">
            <Accordion.Item value="advanced">
              <Accordion.Control>{t('accountForm.advanced')}</Accordion.Control>
              <Accordion.Panel>
                <Stack gap="sm">{advanced.map(renderField)}</Stack>
              </Accordion.Panel>
            </Accordion.Item>
          </Accordion>
        )}
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
                  here: t(`providers.${form === 'openai-compatible' ? kind : form}`),
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
