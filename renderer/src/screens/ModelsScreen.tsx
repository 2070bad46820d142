import {
  Accordion,
  ActionIcon,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Radio,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModelSettings } from '../../../app/contract/index.js';
import { useApi } from '../api/context.js';
import { useAction, useLoad } from '../api/hooks.js';
import { AccountModels } from '../components/AccountModels.js';
import { ActionButton } from '../components/ActionButton.js';
import { Heading } from '../components/Heading.js';
import { ErrorAlert, SuccessAlert } from '../components/ResultAlert.js';
import { moveRoute, removeAlias, setAlias, setModelEnabled } from '../model-settings.js';

function AliasEditor({
  settings,
  onChange,
}: {
  settings: ModelSettings;
  onChange: (s: ModelSettings) => void;
}) {
  const { t } = useTranslation();
  const [alias, setAliasName] = useState('');
  const [target, setTarget] = useState<string | null>(null);
  const ids = settings.models.map((m) => m.id);
  return (
    <Stack gap="xs">
      {Object.entries(settings.aliases).map(([a, to]) => (
        <Group key={a} gap="xs" wrap="nowrap">
          <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
            {a} → {to}
          </Text>
          <Button
            size="compact-xs"
            variant="subtle"
            color="red"
            onClick={() => onChange(removeAlias(settings, a))}
          >
            {t('common.remove')}
          </Button>
        </Group>
      ))}
      <Group align="flex-end" gap="xs">
        <TextInput
          label={t('models.aliasName')}
          value={alias}
          onChange={(e) => setAliasName(e.currentTarget.value)}
          size="xs"
        />
        <Select
          label={t('models.aliasTarget')}
          data={ids}
          value={target}
          onChange={setTarget}
          size="xs"
          searchable
        />
        <Button
          size="xs"
          variant="light"
          disabled={!alias.trim() || !target}
          onClick={() => {
            if (!target) return;
            onChange(setAlias(settings, alias.trim(), target));
            setAliasName('');
          }}
        >
          {t('models.addAlias')}
        </Button>
      </Group>
    </Stack>
  );
}

export function ModelsScreen() {
  const { t } = useTranslation();
  const api = useApi();
  const accounts = useLoad('accounts.list');
  const saved = useLoad('models.get');
  const [draft, setDraft] = useState<ModelSettings | null>(null);
  /** Accounts whose model list is unfolded; the first one until the user chooses. */
  const [openAccounts, setOpenAccounts] = useState<string[] | null>(null);
  useEffect(() => {
    if (saved.data) setDraft(saved.data);
  }, [saved.data]);
  const save = useAction((s: ModelSettings) => api.models.update(s));
  const dirty = draft && saved.data && JSON.stringify(draft) !== JSON.stringify(saved.data);

  if (saved.error) return <ErrorAlert error={saved.error} />;
  if (!draft) return <Loader size="sm" aria-label={t('common.loading')} />;
  const edit = (s: ModelSettings) => {
    save.reset();
    setDraft(s);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('models.title')}</Title>
        <Group gap="xs">
          <Button variant="default" disabled={!dirty} onClick={() => saved.data && edit(saved.data)}>
            {t('common.revert')}
          </Button>
          <ActionButton disabled={!dirty} action={save} args={[draft]} onDone={saved.set}>
            {t('common.save')}
          </ActionButton>
        </Group>
      </Group>
      {save.result && !save.result.ok && <ErrorAlert error={save.result.error} />}
      {save.result?.ok && <SuccessAlert title={t('common.saved')} />}

      <Title order={4}>{t('models.perAccount')}</Title>
      {accounts.data?.length === 0 && <Text c="dimmed">{t('models.noAccounts')}</Text>}
      <Accordion
        variant="separated"
        multiple
        value={openAccounts ?? accounts.data?.slice(0, 1).map((a) => a.id) ?? []}
        onChange={setOpenAccounts}
      >
        {accounts.data?.map((a) => (
          <Accordion.Item value={a.id} key={a.id}>
            <Accordion.Control>
              <Group gap="xs">
                <Text fw={500}>{a.label || a.id}</Text>
                <Badge variant="light" size="sm">
                  {t(`providers.${a.provider}`)}
                </Badge>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <AccountModels accountId={a.id} provider={a.provider} settings={draft} onChange={edit} />
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>

      <Heading order={4} title={t('models.offered')} help={t('models.offeredHelp')} />
      {draft.models.length === 0 ? (
        <Text c="dimmed">{t('models.noneOffered')}</Text>
      ) : (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={560}>
            <Radio.Group
              value={draft.defaultModel ?? ''}
              onChange={(v) => edit({ ...draft, defaultModel: v })}
            >
              <Table verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('models.publicId')}</Table.Th>
                    <Table.Th>{t('models.enabled')}</Table.Th>
                    <Table.Th>{t('models.default')}</Table.Th>
                    <Table.Th>{t('models.routes')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {draft.models.map((m) => (
                    <Table.Tr key={m.id}>
                      <Table.Td>
                        <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                          {m.id}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Switch
                          aria-label={t('models.enableModel', { model: m.id })}
                          checked={m.enabled}
                          onChange={(e) => edit(setModelEnabled(draft, m.id, e.currentTarget.checked))}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Radio value={m.id} aria-label={t('models.makeDefault', { model: m.id })} />
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={2}>
                          {m.routes.map((r, i) => (
                            <Group key={`${r.account}/${r.model}`} gap={4} wrap="nowrap">
                              <Text size="xs">
                                {i + 1}. {r.account} · {r.model}
                              </Text>
                              <ActionIcon
                                size="xs"
                                variant="subtle"
                                disabled={i === 0}
                                aria-label={t('models.moveUp')}
                                onClick={() => edit(moveRoute(draft, m.id, i, -1))}
                              >
                                ↑
                              </ActionIcon>
                              <ActionIcon
                                size="xs"
                                variant="subtle"
                                disabled={i === m.routes.length - 1}
                                aria-label={t('models.moveDown')}
                                onClick={() => edit(moveRoute(draft, m.id, i, 1))}
                              >
                                ↓
                              </ActionIcon>
                            </Group>
                          ))}
                        </Stack>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Radio.Group>
          </Table.ScrollContainer>
        </Paper>
      )}

      <Heading order={4} title={t('models.aliases')} help={t('models.aliasesHelp')} />
      <AliasEditor settings={draft} onChange={edit} />
    </Stack>
  );
}
