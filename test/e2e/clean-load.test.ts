/**
 * The window loads cleanly and lightly, in real Chromium against the dev host: every screen, in
 * English and Chinese, without one console error (an invalid CSP source, a blocked request, a
 * React warning) or failed request (a 404 favicon, a missing chunk); and the screens' code comes
 * only when they are opened, keeping the first screen's script under a budget (uncompressed).
 */
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../../app/shell-support.js';
import { type OpenAIMock, startOpenAIMock } from '../upstreams/openai-mock.js';
import { CHROMIUM_ARGS, type E2eHost, startE2eHost } from './support/harness.js';

/**
 * Script budget of the first screen, uncompressed. Issue 14 asks for 350 kB; one bundle was 823 kB.
 * Lazy screens and a zod-free entry bring the guided start to ≈620 kB and Connect to ≈545 kB. What
 * stands between that and 350 kB: react-dom alone is 202 kB, Mantine's core and AppShell 113 kB,
 * i18next 53 kB, floating-ui 43 kB (tooltips, selects), and the first-run wizard loads every step's
 * inputs at once (143 kB). This budget keeps what was won from creeping back.
 */
const FIRST_SCREEN_SCRIPT_LIMIT = 640 * 1024;
const SCREENS = ['start', 'accounts', 'models', 'connect', 'log', 'usage', 'settings'] as const;

let browser: Browser;
let fresh: E2eHost;
let used: E2eHost;
let openai: OpenAIMock;

interface Watched {
  page: Page;
  /** Console errors, page errors, failed and refused requests, in the order they happened. */
  problems: string[];
  /** Uncompressed bytes of every script the page has loaded so far, by URL. */
  scripts: Map<string, number>;
  close(): Promise<void>;
}

async function watch(host: E2eHost, opts: { locale?: string; hash?: string } = {}): Promise<Watched> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: opts.locale ?? 'en-US',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const scripts = new Map<string, number>();
  const pending: Promise<void>[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    if (/javascript/.test(r.headers()['content-type'] ?? '')) {
      pending.push(
        r.body().then(
          (b) => void scripts.set(r.url(), b.length),
          () => {},
        ),
      );
    }
  });
  await page.goto(`${host.host.url}${opts.hash ?? ''}`);
  await page.getByTestId('proxy-status').waitFor();
  return {
    page,
    problems,
    scripts,
    async close() {
      await Promise.all(pending);
      await context.close();
    },
  };
}

/** Waits until the network is quiet, then answers the script bytes loaded so far (all responses read). */
async function scriptBytes(w: Watched): Promise<{ total: number; files: string[] }> {
  await w.page.waitForLoadState('networkidle');
  await w.page.waitForTimeout(300);
  const total = [...w.scripts.values()].reduce((a, b) => a + b, 0);
  return { total, files: [...w.scripts.keys()].map((u) => new URL(u).pathname) };
}

async function visitEveryScreen(w: Watched) {
  for (const s of SCREENS) {
    await w.page.getByTestId(`nav-${s}`).click();
    await expect.poll(() => w.page.evaluate(() => window.location.hash)).toBe(`#/${s}`);
    // The screen's own content, not a loading placeholder.
    await expect.poll(() => w.page.locator('main h2').count()).toBeGreaterThan(0);
    await w.page.waitForLoadState('networkidle');
  }
  // A dialog too: adding an account.
  await w.page.getByTestId('nav-accounts').click();
  await w.page.getByTestId('add-account').click();
  await expect.poll(() => w.page.getByRole('dialog').count()).toBe(1);
  await w.page.keyboard.press('Escape');
}

beforeAll(async () => {
  openai = await startOpenAIMock();
  fresh = await startE2eHost();
  used = await startE2eHost();
  const added = await used.api.accounts.add({
    account: {
      provider: 'openai-compatible',
      label: 'Gateway',
      baseUrl: `${openai.url}/v1`,
      apiKey: 'sk-x1234567',
    },
  });
  if (!added.ok) throw new Error(JSON.stringify(added));
  await used.api.models.update({
    models: [
      { id: 'gpt-4.1-nano', enabled: true, routes: [{ account: added.value.id, model: 'gpt-4.1-nano' }] },
    ],
    aliases: {},
    defaultModel: 'gpt-4.1-nano',
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
});

afterAll(async () => {
  await browser?.close();
  await fresh?.close();
  await used?.close();
  await openai?.close();
});

describe('the window loads cleanly', () => {
  it('every screen, in English, without a console error or a failed request', async () => {
    const w = await watch(used);
    await visitEveryScreen(w);
    await w.close();
    expect(w.problems).toEqual([]);
  });

  it('every screen, in Chinese, without a console error or a failed request', async () => {
    const w = await watch(fresh, { locale: 'zh-CN' });
    await expect.poll(() => w.page.getByTestId('nav-log').innerText()).toBe('实时日志');
    await visitEveryScreen(w);
    await w.close();
    expect(w.problems).toEqual([]);
  });
});

describe('the first screen is light', () => {
  it(`a new user's first screen (the guided start) loads at most ${FIRST_SCREEN_SCRIPT_LIMIT / 1024} kB of script`, async () => {
    const w = await watch(fresh);
    await expect.poll(() => w.page.getByTestId('nav-start').getAttribute('data-active')).toBe('true');
    await w.page.locator('main h2').first().waitFor();
    const first = await scriptBytes(w);
    expect(first.total, `scripts: ${first.files.join(', ')}`).toBeLessThanOrEqual(FIRST_SCREEN_SCRIPT_LIMIT);
    // The other screens' code comes when they are opened, not before.
    await w.page.getByTestId('nav-usage').click();
    await w.page.locator('main h2').first().waitFor();
    const after = await scriptBytes(w);
    expect(after.files.length).toBeGreaterThan(first.files.length);
    await w.close();
    expect(w.problems).toEqual([]);
  });

  it(`a returning user's first screen (Connect) loads at most ${FIRST_SCREEN_SCRIPT_LIMIT / 1024} kB of script`, async () => {
    const w = await watch(used);
    await expect.poll(() => w.page.getByTestId('nav-connect').getAttribute('data-active')).toBe('true');
    await w.page.locator('main h2').first().waitFor();
    const first = await scriptBytes(w);
    expect(first.total, `scripts: ${first.files.join(', ')}`).toBeLessThanOrEqual(FIRST_SCREEN_SCRIPT_LIMIT);
    await w.close();
    expect(w.problems).toEqual([]);
  });
});

describe('the desktop window’s Content-Security-Policy', () => {
  it('has no source Chromium rejects (the app protocol serves every file with it)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    // Chromium parses the header the way Electron's (same engine) does for keybridge://app.
    await page.route('http://keybridge.test/**', (route) =>
      route.fulfill({
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': RENDERER_CSP },
        body: '<!doctype html><title>csp</title><p>ok</p>',
      }),
    );
    await page.goto('http://keybridge.test/index.html');
    await page.getByText('ok').waitFor();
    await context.close();
    expect(problems).toEqual([]);
  });
});
