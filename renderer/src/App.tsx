/**
 * The window: header (proxy status), navigation, notices, and the current screen. The screen is
 * kept in the URL hash (#/accounts…) so reloads and links land on the same page.
 */
import { Alert, AppShell, Burger, Center, Group, Loader, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Notice, SettingsView } from '../../app/contract/index.js';
import { useApi } from './api/context.js';
import { useEvent, useLoad } from './api/hooks.js';
import { StatusControl } from './components/StatusControl.js';
import { useMessage } from './i18n/messages.js';

// Each screen is its own chunk, loaded when first opened: the first screen stays light.
const AccountsScreen = lazy(() =>
  import('./screens/AccountsScreen.js').then((m) => ({ default: m.AccountsScreen })),
);
const ConnectScreen = lazy(() =>
  import('./screens/ConnectScreen.js').then((m) => ({ default: m.ConnectScreen })),
);
const FirstRunScreen = lazy(() =>
  import('./screens/FirstRunScreen.js').then((m) => ({ default: m.FirstRunScreen })),
);
const LiveLogScreen = lazy(() =>
  import('./screens/LiveLogScreen.js').then((m) => ({ default: m.LiveLogScreen })),
);
const ModelsScreen = lazy(() =>
  import('./screens/ModelsScreen.js').then((m) => ({ default: m.ModelsScreen })),
);
const SettingsScreen = lazy(() =>
  import('./screens/SettingsScreen.js').then((m) => ({ default: m.SettingsScreen })),
);
// The no-keychain notice with its storage choice (rare: loaded only when raised).
const NoKeychainNotice = lazy(() =>
  import('./components/KeyStorage.js').then((m) => ({ default: m.NoKeychainNotice })),
);
const ShareScreen = lazy(() => import('./screens/ShareScreen.js').then((m) => ({ default: m.ShareScreen })));
// The spend-limit banner (only loaded when a limit is at 80 % or used up).
const LimitAlerts = lazy(() => import('./components/LimitBars.js').then((m) => ({ default: m.LimitAlerts })));
const UsageScreen = lazy(() => import('./screens/UsageScreen.js').then((m) => ({ default: m.UsageScreen })));

export const SCREENS = [
  'start',
  'accounts',
  'models',
  'connect',
  'share',
  'log',
  'usage',
  'settings',
] as const;
export type Screen = (typeof SCREENS)[number];

function screenFromHash(hash: string): Screen | null {
  const name = hash.replace(/^#\/?/, '');
  return (SCREENS as readonly string[]).includes(name) ? (name as Screen) : null;
}

function Notices() {
  const { t } = useTranslation();
  const msg = useMessage();
  const api = useApi();
  const notices = useLoad('app.notices');
  useEvent('notices.changed', (n) => notices.set(n));
  const list: Notice[] = notices.data ?? [];
  if (!list.length) return null;
  return (
    <Stack gap="xs" mb="md">
      {list.map((n) =>
        n.id === 'no-keychain' ? (
          <Suspense key={n.id} fallback={null}>
            <NoKeychainNotice
              closeLabel={t('common.dismiss')}
              onClose={async () => {
                const r = await api.app.dismissNotice({ id: n.id });
                if (r.ok) notices.set(r.value);
              }}
            />
          </Suspense>
        ) : (
          <Alert
            key={n.id}
            color={n.level === 'error' ? 'red' : n.level === 'warning' ? 'orange' : 'blue'}
            variant="light"
            withCloseButton
            closeButtonLabel={t('common.dismiss')}
            onClose={async () => {
              const r = await api.app.dismissNotice({ id: n.id });
              if (r.ok) notices.set(r.value);
            }}
            title={msg(n.message, n.messageRef)}
          >
            {msg(n.hint, n.hintRef)}
          </Alert>
        ),
      )}
    </Stack>
  );
}

/** Spend limits at 80 % or used up: a banner on every screen (its code loads only when one is). */
function LimitWarnings() {
  const status = useLoad('limits.status');
  useEvent('limits.changed', (s) => status.set(s));
  useEvent('request.record', () => void status.reload());
  useEvent('status.changed', () => void status.reload());
  const attention = (status.data?.statuses ?? []).filter((l) => l.state !== 'ok');
  if (!attention.length) return null;
  return (
    <Suspense fallback={null}>
      <LimitAlerts attention={attention} />
    </Suspense>
  );
}

export function App({
  onSettings,
  connected = true,
}: {
  onSettings?: (s: SettingsView) => void;
  connected?: boolean;
}) {
  const { t } = useTranslation();
  const msg = useMessage();
  const [opened, { toggle, close }] = useDisclosure();
  const status = useLoad('proxy.status');
  useEvent('status.changed', (s) => status.set(s));
  useEvent('settings.changed', (s) => onSettings?.(s));
  const [screen, setScreen] = useState<Screen | null>(() => screenFromHash(window.location.hash));
  const accounts = useLoad('accounts.list');

  // First visit with no account: start with the guided path.
  useEffect(() => {
    if (screen === null && accounts.data) setScreen(accounts.data.length === 0 ? 'start' : 'connect');
  }, [screen, accounts.data]);
  useEffect(() => {
    const onHash = () => {
      const s = screenFromHash(window.location.hash);
      if (s) setScreen(s);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const go = (s: Screen) => {
    setScreen(s);
    if (window.location.hash !== `#/${s}`) window.history.replaceState(null, '', `#/${s}`);
    close();
  };

  return (
    <AppShell
      header={{ height: 52 }}
      navbar={{ width: 190, breakpoint: 'md', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label={t('nav.menu')} />
            <Title order={3} size="h4">
              Keybridge
            </Title>
          </Group>
          <StatusControl status={status.data} onStatus={status.set} />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {/* Native scrolling: Mantine's ScrollArea would add its code to every first screen. */}
        <AppShell.Section grow style={{ overflowY: 'auto' }}>
          <nav aria-label={t('nav.label')}>
            {SCREENS.map((s) => (
              <NavLink
                key={s}
                href={`#/${s}`}
                label={t(`nav.${s}`)}
                active={screen === s}
                onClick={(e) => {
                  e.preventDefault();
                  go(s);
                }}
                data-testid={`nav-${s}`}
              />
            ))}
          </nav>
        </AppShell.Section>
        {status.data?.url && (
          <AppShell.Section>
            <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
              {status.data.url}
            </Text>
          </AppShell.Section>
        )}
      </AppShell.Navbar>
      <AppShell.Main>
        {!connected && (
          <Alert color="red" variant="filled" mb="md" title={t('app.disconnected')}>
            {t('app.disconnectedHint')}
          </Alert>
        )}
        {status.data?.state === 'error' && (
          <Alert
            color="red"
            variant="light"
            mb="md"
            title={msg(status.data.error, status.data.errorRef) ?? t('status.error')}
          >
            {msg(status.data.hint, status.data.hintRef)}
          </Alert>
        )}
        {status.data?.portNote && (
          <Alert color="blue" variant="light" mb="md">
            {msg(status.data.portNote, status.data.portNoteRef)}
          </Alert>
        )}
        <Notices />
        <LimitWarnings />
        <Suspense
          fallback={
            <Center mih={120}>
              <Loader size="sm" aria-label={t('common.loading')} />
            </Center>
          }
        >
          {screen === 'start' && <FirstRunScreen onFinish={() => go('connect')} />}
          {screen === 'accounts' && <AccountsScreen />}
          {screen === 'models' && <ModelsScreen />}
          {screen === 'connect' && <ConnectScreen />}
          {screen === 'share' && <ShareScreen />}
          {screen === 'log' && <LiveLogScreen />}
          {screen === 'usage' && <UsageScreen />}
          {screen === 'settings' && <SettingsScreen {...(onSettings ? { onSettings } : {})} />}
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
