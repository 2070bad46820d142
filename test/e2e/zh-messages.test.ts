/**
 * The Chinese window, on every screen where main and proxy-core speak: a rejected credential
 * test, failing "Send a test message" (the mock upstream answers 401, then 429), a field error
 * while adding an account, the no-keychain notice, the live log's error details and a proxy
 * that cannot start because its ports are taken. Each screen must show no English sentence
 * (test/e2e/support/no-english.ts), and its screenshot goes to SCREENSHOTS (zh-*.png).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevHost, startDevHost } from '../../app/dev-host/index.js';
import type { KeytarApi } from '../../app/services/secret-vault.js';
import { memoryKeytar } from '../app/support/services.js';
import { type AnthropicMock, startAnthropicMock } from '../upstreams/anthropic-mock.js';
import {
  type E2eHost,
  launchBrowser,
  type OpenPage,
  openApp,
  ROOT,
  SCREENSHOTS,
  shot,
  startE2eHost,
} from './support/harness.js';
import { englishRuns, visibleEnglish } from './support/no-english.js';

/** What the mock upstream says in its own words: data, shown as it came. */
const UPSTREAM_WORDS = [
  'invalid x-api-key',
  'Number of request tokens has exceeded your per-minute rate limit',
];

/** A desktop without a Secret Service: every keychain call fails the way libsecret says so. */
const noSecretService: KeytarApi = (() => {
  const fail = async (): Promise<never> => {
    throw new Error('org.freedesktop.secrets was not provided by any .service files');
  };
  return { getPassword: fail, setPassword: fail, deletePassword: fail, findCredentials: fail };
})();

let browser: Browser;
let e2e: E2eHost;
let anthropic: AnthropicMock;
const pages: OpenPage[] = [];
const blockers: net.Server[] = [];
const hosts: { host: DevHost; dataDir: string }[] = [];

async function open(hash: string): Promise<Page> {
  const p = await openApp(browser, e2e.host, { hash, locale: 'zh-CN' });
  pages.push(p);
  await p.page.getByTestId('proxy-status').waitFor();
  return p.page;
}

async function expectNoEnglish(page: Page) {
  expect(await visibleEnglish(page, { allow: UPSTREAM_WORDS })).toEqual([]);
}

async function setDefaultModel(id: string) {
  const current = await e2e.api.models.get();
  if (!current.ok) throw new Error(JSON.stringify(current));
  const r = await e2e.api.models.update({ ...current.value, defaultModel: id });
  if (!r.ok) throw new Error(JSON.stringify(r));
}

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(s));
  });
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  anthropic = await startAnthropicMock();
  e2e = await startE2eHost({ keytar: noSecretService });
  const lang = await e2e.api.settings.update({ language: 'zh-CN' });
  if (!lang.ok) throw new Error(JSON.stringify(lang));
  const bad = await e2e.api.accounts.add({
    account: {
      provider: 'anthropic',
      id: 'old-claude',
      apiKey: 'sk-ant-api03-revoked-0000000000000000',
      baseUrl: anthropic.url,
    },
  });
  const good = await e2e.api.accounts.add({
    account: {
      provider: 'anthropic',
      id: 'my-claude',
      apiKey: 'sk-ant-test-upstream',
      baseUrl: anthropic.url,
    },
  });
  if (!bad.ok || !good.ok) throw new Error(`setup: ${JSON.stringify([bad, good])}`);
  const models = await e2e.api.models.update({
    models: [
      { id: 'claude-old', enabled: true, routes: [{ account: 'old-claude', model: 'claude-sonnet-4-5' }] },
      {
        id: 'claude-sonnet-4-5',
        enabled: true,
        routes: [{ account: 'my-claude', model: 'claude-sonnet-4-5' }],
      },
    ],
    aliases: {},
    defaultModel: 'claude-old',
  });
  if (!models.ok) throw new Error(`models: ${JSON.stringify(models)}`);
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const p of pages) await p.context.close();
  await browser?.close();
  for (const h of hosts) {
    await h.host.close();
    rmSync(h.dataDir, { recursive: true, force: true });
  }
  for (const s of blockers) await new Promise((r) => s.close(r));
  await e2e?.close();
  await anthropic?.close();
});

describe('the no-English check itself', () => {
  it('finds English sentences and lets names, ids, URLs and numbers through', () => {
    expect(englishRuns('代理没有在运行。')).toEqual([]);
    expect(
      englishRuns('已连接到 http://127.0.0.1:5731/v1，可用模型：2 个（claude-sonnet-4-5@20250929）'),
    ).toEqual([]);
    expect(englishRuns('在 SillyTavern 中选择 Chat Completion，Google AI Studio 的 API 密钥')).toEqual([]);
    expect(englishRuns('Anthropic 账户“my-claude”返回错误：Incorrect API key provided')).toHaveLength(1);
    expect(englishRuns('The proxy is not running.')).toHaveLength(1);
    expect(englishRuns('代理：Could not reach the proxy')).toHaveLength(1);
  });
});

describe('messages from main and proxy-core, in Chinese', () => {
  it('the no-keychain notice and a rejected credential test (Accounts)', async () => {
    const page = await open('#/accounts');
    await expect.poll(() => page.getByText('这台电脑上没有系统钥匙串').count()).toBe(1);
    expect(await page.getByText(/没有正在运行的 Secret Service/).count()).toBe(1);
    const card = page.getByTestId('account-old-claude');
    await card.getByTestId('test-account').click();
    await expect
      .poll(() => card.getByText(/Anthropic 拒绝了这个 API 密钥/).count(), { timeout: 30_000 })
      .toBe(1);
    expect(await card.innerText()).toContain('返回错误：invalid x-api-key');
    const ok = page.getByTestId('account-my-claude');
    await ok.getByTestId('test-account').click();
    await expect
      .poll(() => ok.getByText(/Anthropic 密钥可用，可用模型：\d+ 个/).count(), { timeout: 30_000 })
      .toBe(1);
    await expectNoEnglish(page);
    await shot(page, 'zh-accounts-test', { fullPage: true });
  });

  it('a field error while adding an account', async () => {
    const page = await open('#/accounts');
    await page.getByTestId('add-account').click();
    await page.getByTestId('provider-openai-compatible').click();
    await page.getByRole('button', { name: '下一步' }).click();
    const baseUrl = page.getByLabel(/^基础地址/);
    await baseUrl.fill('not a url');
    await baseUrl.blur();
    await expect
      .poll(() => page.getByText(/必须是 http:\/\/ 或 https:\/\/ 开头的网址/).count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await expectNoEnglish(page);
    await shot(page, 'zh-account-field-error', { fullPage: true });
  });

  it('a gcloud login file pasted as a Vertex key: what it is and what to do, in Chinese', async () => {
    const page = await open('#/accounts');
    await page.getByTestId('add-account').click();
    await page.getByTestId('provider-vertex').click();
    await page.getByRole('button', { name: '下一步' }).click();
    const box = page.getByRole('textbox', { name: /服务账号 JSON 密钥/ });
    await page.evaluate(
      (t) => navigator.clipboard.writeText(t),
      '{"type": "authorized_user", "client_id": "123"}',
    );
    await box.click();
    await page.keyboard.press('Control+V');
    const said = page.getByText(
      /gcloud 登录文件（类型为“authorized_user”），不是服务账号密钥 — Keybridge 需要/,
    );
    const shown = await said
      .first()
      .waitFor({ timeout: 10_000 })
      .then(() => true)
      .catch(() => false);
    if (!shown) await shot(page, 'zh-vertex-bad-paste-failed', { fullPage: true });
    expect(shown).toBe(true);
    await expectNoEnglish(page);
    await shot(page, 'zh-vertex-bad-paste', { fullPage: true });
  });

  it('"Send a test message" when the upstream answers 401, then 429', async () => {
    const page = await open('#/connect');
    await page.getByTestId('send-test-message').first().click();
    const alert = page.getByRole('alert').filter({ hasText: '测试消息失败' });
    await expect.poll(() => alert.getByText(/测试消息失败（401）/).count(), { timeout: 30_000 }).toBe(1);
    expect(await alert.innerText()).toMatch(/Anthropic 账户“old-claude”（模型 claude-sonnet-4-5）返回错误/);
    expect(await alert.innerText()).toMatch(/请到 console\.anthropic\.com 的 API 密钥页面重新复制/);
    await expectNoEnglish(page);
    await shot(page, 'zh-connect-test-401', { fullPage: true });

    await setDefaultModel('claude-sonnet-4-5');
    anthropic.failNext(429, 'rate_limit_error', UPSTREAM_WORDS[1]!, { 'retry-after': '60' });
    await page.getByTestId('send-test-message').first().click();
    await expect.poll(() => alert.getByText(/测试消息失败（429）/).count(), { timeout: 30_000 }).toBe(1);
    expect(await alert.innerText()).toMatch(/速率限制|限流/);
    await expectNoEnglish(page);
    await shot(page, 'zh-connect-test-429', { fullPage: true });
  });

  it('the live log shows the failed requests’ errors in Chinese', async () => {
    const page = await open('#/log');
    const rows = page.getByTestId('log-row');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    await expectNoEnglish(page);
    await shot(page, 'zh-live-log', { fullPage: true });
    await rows.filter({ hasText: '401' }).first().click();
    const drawer = page.getByRole('dialog');
    await expect.poll(() => drawer.count()).toBe(1);
    await expect.poll(() => drawer.getByText(/Anthropic 拒绝了这个 API 密钥/).count()).toBeGreaterThan(0);
    await expectNoEnglish(page);
    await shot(page, 'zh-live-log-detail', { fullPage: true });
  });

  it('a proxy that cannot start because every port it may use is taken', async () => {
    // ten ports in a row, all held by "another program"
    let base = 0;
    for (let tries = 0; tries < 20 && blockers.length < 10; tries++) {
      base = 20_000 + Math.floor(Math.random() * 30_000);
      for (const s of blockers.splice(0)) s.close();
      for (let p = base; p < base + 10; p++) {
        const s = await listen(p).catch(() => null);
        if (!s) break;
        blockers.push(s);
      }
    }
    expect(blockers).toHaveLength(10);
    // A second Keybridge whose port (and the nine after it) are taken when it starts.
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kb-e2e-ports-'));
    const host = await startDevHost({
      port: 0,
      dataDir,
      rendererDir: path.join(ROOT, 'renderer', 'dist'),
      services: { keytar: memoryKeytar(), port: base, drainMs: 100 },
      log: () => {},
    });
    hosts.push({ host, dataDir });
    const p = await openApp(browser, host, { hash: '#/settings', locale: 'zh-CN' });
    pages.push(p);
    const page = p.page;
    await page.getByTestId('proxy-status').waitFor();
    await expect
      .poll(() => page.getByText(`端口 ${base} 到 ${base + 9} 都被其他程序占用了，代理无法启动。`).count())
      .toBe(1);
    await expectNoEnglish(page);
    await shot(page, 'zh-port-taken', { fullPage: true });
  });
});
