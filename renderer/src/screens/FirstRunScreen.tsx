/**
 * The guided first run: choose a provider → paste or drop the credential → test it → pick models
 * → the "Connect SillyTavern" page. Each step shows progress and a plain-words result.
 *
 * A reload resumes where the user was: the step, the provider and the non-secret part of the
 * form are kept in this tab's sessionStorage (never a key: a secret typed before saving has to
 * be typed again; after saving, the saved account is what resumes).
 */
import { Button, Center, Group, Loader, Stack, Stepper, Text } from '@mantine/core';
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountTestResult, AccountView, ProviderKind } from '../../../app/contract/index.js';
import { useLoad } from '../api/hooks.js';
import { Heading } from '../components/Heading.js';
import { ProviderPicker } from '../components/ProviderPicker.js';
import {
  type FormValues,
  formProviderFor,
  PICKABLE_PROVIDERS,
  type PickableProvider,
  PROVIDER_FIELDS,
} from '../providers.js';

// The steps after the provider are loaded when the user gets near them: the first step stays
// light, and each step's code is fetched while the user is still on the step before it.
const STEP_CODE = [
  () => import('../components/AccountForm.js'),
  () => import('../components/AccountTest.js'),
  () => import('../components/AccountModelPicker.js'),
  () => import('../components/ConnectPanel.js'),
] as const;
const AccountForm = lazy(() => STEP_CODE[0]().then((m) => ({ default: m.AccountForm })));
const AccountTest = lazy(() => STEP_CODE[1]().then((m) => ({ default: m.AccountTest })));
const AccountModelPicker = lazy(() => STEP_CODE[2]().then((m) => ({ default: m.AccountModelPicker })));
const ConnectPanel = lazy(() => STEP_CODE[3]().then((m) => ({ default: m.ConnectPanel })));

/** A step whose code is still loading: a spinner in a box of the step's usual height. */
function StepLoading({ children, height = 240 }: { children: ReactNode; height?: number }) {
  const { t } = useTranslation();
  return (
    <Suspense
      fallback={
        <Center mih={height}>
          <Loader size="sm" aria-label={t('common.loading')} />
        </Center>
      }
    >
      {children}
    </Suspense>
  );
}

/** Where the first run keeps its progress (this tab only; no secrets). */
export const FIRST_RUN_PROGRESS_KEY = 'keybridge.firstRun';

export interface FirstRunProgress {
  step: number;
  provider: PickableProvider | null;
  kind?: ProviderKind;
  /** The form's non-secret values (label, region, address…). */
  values?: FormValues;
  /** The account saved by this run, once there is one. */
  accountId?: string;
}

function readProgress(): FirstRunProgress | null {
  try {
    const raw = window.sessionStorage.getItem(FIRST_RUN_PROGRESS_KEY);
    if (!raw) return null;
    const p = JSON.parse(raw) as Partial<FirstRunProgress>;
    const provider = (PICKABLE_PROVIDERS as readonly string[]).includes(String(p.provider))
      ? (p.provider as PickableProvider)
      : null;
    const step = typeof p.step === 'number' && p.step >= 0 && p.step <= 4 ? Math.floor(p.step) : 0;
    return {
      step: provider ? step : 0,
      provider,
      ...(typeof p.kind === 'string' ? { kind: p.kind as ProviderKind } : {}),
      ...(p.values && typeof p.values === 'object' ? { values: publicValues(provider, p.values) } : {}),
      ...(typeof p.accountId === 'string' ? { accountId: p.accountId } : {}),
    };
  } catch {
    return null;
  }
}

function writeProgress(p: FirstRunProgress | null): void {
  try {
    if (p) window.sessionStorage.setItem(FIRST_RUN_PROGRESS_KEY, JSON.stringify(p));
    else window.sessionStorage.removeItem(FIRST_RUN_PROGRESS_KEY);
  } catch {
    // Storage switched off: the run simply does not resume.
  }
}

/** The values of a form without its secret fields (what may be kept in the tab's storage). */
function publicValues(provider: PickableProvider | null, values: FormValues): FormValues {
  if (!provider) return {};
  const out: FormValues = {};
  for (const f of PROVIDER_FIELDS[provider]) {
    if (f.kind === 'secret' || f.kind === 'json-secret') continue;
    const v = values[f.name];
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) out[f.name] = v;
  }
  return out;
}

export function FirstRunScreen({ onFinish }: { onFinish: () => void }) {
  const { t } = useTranslation();
  const [resumed] = useState(readProgress);
  const [step, setStep] = useState(resumed?.accountId ? 0 : (resumed?.step ?? 0));
  const [provider, setProvider] = useState<PickableProvider | null>(resumed?.provider ?? null);
  const [account, setAccount] = useState<AccountView | null>(null);
  const [test, setTest] = useState<AccountTestResult | null>(null);
  /** How the credential form starts: a resumed draft, or what a provider switch carried over. */
  const [seed, setSeed] = useState<{ kind?: ProviderKind; values?: FormValues } | null>(
    resumed && !resumed.accountId
      ? { ...(resumed.kind ? { kind: resumed.kind } : {}), values: resumed.values ?? {} }
      : null,
  );
  const [formKey, setFormKey] = useState(0);
  const [draft, setDraft] = useState<{ kind: ProviderKind; values: FormValues } | null>(null);
  const accounts = useLoad('accounts.list');
  const [restoring, setRestoring] = useState(Boolean(resumed?.accountId));

  // The window lands here again after a reload (the start screen is the URL's).
  useEffect(() => {
    if (window.location.hash !== '#/start') window.history.replaceState(null, '', '#/start');
  }, []);

  // Resume with the saved account (or, if it was removed meanwhile, at the credential step).
  useEffect(() => {
    if (!restoring || !resumed?.accountId || (!accounts.data && !accounts.error)) return;
    const found = accounts.data?.find((a) => a.id === resumed.accountId);
    if (found) {
      setAccount(found);
      setProvider(formProviderFor(found.provider));
      setStep(Math.max(2, resumed.step));
    } else {
      setStep(resumed.provider ? 1 : 0);
    }
    setRestoring(false);
  }, [restoring, resumed, accounts.data, accounts.error]);

  useEffect(() => {
    if (restoring) return;
    writeProgress({
      step,
      provider,
      ...(draft && !account ? { kind: draft.kind, values: publicValues(provider, draft.values) } : {}),
      ...(account ? { accountId: account.id } : {}),
    });
  }, [restoring, step, provider, draft, account]);

  // The next step's code comes while the user is busy with this one (once a provider is picked).
  useEffect(() => {
    if (!provider || restoring) return;
    const next = STEP_CODE[step];
    if (next) void next().catch(() => {});
  }, [provider, restoring, step]);

  const onSaved = useCallback((a: AccountView) => {
    setAccount(a);
    setTest(null);
    setStep(2);
  }, []);
  const onTest = useCallback((r: AccountTestResult | null) => setTest(r), []);
  const onDraftChange = useCallback(
    (kind: ProviderKind, values: FormValues) => setDraft({ kind, values }),
    [],
  );
  const switchProvider = useCallback((form: PickableProvider, kind: ProviderKind, values: FormValues) => {
    setProvider(form);
    setSeed({ kind, values });
    setFormKey((k) => k + 1);
  }, []);
  const chooseProvider = (p: PickableProvider) => {
    if (p !== provider) {
      setSeed(null);
      setFormKey((k) => k + 1);
    }
    setProvider(p);
  };

  if (restoring) return <Loader size="sm" aria-label={t('common.loading')} />;

  return (
    <Stack>
      <div>
        <Heading title={t('firstRun.title')} help={t('firstRun.subtitle')} />
      </div>
      <Stepper
        active={step}
        onStepClick={(s) => s < step && setStep(s)}
        size="sm"
        allowNextStepsSelect={false}
      >
        <Stepper.Step label={t('firstRun.steps.provider')}>
          <Stack>
            <ProviderPicker value={provider} onChange={chooseProvider} />
            <Group justify="flex-end">
              <Button disabled={!provider} onClick={() => setStep(1)} data-testid="provider-next">
                {t('common.next')}
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label={t('firstRun.steps.credential')}>
          {provider && (
            <Stack>
              <Text size="sm">{t(`firstRun.credentialHelp.${provider}`)}</Text>
              <StepLoading>
                {account && formProviderFor(account.provider) === provider ? (
                  <AccountForm
                    key={account.id}
                    account={account}
                    onSaved={onSaved}
                    onCancel={() => setStep(2)}
                    submitLabel={t('firstRun.saveAndTest')}
                  />
                ) : (
                  <AccountForm
                    key={`${provider}:${formKey}`}
                    provider={provider}
                    {...(seed ? { initial: seed } : {})}
                    onSaved={onSaved}
                    onCancel={() => setStep(0)}
                    onSwitchProvider={switchProvider}
                    onDraftChange={onDraftChange}
                    submitLabel={t('firstRun.saveAndTest')}
                  />
                )}
              </StepLoading>
            </Stack>
          )}
        </Stepper.Step>
        <Stepper.Step label={t('firstRun.steps.test')}>
          {account && (
            <Stack>
              <Text size="sm">{t('firstRun.testHelp')}</Text>
              <StepLoading height={120}>
                <AccountTest accountId={account.id} auto onResult={onTest} />
              </StepLoading>
              <Group justify="space-between">
                <Button variant="default" onClick={() => setStep(1)}>
                  {t('firstRun.editCredential')}
                </Button>
                <Button disabled={!test?.ok} onClick={() => setStep(3)} data-testid="test-continue">
                  {t('common.next')}
                </Button>
              </Group>
            </Stack>
          )}
        </Stepper.Step>
        <Stepper.Step label={t('firstRun.steps.models')}>
          {account && (
            <StepLoading>
              <AccountModelPicker account={account} onDone={() => setStep(4)} onBack={() => setStep(1)} />
            </StepLoading>
          )}
        </Stepper.Step>
        <Stepper.Step label={t('firstRun.steps.connect')}>
          <Stack>
            <Text size="sm">{t('firstRun.connectHelp')}</Text>
            <StepLoading>
              <ConnectPanel />
            </StepLoading>
            <Group justify="flex-end">
              <Button
                onClick={() => {
                  writeProgress(null);
                  onFinish();
                }}
                data-testid="first-run-done"
              >
                {t('firstRun.done')}
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
      </Stepper>
    </Stack>
  );
}
