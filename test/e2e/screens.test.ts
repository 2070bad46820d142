/**
 * Every screen with real data, in Chromium against the dev host: accounts (with a Bedrock bad
 * paste), models, live log, usage, settings, switching to Chinese, the 800×600 layout and the
 * dark theme. Screenshots of each go to SCREENSHOTS (docs/screenshots via `npm run screenshots`).
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BedrockMock, startBedrockMock } from '../upstreams/bedrock-mock.js';
import { type OpenAIMock, startOpenAIMock } from '../upstreams/openai-mock.js';
import { startVertexMock, type VertexMock } from '../upstreams/vertex-mock.js';
import {
  type E2eHost,
  launchBrowser,
  type OpenPage,
  openApp,
  SCREENSHOTS,
  shot,
  startE2eHost,
} from './support/harness.js';

let browser: Browser;
let e2e: E2eHost;
let vertex: VertexMock;
let openai: OpenAIMock;
let bedrock: BedrockMock;
const pages: OpenPage[] = [];

/** True when nothing sticks out sideways: the page itself never scrolls horizontally. */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

async function open(opts: Parameters<typeof openApp>[2] = {}): Promise<Page> {
  const p = await openApp(browser, e2e.host, opts);
  pages.push(p);
  await p.page.getByTestId('proxy-status').waitFor();
  return p.page;
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  vertex = await startVertexMock();
  openai = await startOpenAIMock();
  bedrock = await startBedrockMock({ region: 'us-west-2' });
  e2e = await startE2eHost();
  const sa = vertex.makeServiceAccount({ projectId: 'my-tavern' });
  const added = await e2e.api.accounts.add({
    account: {
      provider: 'vertex',
      label: 'My Google Cloud',
      serviceAccount: sa.text,
      region: 'global',
      baseUrl: vertex.url,
    },
  });
  const local = await e2e.api.accounts.add({
    account: {
      provider: 'openai-compatible',
      label: 'Local gateway',
      baseUrl: `${openai.url}/v1`,
      apiKey: 'sk-test-upstream',
    },
  });
  if (!added.ok || !local.ok) throw new Error(`setup failed: ${JSON.stringify([added, local])}`);
  const models = await e2e.api.models.update({
    models: [
      {
        id: 'claude-sonnet-4-5',
        enabled: true,
        routes: [{ account: added.value.id, model: 'claude-sonnet-4-5@20250929' }],
      },
      { id: 'gpt-4.1-nano', enabled: true, routes: [{ account: local.value.id, model: 'gpt-4.1-nano' }] },
    ],
    aliases: { claude: 'claude-sonnet-4-5' },
    defaultModel: 'claude-sonnet-4-5',
  });
  if (!models.ok) throw new Error(`models: ${JSON.stringify(models)}`);
  for (const model of ['claude-sonnet-4-5', 'gpt-4.1-nano', 'claude-sonnet-4-5']) {
    const r = await e2e.api.connect.sendTestMessage({ model });
    if (!r.ok || !r.value.ok) throw new Error(`test message: ${JSON.stringify(r)}`);
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const p of pages) await p.context.close();
  await browser?.close();
  await e2e?.close();
  await openai?.close();
  await bedrock?.close();
  await vertex?.close();
});

describe('screens with real data', () => {
  it('Accounts lists both accounts with masked secrets only, and Test answers', async () => {
    const page = await open({ hash: '#/accounts' });
    await expect.poll(() => page.getByText('My Google Cloud').count()).toBe(1);
    const html = await page.content();
    expect(html).not.toContain('sk-test-upstream');
    expect(html).not.toContain('PRIVATE KEY');
    const card = page.locator('[data-testid^="account-"]', { hasText: 'Local gateway' });
    await card.getByTestId('test-account').click();
    await expect.poll(() => card.getByText('It works').count(), { timeout: 30_000 }).toBe(1);
    await shot(page, 'accounts');
  });

  it('adding Bedrock keys: a secret pasted as the key id shows exactly what validation says', async () => {
    const page = await open({ hash: '#/accounts' });
    await page.getByTestId('add-account').click();
    await page.getByTestId('provider-bedrock').click();
    await page.getByRole('button', { name: 'Next' }).click();
    const secretLike = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    await page.evaluate((t) => navigator.clipboard.writeText(t), secretLike);
    await page.getByLabel(/^Access key ID/).click();
    await page.keyboard.press('Control+V');
    await page.getByRole('dialog').getByRole('button', { name: 'Add account' }).click();
    const expected = await e2e.api.accounts.validate({
      account: { provider: 'bedrock', accessKeyId: secretLike, region: 'us-east-1' },
    });
    if (!expected.ok) throw new Error('validate failed');
    expect(expected.value.valid).toBe(false);
    const dialog = page.getByRole('dialog');
    for (const e of expected.value.errors) {
      await expect.poll(() => dialog.getByText(e.message, { exact: false }).count()).toBeGreaterThan(0);
    }
    await shot(page, 'accounts-bedrock-bad-paste');
    const list = await e2e.api.accounts.list();
    expect(list.ok && list.value.map((a) => a.provider).sort()).toEqual(['openai-compatible', 'vertex']);

    // Then the right keys: saved, masked, and the Test reaches (the mock of) Bedrock.
    const cred = bedrock.credentials[0]!;
    await page.getByLabel(/^Access key ID/).fill(cred.accessKeyId);
    await page.getByLabel(/^Secret access key/).fill(cred.secretAccessKey);
    const region = page.getByLabel(/^Region/).first();
    await region.fill('us-west-2');
    await page.keyboard.press('Escape');
    await dialog.getByText('Advanced').click();
    await dialog.getByLabel(/^Base URL/).fill(bedrock.url);
    await dialog.getByLabel(/^Name/).fill('My AWS');
    await dialog.getByRole('button', { name: 'Add account' }).click();
    // The same window goes on: the new account is tested, then its models are offered to pick.
    const next = page.getByRole('dialog', { name: /My AWS: test and choose models/ });
    await expect.poll(() => next.getByText('It works').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => next.getByRole('checkbox').count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    const card = page.locator('[data-testid^="account-"]', { hasText: 'My AWS' });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.innerText()).toContain(`${cred.accessKeyId.slice(0, 4)}…${cred.accessKeyId.slice(-4)}`);
    expect(await page.content()).not.toContain(cred.secretAccessKey);
    await card.getByTestId('test-account').click();
    await expect.poll(() => card.getByText('It works').count(), { timeout: 30_000 }).toBe(1);
    expect(bedrock.calls.length + bedrock.seen.length).toBeGreaterThan(0);
    await shot(page, 'accounts-bedrock-added');
    await card.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => card.count()).toBe(0);
  });

  it('Models shows each account’s models with their source, the offered models, routes and aliases', async () => {
    const page = await open({ hash: '#/models' });
    await expect.poll(() => page.getByText('claude → claude-sonnet-4-5').count()).toBe(1);
    await expect
      .poll(() => page.getByText(/From the account|Built-in list|Typed by you/).count())
      .toBeGreaterThan(0);
    await page.getByRole('switch', { name: 'Offer gpt-4.1-nano' }).click({ force: true });
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => {
        const m = await e2e.api.models.get();
        return m.ok && m.value.models.find((x) => x.id === 'gpt-4.1-nano')?.enabled;
      })
      .toBe(false);
    await shot(page, 'models');
  });

  it('Live log and Usage show the requests with tokens', async () => {
    const page = await open({ hash: '#/log' });
    await expect.poll(() => page.getByTestId('log-row').count()).toBe(3);
    await page.getByLabel('Search model, account, status…').fill('gpt');
    await expect.poll(() => page.getByTestId('log-row').count()).toBe(1);
    await page.getByLabel('Search model, account, status…').fill('');
    await shot(page, 'live-log-3');
    await page.getByTestId('nav-usage').click();
    await expect.poll(() => page.getByTestId('usage-bar').count()).toBeGreaterThan(0);
    expect(await page.getByText('claude-sonnet-4-5').count()).toBeGreaterThan(0);
    await shot(page, 'usage');
  });

  it('Settings: the access key is generated, shown for copying, and removed', async () => {
    const page = await open({ hash: '#/settings' });
    await page.getByRole('button', { name: 'Generate a key' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Make a new key' }).count()).toBe(1);
    expect(await page.getByRole('textbox', { name: 'Access key' }).inputValue()).toMatch(/\S{16,}/);
    expect(await page.getByLabel(/Allow other devices on my network/).isChecked()).toBe(false);
    await shot(page, 'settings');
    const key = await e2e.api.settings.getAccessKey();
    expect(key.ok && key.value.accessKey).toBeTruthy();
    await page.getByRole('button', { name: 'Remove the key' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Generate a key' }).count()).toBe(1);
  });

  it('switching to Chinese translates the window and is remembered', async () => {
    const page = await open({ hash: '#/settings' });
    await page.getByRole('combobox', { name: 'Language' }).click();
    await page.getByRole('option', { name: '简体中文' }).click();
    await expect.poll(() => page.getByRole('heading', { name: '设置' }).count()).toBe(1);
    expect(await page.getByTestId('nav-log').innerText()).toBe('实时日志');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'settings-zh');
    await page.getByTestId('nav-connect').click();
    await expect.poll(() => page.getByRole('heading', { name: '连接 SillyTavern' }).count()).toBe(1);
    await shot(page, 'connect-zh');
    const s = await e2e.api.settings.get();
    expect(s.ok && s.value.language).toBe('zh-CN');
    const again = await open({ hash: '#/usage', locale: 'en-US' });
    await expect.poll(() => again.getByRole('heading', { name: '用量' }).count()).toBe(1);
    await e2e.api.settings.update({ language: 'system' });
  });

  it('a Chinese OS gets Chinese when the language follows the system', async () => {
    const page = await open({ hash: '#/log', locale: 'zh-CN' });
    await expect.poll(() => page.getByRole('heading', { name: '实时日志' }).count()).toBe(1);
  });

  it('at 800×600 nothing overflows sideways, in every screen', async () => {
    const page = await open({ width: 800, height: 600, hash: '#/connect' });
    // At this width the navigation folds behind the menu button.
    const go = async (screen: string) => {
      await page.getByRole('button', { name: 'Open the menu' }).click();
      await page.getByTestId(`nav-${screen}`).click();
      await page.waitForTimeout(300);
    };
    for (const screen of ['start', 'accounts', 'models', 'connect', 'log', 'usage', 'settings']) {
      await go(screen);
      expect({ screen, fits: await fitsWidth(page) }).toEqual({ screen, fits: true });
    }
    await go('start');
    await shot(page, 'first-run-800x600');
    await go('connect');
    await shot(page, 'connect-800x600');
    await go('log');
    await shot(page, 'live-log-800x600');
    await page.getByRole('button', { name: 'Open the menu' }).click();
    await shot(page, 'menu-800x600');
  });

  it('follows a dark OS theme', async () => {
    const page = await open({ hash: '#/connect', colorScheme: 'dark' });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.dataset.mantineColorScheme))
      .toBe('dark');
    await shot(page, 'connect-dark');
  });
});
