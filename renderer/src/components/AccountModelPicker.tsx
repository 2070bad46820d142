/**
 * Choose which of one account's models chat apps may use, then save: the Models step of the
 * first run and the last step of adding an account. Never a dead end: a model can always be
 * typed by name, and the button says what it is waiting for.
 */
import { Button, Group, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountView, ModelSettings } from '../../../app/contract/index.js';
import { useApi } from '../api/context.js';
import { useAction, useLoad } from '../api/hooks.js';
import { AccountModels } from './AccountModels.js';
import { ErrorAlert } from './ResultAlert.js';

export function AccountModelPicker({
  account,
  onDone,
  onBack,
  doneLabel,
}: {
  account: AccountView;
  onDone: () => void;
  onBack?: () => void;
  doneLabel?: string;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const saved = useLoad('models.get');
  const [draft, setDraft] = useState<ModelSettings | null>(null);
  useEffect(() => {
    if (saved.data) setDraft(saved.data);
  }, [saved.data]);
  const save = useAction((s: ModelSettings) => api.models.update(s));
  if (saved.error) return <ErrorAlert error={saved.error} />;
  if (!draft) return <Loader size="sm" aria-label={t('common.loading')} />;
  const chosen = draft.models.filter((m) => m.routes.some((r) => r.account === account.id)).length;
  return (
    <Stack>
      <Text size="sm">{t('firstRun.modelsHelp')}</Text>
      <AccountModels
        accountId={account.id}
        provider={account.provider}
        settings={draft}
        onChange={(s) => {
          save.reset();
          setDraft(s);
        }}
        onBack={onBack}
      />
      {save.result && !save.result.ok && <ErrorAlert error={save.result.error} />}
      <Group justify="space-between">
        <Text size="sm" c={chosen === 0 ? 'orange' : 'dimmed'} data-testid="models-chosen">
          {chosen === 0 ? t('accountModels.pickOne') : t('firstRun.modelsChosen', { count: chosen })}
        </Text>
        <Group gap="xs">
          {onBack && (
            <Button variant="default" onClick={onBack}>
              {t('common.back')}
            </Button>
          )}
          <Button
            disabled={chosen === 0}
            loading={save.pending}
            onClick={async () => {
              const r = await save.run(draft);
              if (r.ok) onDone();
            }}
            data-testid="models-continue"
          >
            {doneLabel ?? t('firstRun.saveModels')}
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}
