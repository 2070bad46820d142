import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  ScrollArea,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModelSettings, ProviderKind } from '../../../app/contract/index.js';
import { presentationOf } from '../../../app/contract/providers.js';
import { useLoad } from '../api/hooks.js';
import { useMessage } from '../i18n/messages.js';
import { isRouted, toggleRoute } from '../model-settings.js';
import { ErrorAlert } from './ResultAlert.js';

/** Whether the account's models are the user's own deployment names (Azure). */
const deploymentModels = (provider: ProviderKind | undefined) =>
  provider !== undefined && presentationOf(provider).deploymentModels === true;

/** The models an account already offers (ticked or typed earlier), as upstream ids. */
function routedModels(settings: ModelSettings, accountId: string): string[] {
  const out: string[] = [];
  for (const m of settings.models) {
    for (const r of m.routes) if (r.account === accountId && !out.includes(r.model)) out.push(r.model);
  }
  return out;
}

/** Types a model name the list does not show (a new model, an Azure deployment, a private fine-tune). */
function AddModelByName({
  provider,
  onAdd,
}: {
  provider?: ProviderKind | undefined;
  onAdd: (id: string) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const add = () => {
    const id = name.trim();
    if (!id) return;
    onAdd(id);
    setName('');
  };
  return (
    <Group align="flex-end" gap="xs" wrap="nowrap">
      <TextInput
        style={{ flex: 1 }}
        size="sm"
        label={t('accountModels.typeLabel')}
        description={t(deploymentModels(provider) ? 'accountModels.typeHelpAzure' : 'accountModels.typeHelp')}
        placeholder={t(`accountModels.placeholder.${provider ?? 'other'}`, {
          defaultValue: t('accountModels.placeholder.other'),
        })}
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add();
          }
        }}
        spellCheck={false}
        autoComplete="off"
        data-testid="add-model-input"
      />
      <Button variant="light" disabled={!name.trim()} onClick={add} data-testid="add-model-button">
        {t('accountModels.add')}
      </Button>
    </Group>
  );
}

/**
 * One account's models (the account's own list, or the typed or built-in one with the reason) as
 * checkboxes that offer them, plus a box to type any other model name. When there is nothing to
 * tick it says why and offers the ways on: type a name, ask again, or go back to the credential.
 */
export function AccountModels({
  accountId,
  provider,
  settings,
  onChange,
  onBack,
}: {
  accountId: string;
  provider?: ProviderKind | undefined;
  settings: ModelSettings;
  onChange: (s: ModelSettings) => void;
  /** Offered when the account listed nothing: back to the credential form. */
  onBack?: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  const msg = useMessage();
  const models = useLoad('accounts.models', { id: accountId });
  const data = models.data;
  const listed = data?.models ?? [];
  const typed = routedModels(settings, accountId).filter((id) => !listed.some((m) => m.id === id));
  const choices = [
    ...listed.map((m) => ({
      id: m.id,
      label:
        m.displayName && !m.displayName.includes(m.id)
          ? `${m.displayName} (${m.id})`
          : (m.displayName ?? m.id),
    })),
    ...typed.map((id) => ({ id, label: id })),
  ];
  const add = (id: string) => onChange(toggleRoute(settings, accountId, id, true));
  const retry = (
    <Button
      size="xs"
      variant="default"
      onClick={() => void models.reload()}
      loading={models.loading}
      data-testid="models-retry"
    >
      {t('accountModels.retry')}
    </Button>
  );

  return (
    <Stack gap="xs">
      {models.loading && !data && !models.error && <Loader size="sm" aria-label={t('common.loading')} />}
      {models.error && (
        <Stack gap={6}>
          <ErrorAlert error={models.error} title={t('accountModels.listFailed')} />
          <Group gap="xs">{retry}</Group>
        </Stack>
      )}
      {data && (
        <Group gap="xs">
          <Badge variant="light" color={data.source === 'upstream' ? 'green' : 'gray'}>
            {t(`models.source.${data.source}`)}
          </Badge>
          {data.reason && (
            <Text size="xs" c="dimmed" data-testid="models-reason">
              {msg(data.reason, data.reasonRef)}
            </Text>
          )}
        </Group>
      )}
      {data && choices.length === 0 && (
        <Alert color="orange" variant="light" p="sm" data-testid="models-empty">
          <Stack gap={6}>
            <Text size="sm" fw={500}>
              {t('models.noneForAccount')}
            </Text>
            <Text size="sm">
              {data.reason
                ? t('accountModels.emptyWithReason')
                : t(deploymentModels(provider) ? 'accountModels.emptyAzure' : 'accountModels.empty')}
            </Text>
            <Group gap="xs">
              {retry}
              {onBack && (
                <Button size="xs" variant="subtle" onClick={onBack} data-testid="models-back">
                  {t('firstRun.editCredential')}
                </Button>
              )}
            </Group>
          </Stack>
        </Alert>
      )}
      {choices.length > 0 && (
        <ScrollArea.Autosize mah={260} type="auto">
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing={6} verticalSpacing={6}>
            {choices.map((m) => (
              <Checkbox
                key={m.id}
                label={m.label}
                checked={isRouted(settings, accountId, m.id)}
                onChange={(e) => onChange(toggleRoute(settings, accountId, m.id, e.currentTarget.checked))}
              />
            ))}
          </SimpleGrid>
        </ScrollArea.Autosize>
      )}
      {(data || models.error) && <AddModelByName provider={provider} onAdd={add} />}
    </Stack>
  );
}
