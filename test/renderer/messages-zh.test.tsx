// @vitest-environment jsdom
import './support/dom.js';
import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { sampleSettings } from './support/fake-keybridge.js';
import { renderApp } from './support/render.js';

const models = {
  models: [
    {
      id: 'claude-sonnet-4-5',
      enabled: true,
      routes: [{ account: 'my-claude', model: 'claude-sonnet-4-5' }],
    },
  ],
  aliases: {},
  defaultModel: 'claude-sonnet-4-5',
};

const settings = sampleSettings({ language: 'zh-CN', theme: 'system' });

describe('messages from main in the Chinese window', () => {
  it('a failed test message shows our sentence and hint in Chinese, the provider’s words as they came', async () => {
    const user = userEvent.setup();
    const app = renderApp('connect', { models, settings }, 'zh-CN');
    app.override('connect.sendTestMessage', () => ({
      ok: false,
      status: 401,
      latencyMs: 30,
      model: 'claude-sonnet-4-5',
      error: 'Anthropic account "my-claude" (model claude-sonnet-4-5): invalid x-api-key',
      hint: 'The Anthropic API key was rejected: copy it again from console.anthropic.com → API keys (it starts with sk-ant-).',
      errorRef: {
        code: 'upstreamSaidModel',
        params: {
          provider: 'Anthropic',
          account: 'my-claude',
          model: 'claude-sonnet-4-5',
          detail: 'invalid x-api-key',
        },
      },
      hintRef: { code: 'anthropicHintKey' },
    }));
    await user.click(await screen.findByTestId('send-test-message'));
    const alert = await screen.findByRole('alert');
    expect(
      within(alert).getByText(
        'Anthropic 账户“my-claude”（模型 claude-sonnet-4-5）返回错误：invalid x-api-key',
      ),
    ).toBeTruthy();
    expect(within(alert).getByText(/Anthropic 拒绝了这个 API 密钥/)).toBeTruthy();
    expect(alert.textContent).not.toMatch(/was rejected|copy it again/);
  });

  it('a message whose code the window does not know is shown in English rather than lost', async () => {
    const user = userEvent.setup();
    const app = renderApp('connect', { models, settings }, 'zh-CN');
    app.override('connect.sendTestMessage', () => ({
      ok: false,
      status: 500,
      latencyMs: 3,
      error: 'Something only a newer Keybridge says.',
      errorRef: { code: 'fromTheFuture' },
    }));
    await user.click(await screen.findByTestId('send-test-message'));
    expect(await screen.findByText('Something only a newer Keybridge says.')).toBeTruthy();
  });

  it('notices and the proxy error are in Chinese', async () => {
    const app = renderApp(
      'settings',
      {
        settings,
        notices: [
          {
            id: 'settings-newer',
            level: 'warning',
            message:
              'Your settings were saved by a newer version of Keybridge, so this version started with default settings.',
            hint: 'The newer file was kept as settings.newer.json. Update Keybridge to get your settings back.',
            messageRef: { code: 'settingsNewer' },
            hintRef: { code: 'settingsNewerHint', params: { file: 'settings.newer.json' } },
            time: '2026-11-23T10:00:00.000Z',
          },
        ],
      },
      'zh-CN',
    );
    expect(await screen.findByText(/你的设置是由更新版本的 Keybridge 保存的/)).toBeTruthy();
    expect(
      screen.getByText('较新的文件已另存为 settings.newer.json。更新 Keybridge 即可找回你的设置。'),
    ).toBeTruthy();
    app.emit('status.changed', {
      state: 'error',
      error: 'Ports 5731 to 5740 are all in use by other programs, so the proxy could not start.',
      hint: 'Close the program using that port, or choose another port in Settings.',
      errorRef: { code: 'portsAllTaken', params: { from: 5731, to: 5740 } },
      hintRef: { code: 'portsAllTakenHint' },
      stats: { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, activeStreams: 0 },
    });
    expect(await screen.findByText('端口 5731 到 5740 都被其他程序占用了，代理无法启动。')).toBeTruthy();
    expect(screen.queryByText(/are all in use/)).toBeNull();
  });

  it('a call error lists its field errors in Chinese instead of an English hint made of them', async () => {
    const app = renderApp('connect', { models, settings }, 'zh-CN');
    app.override('connect.info', () => ({
      __error: {
        code: 'invalid_models',
        message: 'Some model settings need attention.',
        hint: 'defaultModel "gpt-x" is not one of your models',
        messageRef: { code: 'modelsNeedAttention' },
        fields: [
          {
            path: 'defaultModel',
            message: '"gpt-x" is not one of your models',
            messageRef: { code: 'fieldDefaultUnknown', params: { model: 'gpt-x' } },
          },
        ],
      },
    }));
    // the page reloads what it shows when the proxy's status changes
    app.emit('status.changed', {
      state: 'running',
      url: 'http://127.0.0.1:5731/v1',
      stats: { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, activeStreams: 0 },
    });
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('有些模型设置需要修改。')).toBeTruthy();
    expect(alert.textContent).toContain('defaultModel: “gpt-x”不在你的模型里');
    expect(alert.textContent).not.toMatch(/is not one of your models/);
  });
});
