/**
 * Automatic prompt caching as the owner sees it (issue 19): a long role-play chat from an
 * OpenAI-style client (SillyTavern's Custom source) to Claude on Vertex, through the real proxy of
 * the dev host, then the Usage screen in real Chromium shows the tokens read from and written to
 * Claude's cache and the money saved — in English and in Chinese.
 */
import path from 'node:path';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { characterCard, createClaudeCacheSim } from '../upstreams/claude-cache.js';
import { startVertexMock, type VertexMock } from '../upstreams/vertex-mock.js';
import {
  type E2eHost,
  launchBrowser,
  type OpenPage,
  openApp,
  SCREENSHOTS,
  startE2eHost,
} from './support/harness.js';

let browser: Browser;
let e2e: E2eHost;
let vertex: VertexMock;
const pages: OpenPage[] = [];
const sim = createClaudeCacheSim();

async function open(opts: Parameters<typeof openApp>[2] = {}): Promise<Page> {
  const p = await openApp(browser, e2e.host, opts);
  pages.push(p);
  await p.page.getByTestId('proxy-status').waitFor();
  return p.page;
}

beforeAll(async () => {
  vertex = await startVertexMock({ claudeFixture: 'conversation', promptCache: sim });
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
  if (!added.ok) throw new Error(`setup failed: ${JSON.stringify(added)}`);
  const models = await e2e.api.models.update({
    models: [
      {
        id: 'claude-sonnet-4-5',
        enabled: true,
        routes: [{ account: added.value.id, model: 'claude-sonnet-4-5@20250929' }],
      },
    ],
    aliases: {},
    defaultModel: 'claude-sonnet-4-5',
  });
  if (!models.ok) throw new Error(`models: ${JSON.stringify(models)}`);
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const p of pages) await p.context.close();
  await browser?.close();
  await e2e?.close();
  await vertex?.close();
});

describe('prompt caching on the Usage screen', () => {
  it('a role-play chat reads its history from cache and the window says how much that saved', async () => {
    const status = await e2e.api.proxy.status();
    if (!status.ok || !status.value.url) throw new Error(`proxy: ${JSON.stringify(status)}`);
    const client = new OpenAI({ baseURL: status.value.url, apiKey: 'x', maxRetries: 0 });
    const history: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: characterCard(10_000) }];
    for (let turn = 1; turn <= 4; turn++) {
      history.push({ role: 'user', content: `Aria, what lies beyond pass ${turn}?` });
      const r = await client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: history });
      history.push({ role: 'assistant', content: r.choices[0]!.message.content ?? '' });
    }
    expect(sim.log.slice(1).every((u) => u.read > 10_000)).toBe(true);
    const summary = await e2e.api.usage.summary({ days: 30 });
    if (!summary.ok) throw new Error('summary failed');
    const totals = summary.value.totals;
    expect(totals.cacheSavedUsd).toBeGreaterThan(0);

    const page = await open({ hash: '#/usage' });
    const panel = page.getByTestId('cache-savings');
    await expect.poll(() => panel.count()).toBe(1);
    expect(await panel.getByText('Prompt caching (Claude)').count()).toBe(1);
    const nf = new Intl.NumberFormat('en-US');
    expect(await page.getByTestId('cache-read').innerText()).toBe(nf.format(totals.cacheReadTokens));
    expect(await page.getByTestId('cache-written').innerText()).toBe(nf.format(totals.cacheWriteTokens));
    expect(await panel.getByText('Saved by caching').count()).toBe(1);
    const saved =
      totals.cacheSavedUsd < 0.01 ? totals.cacheSavedUsd.toFixed(4) : totals.cacheSavedUsd.toFixed(2);
    expect(await page.getByTestId('cache-saved').innerText()).toBe(`$${saved}`);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'usage-cache.png') });

    const zh = await open({ hash: '#/usage', locale: 'zh-CN' });
    const zhPanel = zh.getByTestId('cache-savings');
    await expect.poll(() => zhPanel.count()).toBe(1);
    expect(await zhPanel.getByText('提示缓存（Claude）').count()).toBe(1);
    expect(await zhPanel.getByText('缓存节省').count()).toBe(1);
    await zh.waitForTimeout(300);
    await zh.screenshot({ path: path.join(SCREENSHOTS, 'usage-cache-zh.png') });
  });
});
