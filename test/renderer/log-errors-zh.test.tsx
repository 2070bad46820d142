// @vitest-environment jsdom
import './support/dom.js';
import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { sampleRecord, sampleSettings } from './support/fake-keybridge.js';
import { renderApp } from './support/render.js';

// A request record as the proxy writes it (test/proxy-core/server/errors-in-chinese.test.ts):
// every key of the account cooling down, after an attempt that could not reach the outbound proxy.
const cooling = sampleRecord({
  id: 'cool-1',
  publicModel: 'busy-model',
  account: 'busy-acct',
  provider: 'openai-compatible',
  status: 429,
  usage: undefined,
  costUsd: undefined,
  error: {
    status: 429,
    kind: 'rate_limit',
    message: 'Every key of account "busy-acct" is rate-limited or out of quota (next one free in 30 s)',
    hint: 'Wait a little, add another key or account to this model, or raise your quota with the provider.',
    messageRef: { code: 'keysAllCooling', params: { account: 'busy-acct', seconds: 30 } },
    hintRef: { code: 'keysAllCoolingHint' },
  },
  attempts: [
    {
      account: 'busy-acct',
      provider: 'openai-compatible',
      upstreamModel: 'busy',
      status: 502,
      latencyMs: 12,
      error: {
        status: 502,
        kind: 'upstream',
        message: 'openai-compatible account "busy-acct": The proxy at 127.0.0.1:3128 refused the connection',
        hint: 'Check the proxy address and that the proxy is running, or turn the proxy off in the settings.',
        messageRef: { code: 'proxyRefused', params: { where: '127.0.0.1:3128' } },
        hintRef: { code: 'proxyCheckHint' },
      },
    },
  ],
});

const settings = sampleSettings({ language: 'zh-CN', theme: 'system' });

describe('the live log in Chinese', () => {
  it('the detail drawer says the proxy’s errors and hints in Chinese, not English', async () => {
    const user = userEvent.setup();
    renderApp('log', { log: [cooling], settings }, 'zh-CN');
    await user.click(await screen.findByText('busy-model'));
    const drawer = await screen.findByRole('dialog');
    expect(
      within(drawer).getAllByText(/账户“busy-acct”的所有密钥都被限流或额度已用完（30 秒后有一个可以再用）/)
        .length,
    ).toBeGreaterThan(0);
    expect(within(drawer).getAllByText(/请稍等片刻，为这个模型再添加一个密钥或账户/).length).toBeGreaterThan(
      0,
    );
    expect(within(drawer).getByText(/位于 127\.0\.0\.1:3128 的代理拒绝了连接/)).toBeTruthy();
    expect(within(drawer).getByText(/请检查代理地址是否正确、代理是否在运行/)).toBeTruthy();
    expect(drawer.textContent).not.toMatch(
      /rate-limited or out of quota|refused the connection|Wait a little/,
    );
  });
});
