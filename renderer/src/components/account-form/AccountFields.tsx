/**
 * The fields of one provider's form, drawn from its presentation (kind, options, placeholder,
 * advanced): the basic ones, then an "Advanced" group. A secret box shows the stored secret's mask
 * and keeps it when left empty; a service-account key can be pasted, dropped or chosen as a file.
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
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CredentialDetection } from '../../../../app/contract/index.js';
import { useFieldError, useMessage } from '../../i18n/messages.js';
import type { FieldDef, FormValues } from '../../providers.js';

export interface AccountFieldsProps {
  fields: readonly FieldDef[];
  values: FormValues;
  setValue: (name: string, value: string | string[]) => void;
  /** Marks a field as visited (its errors show from then on). */
  touch: (name: string) => void;
  /** The error to show under a field, if any. */
  errorFor: (name: string) => string | undefined;
  /** The stored secret's mask, when editing. */
  maskFor: (name: string) => string | undefined;
  /** Whether the field must be filled (the preset may make the key required). */
  required: (f: FieldDef) => boolean;
  /** What the pasted credential is, shown under the service-account box. */
  detection: CredentialDetection | null;
  /** Asks what a pasted or dropped credential is. */
  describe: (text: string) => void;
}

/** The form's fields: basic ones first, then the advanced ones folded away. */
export function AccountFields(props: AccountFieldsProps) {
  const { t } = useTranslation();
  const advanced = props.fields.filter((f) => f.advanced);
  return (
    <>
      {props.fields
        .filter((f) => !f.advanced)
        .map((f) => (
          <AccountField key={f.name} field={f} {...props} />
        ))}
      {advanced.length > 0 && (
        <Accordion variant="contained" chevronPosition="left">
          <Accordion.Item value="advanced">
            <Accordion.Control>{t('accountForm.advanced')}</Accordion.Control>
            <Accordion.Panel>
              <Stack gap="sm">
                {advanced.map((f) => (
                  <AccountField key={f.name} field={f} {...props} />
                ))}
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
      )}
    </>
  );
}

/** What every input of the form gets: label, help, error, asterisk, visit. */
interface CommonProps {
  label: string;
  description: string;
  error: string | undefined;
  withAsterisk: boolean;
  onBlur: () => void;
}

function AccountField({ field: f, ...p }: AccountFieldsProps & { field: FieldDef }) {
  const { t } = useTranslation();
  const mask = p.maskFor(f.name);
  const common: CommonProps = {
    label: t(`fields.${f.name}.label`),
    description: `${f.advanced ? t('accountForm.baseUrlOverrideHelp') : t(`fields.${f.name}.help`)}${p.required(f) ? '' : ` ${t('common.optional')}`}`,
    error: p.errorFor(f.name),
    withAsterisk: p.required(f) && !mask,
    onBlur: () => p.touch(f.name),
  };
  const value = p.values[f.name];
  const keepSecret = mask ? t('accountForm.keepSecret', { mask }) : undefined;
  switch (f.kind) {
    case 'json-secret':
      return <JsonSecretField field={f} common={common} placeholder={keepSecret} {...p} />;
    case 'secret':
      return (
        <PasswordInput
          {...common}
          autoComplete="off"
          placeholder={keepSecret ?? f.placeholder ?? ''}
          value={value as string}
          onChange={(e) => p.setValue(f.name, e.currentTarget.value)}
        />
      );
    case 'region':
      return (
        <Autocomplete
          {...common}
          data={[...(f.options ?? [])]}
          value={value as string}
          onChange={(v) => p.setValue(f.name, v)}
          comboboxProps={{ withinPortal: true }}
        />
      );
    case 'list':
      return (
        <TagsInput
          {...common}
          placeholder={t(`fields.${f.name}.placeholder`)}
          value={value as string[]}
          onChange={(v) => p.setValue(f.name, v)}
        />
      );
    default:
      return (
        <TextInput
          {...common}
          placeholder={f.placeholder ?? ''}
          value={value as string}
          onChange={(e) => p.setValue(f.name, e.currentTarget.value)}
        />
      );
  }
}

/** A JSON key file: paste its text, drop the file, or choose it; what it is shows underneath. */
function JsonSecretField({
  field: f,
  common,
  placeholder,
  ...p
}: AccountFieldsProps & {
  field: FieldDef;
  common: CommonProps;
  placeholder: string | undefined;
}) {
  const { t } = useTranslation();
  const msg = useMessage();
  const fieldError = useFieldError();
  const [dragging, setDragging] = useState(false);
  const readFile = async (file: File | null) => {
    if (!file) return;
    const text = await file.text();
    p.setValue(f.name, text);
    p.describe(text);
  };
  return (
    <Stack gap={6}>
      <Paper
        withBorder
        p="xs"
        data-testid="sa-dropzone"
        style={{ borderStyle: 'dashed', borderColor: dragging ? 'var(--mantine-color-blue-6)' : undefined }}
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
          placeholder={placeholder ?? t(`fields.${f.name}.placeholder`)}
          autosize
          minRows={3}
          maxRows={6}
          spellCheck={false}
          autoComplete="off"
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
          value={p.values[f.name] as string}
          onChange={(e) => p.setValue(f.name, e.currentTarget.value)}
          onPaste={(e: React.ClipboardEvent) => p.describe(e.clipboardData.getData('text'))}
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
      {p.detection && (
        <Alert
          color={p.detection.errors.length ? 'orange' : 'blue'}
          variant="light"
          p="xs"
          data-testid="credential-detection"
        >
          <Text size="sm">{msg(p.detection.summary, p.detection.summaryRef)}</Text>
          {p.detection.errors.map((e) => (
            <Text size="sm" c="red" key={`${e.path}:${e.message}`}>
              {fieldError(e)}
            </Text>
          ))}
        </Alert>
      )}
    </Stack>
  );
}
