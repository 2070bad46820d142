/**
 * The four amounts of a spend limit (daily and monthly, dollars and tokens), each optional: an
 * empty box means no limit of that kind. Checked with the contract's schema before saving.
 */
import { Button, Group, NumberInput, SimpleGrid, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { type LimitView, limitSchema, type Result, zodIssueRef } from '../../../app/contract/index.js';
import { useAction } from '../api/hooks.js';
import { useSectionTranslation } from '../i18n/index.js';
import { useMessage } from '../i18n/messages.js';
import { ErrorAlert } from './ResultAlert.js';

const FIELDS = ['dailyUsd', 'monthlyUsd', 'dailyTokens', 'monthlyTokens'] as const;
type Field = (typeof FIELDS)[number];

export function LimitFields({
  value,
  onSave,
  testId,
  usdOnly = false,
  saveLabel,
}: {
  value: LimitView;
  onSave: (limit: LimitView) => Promise<Result<unknown>>;
  testId: string;
  /** Only the dollar limits (a friend's key: simpler to explain). */
  usdOnly?: boolean;
  /** The button's label (Save by default). */
  saveLabel?: string;
}) {
  const { t } = useSectionTranslation('limits');
  const msg = useMessage();
  const [draft, setDraft] = useState<Record<Field, string | number>>(() => toDraft(value));
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useAction((limit: LimitView) => onSave(limit));
  useEffect(() => setDraft(toDraft(value)), [value]);

  const fields = usdOnly ? FIELDS.filter((f) => f.endsWith('Usd')) : FIELDS;
  const submit = async () => {
    const limit: Record<string, number> = {};
    for (const f of FIELDS) {
      const v = draft[f];
      if (v !== '' && v !== undefined) limit[f] = Number(v);
    }
    const checked = limitSchema.safeParse(limit);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      setProblem(
        t('limits.invalid', {
          field: t(`limits.field.${String(issue?.path[0])}`),
          message: issue ? msg(issue.message, zodIssueRef(issue)) : '',
        }),
      );
      return;
    }
    setProblem(null);
    const r = await save.run(checked.data);
    setSaved(r.ok);
  };

  return (
    <>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" data-testid={testId}>
        {fields.map((f) => (
          <NumberInput
            key={f}
            label={t(`limits.field.${f}`)}
            placeholder={t('limits.none')}
            value={draft[f]}
            onChange={(v) => {
              setSaved(false);
              setDraft((d) => ({ ...d, [f]: v }));
            }}
            min={0}
            decimalScale={f.endsWith('Usd') ? 2 : 0}
            allowNegative={false}
            thousandSeparator=","
            prefix={f.endsWith('Usd') ? '$' : undefined}
            data-testid={`${testId}-${f}`}
          />
        ))}
      </SimpleGrid>
      {problem && (
        <Text c="red" size="sm" role="alert">
          {problem}
        </Text>
      )}
      {save.result && !save.result.ok && <ErrorAlert error={save.result.error} />}
      <Group gap="xs">
        <Button size="xs" onClick={() => void submit()} loading={save.pending} data-testid={`${testId}-save`}>
          {saveLabel ?? t('common.save')}
        </Button>
        {saved && !saveLabel && (
          <Text size="sm" c="green">
            {t('common.saved')}
          </Text>
        )}
      </Group>
    </>
  );
}

function toDraft(value: LimitView): Record<Field, string | number> {
  return Object.fromEntries(FIELDS.map((f) => [f, value[f] ?? ''])) as Record<Field, string | number>;
}
