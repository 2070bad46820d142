// @vitest-environment jsdom
import './support/dom.js';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Notice, SettingsView } from '../../app/contract/index.js';
import { renderApp } from './support/render.js';

const FILE = '/home/me/.config/Keybridge/secrets.json';

function settings(over: Partial<SettingsView> = {}): SettingsView {
  return {
    port: 5731,
    requireAccessKey: false,
    lan: false,
    allowedOrigins: [],
    outboundProxy: { mode: 'system' },
    launchAtLogin: false,
    language: 'system',
    theme: 'light',
    logBodies: false,
    logMaxRecords: 1000,
    usageRetentionDays: 90,
    hasAccessKey: false,
    secretStorage: { backend: 'session', noKeychainReason: 'no-service', file: FILE },
    ...over,
  };
}

/** The notice main raises with no keychain (its English text is for the log; the window shows its own). */
const noKeychainNotice: Notice = {
  id: 'no-keychain',
  level: 'warning',
  message:
    'No system keychain is available: no Secret Service is running. Credentials are kept only until Keybridge quits.',
  hint: 'Install and unlock a Secret Service keyring…',
  time: '2026-12-01T10:00:00.000Z',
};

describe('where keys are kept, in Settings', () => {
  it('with a keychain, says so and offers no choice', async () => {
    renderApp('settings', { settings: settings({ secretStorage: { backend: 'keychain' } }) });
    expect(await screen.findByText('Your keys are in the system keychain.')).toBeTruthy();
    expect(screen.queryByRole('radio', { name: 'A file only you can read' })).toBeNull();
  });

  it('with no keychain, says why, and the file option is opt-in and saved', async () => {
    const user = userEvent.setup();
    const app = renderApp('settings', { settings: settings() });
    expect(await screen.findByText('No Secret Service (GNOME Keyring or KWallet) is running.')).toBeTruthy();
    expect(screen.getByTestId('key-storage-now').textContent).toBe(
      'Keys are kept for this session only: they are forgotten when Keybridge quits.',
    );
    const session = screen.getByRole('radio', { name: 'This session only' }) as HTMLInputElement;
    const file = screen.getByRole('radio', { name: 'A file only you can read' }) as HTMLInputElement;
    expect(session.checked).toBe(true);
    expect(file.checked).toBe(false);
    // The file, its privacy and its risk are stated before choosing it.
    expect(
      screen.getByText(
        new RegExp(`${FILE.replaceAll('.', '\\.')} \\(readable by your user only, mode 0600\\)`),
      ),
    ).toBeTruthy();

    await user.click(file);
    await waitFor(() => expect(app.state.settings.keysWithoutKeychain).toBe('file'));
    expect(app.calls).toContainEqual(['settings.update', { keysWithoutKeychain: 'file' }]);
    await waitFor(() =>
      expect(screen.getByTestId('key-storage-now').textContent).toBe(
        `Keys are kept in ${FILE}, a file only you can read.`,
      ),
    );
    expect(
      (screen.getByRole('radio', { name: 'A file only you can read' }) as HTMLInputElement).checked,
    ).toBe(true);

    await user.click(screen.getByRole('radio', { name: 'This session only' }));
    await waitFor(() => expect(app.state.settings.keysWithoutKeychain).toBe('session'));
  });
});

describe('the no-keychain notice', () => {
  it('in English: what is missing, where the keys are, and the choice', async () => {
    const user = userEvent.setup();
    const app = renderApp('connect', { settings: settings(), notices: [noKeychainNotice] });
    const notice = await screen.findByTestId('notice-no-keychain');
    const n = within(notice);
    expect(n.getByText('No system keychain on this computer')).toBeTruthy();
    expect(n.getByText('No Secret Service (GNOME Keyring or KWallet) is running.')).toBeTruthy();
    expect(
      n.getByText('Keys are kept for this session only: they are forgotten when Keybridge quits.'),
    ).toBeTruthy();
    await user.click(n.getByRole('radio', { name: 'A file only you can read' }));
    await waitFor(() => expect(app.state.settings.keysWithoutKeychain).toBe('file'));
    expect(await n.findByText(`Keys are kept in ${FILE}, a file only you can read.`)).toBeTruthy();
    await user.click(n.getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(screen.queryByTestId('notice-no-keychain')).toBeNull());
    expect(app.state.notices).toEqual([]);
  });

  it('in Chinese: the same, in Chinese, with no English sentence from main', async () => {
    renderApp('connect', { settings: settings({ language: 'zh-CN' }), notices: [noKeychainNotice] }, 'zh-CN');
    const notice = await screen.findByTestId('notice-no-keychain');
    const n = within(notice);
    expect(await n.findByText('这台电脑上没有系统钥匙串')).toBeTruthy();
    expect(n.getByText('没有正在运行的 Secret Service（GNOME Keyring 或 KWallet）。')).toBeTruthy();
    expect(n.getByText('密钥仅在本次运行中保存，Keybridge 退出后就会丢失。')).toBeTruthy();
    expect(n.getByRole('radio', { name: '仅限本次运行' })).toBeTruthy();
    expect(n.getByRole('radio', { name: '只有你能读取的文件' })).toBeTruthy();
    expect(notice.textContent).not.toContain('No system keychain');
    expect(notice.textContent).not.toContain('Credentials are kept');
  });

  it('with a keychain, the notice is not shown', async () => {
    renderApp('connect', {
      settings: settings({ secretStorage: { backend: 'keychain' } }),
      notices: [noKeychainNotice],
    });
    expect(await screen.findByRole('heading', { name: 'Connect SillyTavern' })).toBeTruthy();
    expect(screen.queryByTestId('notice-no-keychain')).toBeNull();
  });
});
