// @vitest-environment jsdom
import './support/dom.js';
import { screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from './support/render.js';

describe('settings', () => {
  it('LAN access is off by default; turning it on without a key shows main’s reason under the switch', async () => {
    const user = userEvent.setup();
    const app = renderApp('settings');
    const lan = (await screen.findByLabelText(/Allow other devices on my network/)) as HTMLInputElement;
    expect(lan.checked).toBe(false);
    await user.click(lan);
    expect(await screen.findByText('This value needs an access key first.')).toBeTruthy();
    expect(app.state.settings.lan).toBe(false);
  });

  it('with a key, LAN turns on and the warning appears', async () => {
    const user = userEvent.setup();
    const app = renderApp('settings');
    await user.click(await screen.findByRole('button', { name: 'Generate a key' }));
    expect(await screen.findByDisplayValue('kb-6f1c2a9d8e7b4c3a2f1e0d9c')).toBeTruthy();
    await user.click(screen.getByLabelText(/Allow other devices on my network/));
    expect(await screen.findByText('Visible on your network')).toBeTruthy();
    expect(app.state.settings.lan).toBe(true);
  });

  it('a bad port is refused with the schema’s message before anything is sent', async () => {
    const user = userEvent.setup();
    const app = renderApp('settings');
    const port = await screen.findByLabelText(/^Port/);
    await user.clear(port);
    await user.type(port, '80{Enter}');
    expect(await screen.findByText('This value must be 1024 or higher.')).toBeTruthy();
    expect(app.calls.some(([m]) => m === 'settings.update')).toBe(false);
  });

  it('a custom outbound proxy must be an http or socks5 URL', async () => {
    const user = userEvent.setup();
    const app = renderApp('settings');
    await user.click(await screen.findByRole('radio', { name: 'Custom proxy' }));
    await user.type(await screen.findByLabelText('Proxy address'), 'ftp://nope');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText(/must be an http:\/\/, https:\/\/ or socks5:\/\/ URL/)).toBeTruthy();
    await user.clear(screen.getByLabelText('Proxy address'));
    await user.type(screen.getByLabelText('Proxy address'), 'socks5://127.0.0.1:1080');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(app.state.settings.outboundProxy).toEqual({ mode: 'custom', url: 'socks5://127.0.0.1:1080' }),
    );
  });

  it('choosing 简体中文 switches the whole window to Chinese and saves the choice', async () => {
    const user = userEvent.setup();
    const app = renderApp('settings');
    await user.click(await screen.findByRole('combobox', { name: 'Language' }));
    await user.click(await screen.findByRole('option', { name: '简体中文', hidden: true }));
    expect(await screen.findByRole('heading', { name: '设置' })).toBeTruthy();
    expect(screen.getByText('实时日志')).toBeTruthy();
    expect(app.state.settings.language).toBe('zh-CN');
  });

  it('follows a Chinese OS when the language is "system"', async () => {
    renderApp(
      'usage',
      {
        settings: {
          port: 5731,
          requireAccessKey: false,
          lan: false,
          allowedOrigins: [],
          outboundProxy: { mode: 'system' },
          launchAtLogin: false,
          language: 'system',
          theme: 'system',
          logBodies: false,
          logMaxRecords: 1000,
          usageRetentionDays: 90,
          hasAccessKey: false,
        },
      },
      'zh-CN',
    );
    expect(await screen.findByRole('heading', { name: '用量' })).toBeTruthy();
    expect(await screen.findAllByTestId('usage-bar')).toHaveLength(3);
  });
});
