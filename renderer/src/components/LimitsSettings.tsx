/**
 * Settings → Limits: the limits on everything together, and for each account its limits, Claude
 * prompt caching (on by default, 5-minute or 1-hour cache) and what happens to parameters a model
 * cannot take. `AccountCostSettings` is the same block for one account (the Accounts screen opens it).
 */
import { Accordion, Badge, Group, Loader, SegmentedControl, Stack, Text } from '@mantine/core';
import type { LimitsView } from '../../../app/contract/index.js';
import { useApi } from '../api/context.js';
import { useAction, useEvent, useLoad } from '../api/hooks.js';
import { useSectionTranslation } from '../i18n/index.js';
import { HeadedCard } from './HeadedCard.js';
import { LimitFields } from './LimitFields.js';
import { ErrorAlert } from './ResultAlert.js';

type AccountCost = LimitsView['accounts'][number];

function Choice({
  label,
  help,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  help: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange: (v: string) => void;
  testId: string;
}) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <SegmentedControl
        size="xs"
        value={value}
        onChange={onChange}
        data={options}
        aria-label={label}
        data-testid={testId}
        maw={420}
      />
      <Text size="xs" c="dimmed">
        {help}
      </Text>
    </Stack>
  );
}

function AccountBlock({ account, onView }: { account: AccountCost; onView: (v: LimitsView) => void }) {
  const { t } = useSectionTranslation('limits');
  const api = useApi();
  const set = useAction((patch: Omit<Parameters<typeof api.limits.setAccount>[0] & object, 'id'>) =>
    api.limits.setAccount({ id: account.id, ...patch }),
  );
  const change = async (patch: Parameters<typeof set.run>[0]) => {
    const r = await set.run(patch);
    if (r.ok) onView(r.value);
    return r;
  };
  return (
    <Stack gap="sm" data-testid={`account-cost-${account.id}`}>
      <Text size="sm" fw={500}>
        {t('limits.accountLimits')}
      </Text>
      <LimitFields
        value={account.limits}
        onSave={(limits) => change({ limits })}
        testId={`limits-${account.id}`}
      />
      <Choice
        label={t('limits.promptCaching')}
        help={t('limits.promptCachingHelp')}
        value={account.promptCaching}
        options={[
          { value: 'auto', label: t('limits.cachingAuto') },
          { value: 'off', label: t('limits.cachingOff') },
        ]}
        onChange={(v) => void change({ promptCaching: v as AccountCost['promptCaching'] })}
        testId={`caching-${account.id}`}
      />
      {account.promptCaching === 'auto' && (
        <Choice
          label={t('limits.cacheTtl')}
          help={t('limits.cacheTtlHelp')}
          value={account.promptCacheTtl}
          options={[
            { value: '5m', label: t('limits.ttl5m') },
            { value: '1h', label: t('limits.ttl1h') },
          ]}
          onChange={(v) => void change({ promptCacheTtl: v as AccountCost['promptCacheTtl'] })}
          testId={`cache-ttl-${account.id}`}
        />
      )}
      <Choice
        label={t('limits.unsupportedParams')}
        help={t(`limits.unsupportedHelp.${account.unsupportedParams}`)}
        value={account.unsupportedParams}
        options={[
          { value: 'drop', label: t('limits.unsupportedDrop') },
          { value: 'refuse', label: t('limits.unsupportedRefuse') },
        ]}
        onChange={(v) => void change({ unsupportedParams: v as AccountCost['unsupportedParams'] })}
        testId={`unsupported-${account.id}`}
      />
      {set.result && !set.result.ok && <ErrorAlert error={set.result.error} />}
    </Stack>
  );
}

function limitSummary(a: AccountCost): number {
  return Object.values(a.limits).filter((v) => typeof v === 'number').length;
}

/** One account's limits and cost choices (for the Accounts screen). */
export function AccountCostSettings({ accountId }: { accountId: string }) {
  const { t } = useSectionTranslation('limits');
  const view = useLoad('limits.get');
  if (view.error) return <ErrorAlert error={view.error} />;
  const account = view.data?.accounts.find((a) => a.id === accountId);
  if (!view.data) return <Loader size="sm" aria-label={t('common.loading')} />;
  if (!account) return <Text c="dimmed">{t('limits.noAccount')}</Text>;
  return <AccountBlock account={account} onView={view.set} />;
}

/** Under an account's form: its limits and cost choices, folded away until opened. */
export function AccountCostSection({ accountId }: { accountId: string }) {
  const { t } = useSectionTranslation('limits');
  return (
    <Accordion variant="contained" mt="md">
      <Accordion.Item value="cost">
        <Accordion.Control data-testid="account-cost-open">{t('limits.accountSection')}</Accordion.Control>
        <Accordion.Panel>
          <AccountCostSettings accountId={accountId} />
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}

export function LimitsSettings() {
  const { t } = useSectionTranslation('limits');
  const api = useApi();
  const view = useLoad('limits.get');
  useEvent('accounts.changed', () => void view.reload());
  const v = view.data;
  return (
    <HeadedCard
      title={t('limits.settingsTitle')}
      help={t('limits.settingsIntro')}
      id="limits"
      testId="limits-settings"
    >
      {view.error && <ErrorAlert error={view.error} />}
      {!v && !view.error && <Loader size="sm" aria-label={t('common.loading')} />}
      {v && (
        <Stack gap="md">
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              {t('limits.globalTitle')}
            </Text>
            <LimitFields
              value={v.global}
              testId="limits-global"
              onSave={async (limit) => {
                const r = await api.limits.setGlobal(limit);
                if (r.ok) view.set(r.value);
                return r;
              }}
            />
          </Stack>
          {v.accounts.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('limits.noAccounts')}
            </Text>
          ) : (
            <Accordion variant="separated" chevronPosition="left">
              {v.accounts.map((a) => (
                <Accordion.Item key={a.id} value={a.id}>
                  <Accordion.Control data-testid={`limits-account-${a.id}`}>
                    <Group gap="xs" wrap="nowrap">
                      <Text size="sm">{a.label ?? a.id}</Text>
                      {limitSummary(a) > 0 && (
                        <Badge size="xs" variant="light">
                          {t('limits.count', { n: limitSummary(a) })}
                        </Badge>
                      )}
                      {a.promptCaching === 'off' && (
                        <Badge size="xs" variant="light" color="gray">
                          {t('limits.cachingOffBadge')}
                        </Badge>
                      )}
                    </Group>
                  </Accordion.Control>
                  <Accordion.Panel>
                    <AccountBlock account={a} onView={view.set} />
                  </Accordion.Panel>
                </Accordion.Item>
              ))}
            </Accordion>
          )}
        </Stack>
      )}
    </HeadedCard>
  );
}
