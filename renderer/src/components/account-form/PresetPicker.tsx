import { SegmentedControl, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ProviderKind } from '../../../../app/contract/index.js';

/** The choice among a family form's presets (OpenAI-compatible: custom server, DeepSeek, OpenRouter…). */
export function PresetPicker({
  presets,
  kind,
  onChange,
}: {
  presets: ReadonlyArray<{ kind: ProviderKind; baseUrl: string }>;
  kind: ProviderKind;
  /** The chosen kind and the API address it fills in. */
  onChange: (kind: ProviderKind, baseUrl: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {t('accountForm.preset')}
      </Text>
      <SegmentedControl
        fullWidth
        size="xs"
        value={kind}
        data={presets.map((p) => ({ value: p.kind, label: t(`providers.${p.kind}`) }))}
        onChange={(k) => {
          const preset = presets.find((p) => p.kind === k);
          onChange(k as ProviderKind, preset?.baseUrl ?? '');
        }}
      />
    </Stack>
  );
}
