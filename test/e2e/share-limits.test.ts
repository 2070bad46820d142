/**
 * The Share screen and spend-limit warnings in real Chromium against the dev host with the real
 * proxy (issue 19): make a key for a friend, copy the address and key together, the friend's
 * requests show as its usage, revoke it (asked first) and it stops working; a daily token limit
 * set in Settings → Limits shows its bar on the Usage screen and the window's banner at 80 % and
 * when used up, with the model that has no price named. Then the same screens in Chinese, checked
 * with the strict no-English helper. Screenshots go to SCREENSHOTS.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAIMock, startOpenAIMock } from '../upstreams/openai-mock.js';
import {
  type E2eHost,
  launchBrowser,
  type OpenPage,
  openApp,
  SCREENSHOTS,
  shot,
  startE2eHost,
} from './support/harness.js';
import { visibleEnglish } from './support/no-english.js';

let browser: Browser;
let e2e: E2eHost;
let openai: OpenAIMock;
const pages: OpenPage[] = [];

async function open(hash: string, locale = 'en-US'): Promise<Page> {
  const p = await openApp(browser, e2e.host, { hash, locale });
  pages.push(p);
  await p.page.getByTestId('proxy-status').waitFor();
  return p.page;
}

async function proxyOrigin(): Promise<string> {
  const s = await e2e.api.proxy.status();
  if (!s.ok || !s.value.port) throw new Error(`proxy: ${JSON.stringify(s)}`);
  return `http://127.0.0.1:${s.value.port}`;
}

/** Tokens used today so far (the usage summary counts what the proxy's limits count: input + output). */
async function tokensToday(): Promise<number> {
  const u = await e2e.api.usage.summary({ days: 1 });
  if (!u.ok) throw new Error(JSON.stringify(u));
  return u.value.totals.inputTokens + u.value.totals.outputTokens;
}

async function chat(model: string, key?: string): Promise<Response> {
  return fetch(`${await proxyOrigin()}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] }),
  });
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  openai = await startOpenAIMock({ models: ['gpt-4.1-nano', 'house-llama'] });
  e2e = await startE2eHost();
  const local = await e2e.api.accounts.add({
    account: {
      provider: 'openai-compatible',
      id: 'gateway',
      label: 'Local gateway',
      baseUrl: `${openai.url}/v1`,
      apiKey: 'sk-test-upstream',
    },
  });
  if (!local.ok) throw new Error(JSON.stringify(local));
  const models = await e2e.api.models.update({
    models: [
      { id: 'gpt-4.1-nano', enabled: true, routes: [{ account: 'gateway', model: 'gpt-4.1-nano' }] },
      // No price is known for this one: it counts against token limits only.
      { id: 'house-model', enabled: true, routes: [{ account: 'gateway', model: 'house-llama' }] },
    ],
    aliases: {},
    defaultModel: 'gpt-4.1-nano',
  });
  if (!models.ok) throw new Error(JSON.stringify(models));
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const p of pages) await p.context.close();
  await browser?.close();
  await e2e?.close();
  await openai?.close();
});

describe('Share screen', () => {
  it('makes a key for a friend, copies address and key together, shows its use, and revokes it', async () => {
    const page = await open('#/share');
    // LAN is off: the screen says keys work on this computer only, and where to turn LAN on.
    await page.getByTestId('share-lan-off').waitFor();
    await expect.poll(() => page.getByText('Open Settings').count()).toBe(1);

    await page.getByTestId('share-name').fill("Anna's SillyTavern");
    await page.getByTestId('share-models').click();
    await page.getByRole('option', { name: 'gpt-4.1-nano' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('share-limits-dailyUsd').inputValue()).toBe('$1');
    await page.getByRole('button', { name: 'Make key' }).click();

    const created = page.getByTestId('share-created');
    await created.waitFor();
    const pasted = await page.getByTestId('share-paste-text').innerText();
    const key = /Custom API Key: (kb-share-[A-Za-z0-9_-]+)/.exec(pasted)?.[1];
    expect(key, pasted).toBeDefined();
    expect(pasted).toContain(`Custom Endpoint (Base URL): ${await proxyOrigin()}/v1`);
    await created.getByTestId('share-created-copy').click();
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    expect(clip).toBe(pasted);
    await shot(page, 'share-created');
    await page.getByRole('button', { name: 'Done' }).click();

    // The friend's SillyTavern uses the key: its allowed model answers, another one is refused.
    const res = await chat('gpt-4.1-nano', key);
    expect(res.status).toBe(200);
    const other = await chat('house-model', key);
    expect(other.status).toBe(403);
    expect(await other.text()).toContain('gpt-4.1-nano');

    const row = page.getByTestId("share-key-Anna's SillyTavern");
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toContain('Requests: 1');
    expect(await row.innerText()).toContain('$1.00 a day');
    expect(await row.innerText()).toContain(`…${key!.slice(-4)}`);
    // The page never shows the key outside the "made" dialog.
    expect(await page.content()).not.toContain(key);

    // Copy again from the list: the same address and key.
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await row.getByTestId('share-copy').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(pasted);
    await shot(page, 'share');

    // Change the key's limit to $2 a day; its model stays picked, and the key stays the same for Anna.
    await row.getByTestId('share-edit-open').click();
    const edit = page.getByTestId('share-edit');
    await edit.waitFor();
    await expect.poll(() => edit.getByTestId('share-edit-limits-dailyUsd').inputValue()).toBe('$1');
    await edit.getByTestId('share-edit-limits-dailyUsd').fill('2');
    await shot(page, 'share-edit');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => edit.count()).toBe(0);
    await expect.poll(() => row.innerText()).toContain('$2.00 a day');
    const changed = await e2e.api.share.list();
    expect(changed.ok && changed.value.keys[0]).toMatchObject({
      models: ['gpt-4.1-nano'],
      limits: { dailyUsd: 2 },
    });
    expect((await chat('gpt-4.1-nano', key)).status).toBe(200);

    // Revoke, asked first; the key stops working at once.
    await row.getByTestId('share-revoke').click();
    await page.getByTestId('share-revoke-confirm').waitFor();
    await page.getByTestId('share-revoke-yes').click();
    await expect.poll(() => row.count()).toBe(0);
    await expect.poll(() => page.getByText('No keys yet. Make one above.').count()).toBe(1);
    const after = await chat('gpt-4.1-nano', key);
    // On the loopback an unknown key is the owner's (SillyTavern's Claude source must send one),
    // so the revoked key no longer carries Anna's rules: her usage stops counting.
    const list = await e2e.api.share.list();
    expect(list.ok && list.value.keys).toEqual([]);
    expect(after.status).toBe(200);
  });

  it('a bad name is said under the box, and nothing is made', async () => {
    const page = await open('#/share');
    await page.getByTestId('share-name').fill('<script>');
    await page.getByRole('button', { name: 'Make key' }).click();
    await expect
      .poll(() => page.getByText("A name may use letters, digits, spaces and - _ . '").count())
      .toBe(2);
    const list = await e2e.api.share.list();
    expect(list.ok && list.value.keys).toEqual([]);
  });
});

describe('spend limits', () => {
  it('a daily token limit set in Settings → Limits warns at 80 % and when used up', async () => {
    const page = await open('#/settings');
    const global = page.getByTestId('limits-global');
    await global.scrollIntoViewIfNeeded();
    // A model without a price (a self-hosted one answering as itself), used once: the Usage screen names it.
    openai.next({
      kind: 'raw',
      contentType: 'application/json',
      body: JSON.stringify({
        id: 'chatcmpl-house',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: 'house-llama',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
      }),
    });
    expect((await chat('house-model')).status).toBe(200);
    // One request's tokens (the same request each time), and what today used before the limit.
    const before = await tokensToday();
    expect((await chat('gpt-4.1-nano')).status).toBe(200);
    const used0 = await tokensToday();
    const perRequest = used0 - before;
    expect(perRequest).toBeGreaterThan(0);
    // Room for 2.4 more such requests: two make 83 % of it, the third uses it up.
    const limit = Math.round(used0 + 2.4 * perRequest);
    await page.getByTestId('limits-global-dailyTokens').fill(String(limit));
    await page.getByTestId('limits-global-save').click();
    await expect.poll(() => page.getByTestId('limits-settings').getByText('Saved').count()).toBe(1);
    const saved = await e2e.api.limits.get();
    expect(saved.ok && saved.value.global).toEqual({ dailyTokens: limit });
    await shot(page, 'settings-limits');

    // Two requests make 83 % of the limit: the banner warns on every screen.
    for (let i = 0; i < 2; i++) expect((await chat('gpt-4.1-nano')).status).toBe(200);
    const usage = await open('#/usage');
    const bar = usage.getByTestId('limit-bar-global-daily-tokens');
    await expect.poll(() => bar.getAttribute('data-state'), { timeout: 10_000 }).toBe('warning');
    await expect.poll(() => usage.getByTestId('limit-alerts').innerText()).toMatch(/\d+ % used/);
    expect(await usage.getByTestId('unpriced-models').innerText()).toContain('house-llama');

    // The third uses it up: the next request is refused, saying which limit and when it resets.
    expect((await chat('gpt-4.1-nano')).status).toBe(200);
    const refused = await chat('gpt-4.1-nano');
    expect(refused.status).toBe(429);
    expect(await refused.text()).toMatch(/daily limit/);
    await expect.poll(() => bar.getAttribute('data-state'), { timeout: 10_000 }).toBe('reached');
    const banner = await usage.getByTestId('limit-alerts').innerText();
    expect(banner).toContain('A spend limit is used up');
    expect(banner).toContain('Raise a limit in Settings → Limits');
    await shot(usage, 'usage-limits');
  });

  it('in Chinese: the Share screen, its dialog and the limit warnings have no English sentence', async () => {
    const made = await e2e.api.share.create({ name: '小明', limits: { dailyUsd: 1, monthlyUsd: 10 } });
    if (!made.ok) throw new Error(JSON.stringify(made));
    const page = await open('#/share', 'zh-CN');
    await page.getByTestId('share-key-小明').waitFor();
    await expect.poll(() => page.getByText('分享给朋友').count()).toBeGreaterThan(0);
    expect(await visibleEnglish(page)).toEqual([]);
    await page.getByTestId('share-name').fill('小红');
    await page.getByRole('button', { name: '新建密钥' }).click();
    await page.getByTestId('share-created').waitFor();
    expect(await page.getByTestId('share-paste-text').innerText()).toContain('自定义 API 密钥：kb-share-');
    expect(await visibleEnglish(page)).toEqual([]);
    await shot(page, 'share-created-zh');
    await page.getByRole('button', { name: '完成' }).click();
    await page.getByTestId('share-key-小明').getByTestId('share-edit-open').click();
    await page.getByTestId('share-edit').waitFor();
    await expect.poll(() => page.getByText('修改给 小明 的密钥').count()).toBe(1);
    expect(await visibleEnglish(page)).toEqual([]);
    await shot(page, 'share-edit-zh');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('share-edit').count()).toBe(0);
    await page.getByTestId('share-key-小红').getByTestId('share-revoke').click();
    await page.getByTestId('share-revoke-confirm').waitFor();
    expect(await visibleEnglish(page)).toEqual([]);
    await page.getByTestId('share-revoke-yes').click();

    const usage = await open('#/usage', 'zh-CN');
    await usage.getByTestId('limit-alerts').waitFor();
    expect(await usage.getByTestId('limit-alerts').innerText()).toContain('已用完');
    expect(await visibleEnglish(usage)).toEqual([]);
    await shot(usage, 'usage-limits-zh');

    const settings = await open('#/settings', 'zh-CN');
    await settings.getByTestId('limits-account-gateway').click();
    await settings.getByTestId('account-cost-gateway').waitFor();
    // "Local gateway" is the account's name as the user typed it.
    expect(await visibleEnglish(settings, { allow: ['Local gateway'] })).toEqual([]);
    await shot(settings, 'settings-limits-zh');
  });
});
