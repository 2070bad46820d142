import { Badge, Button, Card, Group, Loader, Modal, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountView, ProviderKind } from '../../../app/contract/index.js';
import { useApi } from '../api/context.js';
import { useAction, useEvent, useLoad } from '../api/hooks.js';
import { AccountForm } from '../components/AccountForm.js';
import { AccountModelPicker } from '../components/AccountModelPicker.js';
import { AccountTest } from '../components/AccountTest.js';
import { ConfirmModal } from '../components/ConfirmModal.js';
import { AccountCostSection } from '../components/LimitsSettings.js';
import { ProviderPicker } from '../components/ProviderPicker.js';
import { ErrorAlert } from '../components/ResultAlert.js';
import { useSectionTranslation } from '../i18n/index.js';
import type { FormValues, PickableProvider } from '../providers.js';

function settingSummary(account: AccountView): string[] {
  const out: string[] = [];
  for (const key of ['region', 'baseUrl', 'endpoint', 'projectId']) {
    const v = account.settings[key];
    if (typeof v === 'string' && v) out.push(v);
  }
  const deployments = account.settings.deployments;
  if (Array.isArray(deployments) && deployments.length) out.push(deployments.map(String).join(', '));
  return out;
}

function AccountCard({
  account,
  onEdit,
  onRemove,
}: {
  account: AccountView;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="md" data-testid={`account-${account.id}`}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
          <Group gap="xs">
            <Text fw={600}>{account.label || account.id}</Text>
            <Badge variant="light">{t(`providers.${account.provider}`)}</Badge>
            {!account.enabled && <Badge color="gray">{t('accounts.disabled')}</Badge>}
            {account.secretStorage === 'session' && (
              <Badge color="orange" variant="light">
                {t('accounts.sessionOnly')}
              </Badge>
            )}
          </Group>
          {settingSummary(account).map((s) => (
            <Text size="sm" c="dimmed" key={s} style={{ wordBreak: 'break-all' }}>
              {s}
            </Text>
          ))}
          <Group gap="xs">
            {Object.entries(account.secrets).map(([name, mask]) => (
              <Text size="xs" ff="monospace" key={name} c="dimmed">
                {t(`fields.${name}.label`)}: {mask}
              </Text>
            ))}
          </Group>
          {account.missingSecrets.length > 0 && (
            <Text size="sm" c="red">
              {t('accounts.missingSecrets', {
                fields: account.missingSecrets.map((n) => t(`fields.${n}.label`)).join(', '),
              })}
            </Text>
          )}
        </Stack>
        <Group gap="xs">
          <Button variant="default" size="xs" onClick={onEdit}>
            {t('common.edit')}
          </Button>
          <Button variant="subtle" color="red" size="xs" onClick={onRemove}>
            {t('common.remove')}
          </Button>
        </Group>
      </Group>
      <Stack mt="sm">
        <AccountTest accountId={account.id} />
      </Stack>
    </Card>
  );
}

export function AccountsScreen() {
  const { t } = useTranslation();
  // The spend-limit texts this screen shows once its data is in: loaded with the screen, not then.
  useSectionTranslation('limits');
  const api = useApi();
  const accounts = useLoad('accounts.list');
  useEvent('accounts.changed', (list) => accounts.set(list));
  const [adding, setAdding] = useState<PickableProvider | 'pick' | null>(null);
  const [picked, setPicked] = useState<PickableProvider | null>(null);
  /** What a switch to another provider carried over (in memory only). */
  const [seed, setSeed] = useState<{ kind: ProviderKind; values: FormValues; n: number } | null>(null);
  /** The account just added: tested, then its models picked, in the same window. */
  const [added, setAdded] = useState<AccountView | null>(null);
  const [editing, setEditing] = useState<AccountView | null>(null);
  const [removing, setRemoving] = useState<AccountView | null>(null);
  const remove = useAction((id: string) => api.accounts.remove({ id }));

  const closeAdd = () => {
    setAdding(null);
    setPicked(null);
    setSeed(null);
    setAdded(null);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('accounts.title')}</Title>
        <Button onClick={() => setAdding('pick')} data-testid="add-account">
          {t('accounts.add')}
        </Button>
      </Group>
      {accounts.loading && !accounts.data && <Loader size="sm" aria-label={t('common.loading')} />}
      {accounts.error && <ErrorAlert error={accounts.error} />}
      {accounts.data?.length === 0 && <Text c="dimmed">{t('accounts.empty')}</Text>}
      {accounts.data?.map((a) => (
        <AccountCard key={a.id} account={a} onEdit={() => setEditing(a)} onRemove={() => setRemoving(a)} />
      ))}

      <Modal
        opened={adding !== null}
        onClose={closeAdd}
        title={
          added
            ? t('accounts.addedTitle', { name: added.label || added.id })
            : adding && adding !== 'pick'
              ? t('accounts.addTitleFor', { provider: t(`providers.${seed?.kind ?? adding}`) })
              : t('accounts.addTitle')
        }
        size="lg"
      >
        {added ? (
          <Stack>
            <AccountTest accountId={added.id} auto />
            <AccountModelPicker account={added} onDone={closeAdd} doneLabel={t('common.done')} />
          </Stack>
        ) : adding === 'pick' ? (
          <Stack>
            <ProviderPicker value={picked} onChange={setPicked} />
            <Group justify="flex-end">
              <Button disabled={!picked} onClick={() => picked && setAdding(picked)}>
                {t('common.next')}
              </Button>
            </Group>
          </Stack>
        ) : adding ? (
          <AccountForm
            key={`${adding}:${seed?.n ?? 0}`}
            provider={adding}
            {...(seed ? { initial: { kind: seed.kind, values: seed.values } } : {})}
            onCancel={closeAdd}
            onSwitchProvider={(form, kind, values) => {
              setSeed({ kind, values, n: (seed?.n ?? 0) + 1 });
              setAdding(form);
            }}
            onSaved={(a) => {
              setAdded(a);
              void accounts.reload();
            }}
          />
        ) : null}
      </Modal>

      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={t('accounts.editTitle', { name: editing?.label || editing?.id })}
        size="lg"
      >
        {editing && (
          <AccountForm
            account={editing}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              void accounts.reload();
            }}
          />
        )}
        {editing && <AccountCostSection accountId={editing.id} />}
      </Modal>

      <ConfirmModal
        opened={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        title={t('accounts.removeTitle')}
        text={t('accounts.removeConfirm', { name: removing?.label || removing?.id })}
        confirmLabel={t('common.remove')}
        action={remove}
        onConfirm={async () => {
          if (!removing) return;
          const r = await remove.run(removing.id);
          if (r.ok) {
            setRemoving(null);
            void accounts.reload();
          }
        }}
      />
    </Stack>
  );
}
