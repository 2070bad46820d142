/**
 * Share: keys for other people and apps (a friend's SillyTavern). Make a key with a name, the
 * models it may use and a daily/monthly dollar limit; copy the address and key together with a line
 * on where to paste them; see what each key used; revoke one (asked first). The address is the LAN
 * one when LAN access is on; otherwise the screen says how to turn it on.
 */
import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  Loader,
  Modal,
  MultiSelect,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import {
  type AccessKeyView,
  accessKeyNameSchema,
  type LimitView,
  type ShareCopy,
  type ShareView,
} from '../../../app/contract/index.js';
import { useApi } from '../api/context.js';
import { useAction, useEvent, useLoad } from '../api/hooks.js';
import { ConfirmModal } from '../components/ConfirmModal.js';
import { EmptyRow } from '../components/EmptyRow.js';
import { HeadedCard } from '../components/HeadedCard.js';
import { Heading } from '../components/Heading.js';
import { LimitFields } from '../components/LimitFields.js';
import { ErrorAlert } from '../components/ResultAlert.js';
import { useSectionTranslation } from '../i18n/index.js';
import { formatCost } from '../log-filter.js';

function usePasteText() {
  const { t } = useSectionTranslation('share', 'limits');
  return (c: ShareCopy) => t('share.copyText', { name: c.key.name, baseUrl: c.baseUrl, key: c.accessKey });
}

function limitText(t: TFunction, l: LimitView): string {
  const parts = [
    l.dailyUsd !== undefined ? t('share.perDay', { amount: `$${l.dailyUsd.toFixed(2)}` }) : null,
    l.monthlyUsd !== undefined ? t('share.perMonth', { amount: `$${l.monthlyUsd.toFixed(2)}` }) : null,
    l.dailyTokens !== undefined ? t('share.tokensPerDay', { n: l.dailyTokens.toLocaleString() }) : null,
    l.monthlyTokens !== undefined ? t('share.tokensPerMonth', { n: l.monthlyTokens.toLocaleString() }) : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : t('share.noLimit');
}

/** The models a key may use; none picked means all. */
function KeyModels({
  models,
  value,
  onChange,
  testId,
}: {
  models: string[];
  value: string[];
  onChange: (picked: string[]) => void;
  testId: string;
}) {
  const { t } = useSectionTranslation('share', 'limits');
  // A model the key names but no account serves any more stays listed, so it can be taken off.
  const data = [...new Set([...models, ...value])];
  return (
    <MultiSelect
      label={t('share.models')}
      description={t('share.modelsHelp')}
      placeholder={value.length ? undefined : t('share.allModels')}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      clearable
      nothingFoundMessage={t('share.noModels')}
      maw={520}
      data-testid={testId}
    />
  );
}

/** Changes a key's models and limits; the key itself stays, so its holder changes nothing. */
function EditKey({
  entry,
  models,
  onClose,
  onSaved,
}: {
  entry: AccessKeyView;
  models: string[];
  onClose: () => void;
  onSaved: (v: ShareView) => void;
}) {
  const { t } = useSectionTranslation('share', 'limits');
  const api = useApi();
  const [picked, setPicked] = useState<string[]>(entry.models ?? []);
  return (
    <Modal opened onClose={onClose} title={t('share.editTitle', { name: entry.name })} size="lg">
      <Stack gap="sm" data-testid="share-edit">
        <KeyModels models={models} value={picked} onChange={setPicked} testId="share-edit-models" />
        <Text size="sm" fw={500}>
          {t('share.limits')}
        </Text>
        <LimitFields
          value={entry.limits}
          usdOnly
          saveLabel={t('common.save')}
          testId="share-edit-limits"
          onSave={async (limit) => {
            const r = await api.share.update({
              name: entry.name,
              ...(picked.length ? { models: picked } : {}),
              limits: limit,
            });
            if (r.ok) onSaved(r.value);
            return r;
          }}
        />
        <Text size="xs" c="dimmed">
          {t('share.editHint', { name: entry.name })}
        </Text>
      </Stack>
    </Modal>
  );
}

function CreateKey({ models, onCreated }: { models: string[]; onCreated: (c: ShareCopy) => void }) {
  const { t } = useSectionTranslation('share', 'limits');
  const api = useApi();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [limits, setLimits] = useState<LimitView>({ dailyUsd: 1 });
  const create = useAction((limit: LimitView) =>
    api.share.create({ name, ...(picked.length ? { models: picked } : {}), limits: limit }),
  );
  return (
    <HeadedCard title={t('share.createTitle')} help={t('share.createIntro')}>
      <Stack gap="sm">
        <TextInput
          label={t('share.name')}
          description={t('share.nameHelp')}
          placeholder={t('share.namePlaceholder')}
          value={name}
          onChange={(e) => {
            setName(e.currentTarget.value);
            setNameError(null);
          }}
          error={nameError}
          maw={360}
          data-testid="share-name"
        />
        <KeyModels models={models} value={picked} onChange={setPicked} testId="share-models" />
        <Text size="sm" fw={500}>
          {t('share.limits')}
        </Text>
        <LimitFields
          value={limits}
          usdOnly
          saveLabel={t('share.create')}
          testId="share-limits"
          onSave={async (limit) => {
            const checked = accessKeyNameSchema.safeParse(name);
            if (!checked.success) {
              const problem = name.trim() ? t('share.nameRule') : t('share.nameNeeded');
              setNameError(problem);
              return { ok: false, error: { code: 'invalid_payload', message: problem } };
            }
            setLimits(limit);
            const r = await create.run(limit);
            if (r.ok) {
              setName('');
              setPicked([]);
              onCreated(r.value);
            }
            return r;
          }}
        />
        <Text size="xs" c="dimmed">
          {t('share.createHint')}
        </Text>
      </Stack>
    </HeadedCard>
  );
}

/** A key's cost and requests over one period (a table cell); a dash before its first use. */
function UsageCell({
  amount,
  nf,
}: {
  amount: { costUsd: number; requests: number } | undefined;
  nf: Intl.NumberFormat;
}) {
  const { t } = useSectionTranslation('share', 'limits');
  return (
    <Table.Td ta="right">
      {amount ? (
        <>
          {formatCost(amount.costUsd)}
          <Text size="xs" c="dimmed">
            {t('share.requests', { n: nf.format(amount.requests) })}
          </Text>
        </>
      ) : (
        '—'
      )}
    </Table.Td>
  );
}

export function ShareScreen() {
  const { t, i18n } = useSectionTranslation('share', 'limits');
  const api = useApi();
  const pasteText = usePasteText();
  const view = useLoad('share.list');
  const models = useLoad('models.public');
  useEvent('request.record', () => void view.reload());
  useEvent('settings.changed', () => void view.reload());
  useEvent('status.changed', () => void view.reload());
  const [created, setCreated] = useState<ShareCopy | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<AccessKeyView | null>(null);
  const [editing, setEditing] = useState<AccessKeyView | null>(null);
  const copy = useAction((name: string) => api.share.copy({ name }));
  const revoke = useAction((name: string) => api.share.revoke({ name }));
  const nf = new Intl.NumberFormat(i18n.language);
  const modelIds = (models.data ?? []).map((m) => m.id);

  const copyKey = async (name: string) => {
    const r = await copy.run(name);
    if (!r.ok) return;
    await navigator.clipboard.writeText(pasteText(r.value));
    setCopied(name);
    setTimeout(() => setCopied((c) => (c === name ? null : c)), 2500);
  };

  const v = view.data;
  return (
    <Stack>
      <Heading title={t('share.title')} help={t('share.intro')} />
      {view.error && <ErrorAlert error={view.error} />}
      {!v && view.loading && <Loader size="sm" aria-label={t('common.loading')} />}
      {v && !v.address.lan && (
        <Alert color="blue" variant="light" title={t('share.lanOffTitle')} data-testid="share-lan-off">
          <Text size="sm">{t('share.lanOff')}</Text>
          <Anchor href="#/settings" size="sm">
            {t('share.openSettings')}
          </Anchor>
        </Alert>
      )}
      {v?.address.lan && (
        <Alert
          color={v.address.noLanAddress ? 'orange' : 'teal'}
          variant="light"
          title={v.address.noLanAddress ? t('share.noLanAddressTitle') : t('share.lanOnTitle')}
          data-testid="share-lan-on"
        >
          <Text size="sm">
            {v.address.noLanAddress ? t('share.noLanAddress') : t('share.lanOn', { url: v.address.baseUrl })}
          </Text>
        </Alert>
      )}
      {v && !v.running && (
        <Alert color="orange" variant="light">
          {t('share.notRunning')}
        </Alert>
      )}
      <CreateKey
        models={modelIds}
        onCreated={(c) => {
          setCreated(c);
          void view.reload();
        }}
      />
      {copy.result && !copy.result.ok && <ErrorAlert error={copy.result.error} />}
      {v && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing={6} fz="sm" data-testid="share-keys">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('share.name')}</Table.Th>
                  <Table.Th>{t('share.models')}</Table.Th>
                  <Table.Th>{t('share.limits')}</Table.Th>
                  <Table.Th ta="right">{t('share.today')}</Table.Th>
                  <Table.Th ta="right">{t('share.month')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {v.keys.length === 0 && <EmptyRow columns={6}>{t('share.empty')}</EmptyRow>}
                {v.keys.map((k) => (
                  <Table.Tr key={k.name} data-testid={`share-key-${k.name}`}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {k.name}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {k.usable ? k.hint : t('share.lost')}
                      </Text>
                    </Table.Td>
                    <Table.Td>{k.models?.length ? k.models.join(', ') : t('share.allModels')}</Table.Td>
                    <Table.Td>{limitText(t, k.limits)}</Table.Td>
                    <UsageCell amount={k.usage?.today} nf={nf} />
                    <UsageCell amount={k.usage?.month} nf={nf} />
                    <Table.Td>
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          disabled={!k.usable}
                          onClick={() => void copyKey(k.name)}
                          data-testid="share-copy"
                        >
                          {copied === k.name ? t('common.copied') : t('share.copy')}
                        </Button>
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => setEditing(k)}
                          data-testid="share-edit-open"
                        >
                          {t('share.edit')}
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => setRevoking(k)}
                          data-testid="share-revoke"
                        >
                          {t('share.revoke')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}

      <Modal
        opened={created !== null}
        onClose={() => setCreated(null)}
        title={created ? t('share.createdTitle', { name: created.key.name }) : ''}
        size="lg"
      >
        {created && (
          <Stack gap="sm" data-testid="share-created">
            <Text size="sm">{t('share.createdIntro')}</Text>
            <Code
              block
              data-testid="share-paste-text"
              style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
            >
              {pasteText(created)}
            </Code>
            {!created.lan && (
              <Text size="sm" c="orange">
                {t('share.createdLanOff')}
              </Text>
            )}
            <Group justify="flex-end">
              <Button
                onClick={async () => {
                  await navigator.clipboard.writeText(pasteText(created));
                  setCopied(created.key.name);
                }}
                data-testid="share-created-copy"
              >
                {copied === created.key.name ? t('common.copied') : t('share.copyBoth')}
              </Button>
              <Button variant="default" onClick={() => setCreated(null)}>
                {t('common.done')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>

      {editing && (
        <EditKey
          entry={editing}
          models={modelIds}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            view.set(saved);
            setEditing(null);
          }}
        />
      )}

      <ConfirmModal
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={revoking ? t('share.revokeTitle', { name: revoking.name }) : ''}
        text={t('share.revokeText')}
        confirmLabel={t('share.revokeYes')}
        action={revoke}
        onConfirm={async () => {
          if (!revoking) return;
          const r = await revoke.run(revoking.name);
          if (r.ok) {
            view.set(r.value);
            setRevoking(null);
          }
        }}
        testId="share-revoke-confirm"
        confirmTestId="share-revoke-yes"
      />
    </Stack>
  );
}
