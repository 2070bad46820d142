/**
 * The journey a new user makes, in real Chromium against the dev host with the real services and
 * proxy: a Vertex service-account JSON pasted in the first-run path, tested against the Vertex
 * mock, a model picked, the Connect values copied, a test message answered and seen in the live
 * log with its tokens. Screenshots of each screen go to SCREENSHOTS (docs/screenshots via `npm run screenshots`).
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let app: OpenPage;
let page: Page;

/** Saves a screenshot once Mantine's transitions (≈200 ms) have settled, for a clean picture. */

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  vertex = await startVertexMock();
  e2e = await startE2eHost();
  browser = await launchBrowser();
  app = await openApp(browser, e2e.host);
  page = app.page;
});

afterAll(async () => {
  await browser?.close();
  await e2e?.close();
  await vertex?.close();
});

const saBox = () => page.getByLabel(/Service-account JSON key/);

async function paste(text: string) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await saBox().click();
  await page.keyboard.press('Control+V');
}

describe('first run with a Vertex service-account JSON', () => {
  it('opens on the guided path when there is no account', async () => {
    await expect.poll(() => page.getByRole('heading', { name: 'Welcome to Keybridge' }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('proxy-status').innerText()).toMatch(/running/i);
    await shot(page, 'first-run-provider');
  });

  it('a bad paste shows the precise message from validation, and nothing is saved', async () => {
    await page.getByTestId('provider-vertex').click();
    await page.getByTestId('provider-next').click();
    await paste('{"type": "authorized_user", "client_id": "123"');
    const field = page.locator('.mantine-Textarea-root');
    await expect
      .poll(() => field.locator('.mantine-Textarea-error').innerText())
      .toMatch(/JSON|service.account|cut off/i);
    await page.getByRole('button', { name: 'Save and test' }).click();
    await expect.poll(() => page.getByText('Please fix the problems shown above.').count()).toBe(1);
    await shot(page, 'first-run-bad-paste');
    const accounts = await e2e.api.accounts.list();
    expect(accounts.ok && accounts.value).toEqual([]);
  });

  it('dropping the downloaded key file describes it; Save and test reaches Vertex', async () => {
    const sa = vertex.makeServiceAccount({ projectId: 'tavern-e2e' });
    await saBox().fill('');
    // A real drop event carrying the .json file, as when the user drags it from their Downloads.
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'tavern-e2e-5f2c.json', { type: 'application/json' }));
      return dt;
    }, sa.text);
    await page.getByTestId('sa-dropzone').dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => saBox().inputValue()).toBe(sa.text);
    await expect.poll(() => page.getByTestId('credential-detection').innerText()).toMatch(/tavern-e2e/);
    await expect.poll(() => page.locator('.mantine-Textarea-error').count()).toBe(0);
    expect(
      await page
        .getByLabel(/^Region/)
        .first()
        .inputValue(),
    ).toBe('global');
    await page.getByText('Advanced').click();
    await page.getByLabel(/^Base URL/).fill(vertex.url);
    await shot(page, 'first-run-credential');
    await page.getByRole('button', { name: 'Save and test' }).click();
    await expect.poll(() => page.getByText('It works').count(), { timeout: 30_000 }).toBe(1);
    expect(vertex.tokenRequests()).toBeGreaterThan(0);
    await shot(page, 'first-run-test');
  });

  it('picks a model and lands on the Connect values', async () => {
    await page.getByTestId('test-continue').click();
    const claude = page.getByRole('checkbox', { name: /claude-sonnet-4-5/ });
    await claude.check();
    await shot(page, 'first-run-models');
    await page.getByTestId('models-continue').click();
    await expect.poll(() => page.getByTestId('connect-value').count()).toBeGreaterThan(0);
    const models = await e2e.api.models.get();
    expect(models.ok && models.value.defaultModel).toBe('claude-sonnet-4-5');
  });

  it('the Copy buttons put the exact values on the clipboard', async () => {
    const status = await e2e.api.proxy.status();
    const port = status.ok ? status.value.port : 0;
    const first = page.getByTestId('connect-value').first();
    expect(await first.innerText()).toContain(`127.0.0.1:${port}`);
    for (const tab of ['Claude', 'Google AI Studio', 'Custom (OpenAI-compatible)']) {
      await page.getByRole('tab', { name: tab }).click();
      const panel = page.getByRole('tabpanel');
      const values = panel.getByTestId('connect-value');
      const buttons = panel.getByTestId('connect-copy');
      expect(await buttons.count()).toBeGreaterThan(0);
      expect(await buttons.count()).toBe(await values.count());
      for (let i = 0; i < (await buttons.count()); i++) {
        await page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
        await buttons.nth(i).click();
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
          await values.nth(i).innerText(),
        );
      }
      expect(await panel.innerText()).toContain(`127.0.0.1:${port}`);
    }
    await shot(page, 'connect');
  });

  it('"Send a test message" answers through the proxy and shows up in the live log with tokens', async () => {
    await page.getByTestId('send-test-message').first().click();
    await expect.poll(() => page.getByTestId('test-reply').count(), { timeout: 30_000 }).toBe(1);
    expect((await page.getByTestId('test-reply').innerText()).length).toBeGreaterThan(0);
    await shot(page, 'connect-test-message');
    await page.getByTestId('first-run-done').click();
    await page.getByTestId('nav-log').click();
    const row = page.getByTestId('log-row').first();
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toMatch(/claude-sonnet-4-5/);
    expect(await row.getByTestId('log-tokens').innerText()).toMatch(/^\d+ \/ \d+$/);
    await shot(page, 'live-log');
    await row.click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(1);
    await shot(page, 'live-log-detail');
    await page.keyboard.press('Escape');
  });
});
