/**
 * A machine with no keychain (a server running `keybridge serve --ui`, Termux, a bare Linux
 * desktop), in real Chromium against the dev host with the real services: the window says so in
 * its notice and in Settings, in English and Chinese; choosing "a file only you can read" there
 * writes the keys to a 0600 file in the data folder, and choosing "this session only" deletes it.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevHost, startDevHost } from '../../app/dev-host/index.js';
import type { KeytarApi } from '../../app/services/secret-vault.js';
import { launchBrowser, openApp, ROOT, SCREENSHOTS, shot } from './support/harness.js';

/** Fails the way the keyring library does with no session bus. */
const noBus: KeytarApi = new Proxy({} as KeytarApi, {
  get: () => async () => {
    throw new Error('Platform secure storage failure: zbus error: Failed to connect to address');
  },
});

let browser: Browser;
let host: DevHost;
let dataDir: string;
const secretsFile = () => path.join(dataDir, 'secrets.json');

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'kb-e2e-nokeychain-'));
  host = await startDevHost({
    port: 0,
    dataDir,
    rendererDir: path.join(ROOT, 'renderer', 'dist'),
    services: { keytar: noBus, port: 0, drainMs: 100 },
    log: () => {},
  });
  const added = await host.services.api.call('accounts.add', {
    account: { provider: 'deepseek', label: 'My DeepSeek', apiKey: 'sk-deepseek-e2e-0123456789' },
  });
  if (!added.ok) throw new Error(JSON.stringify(added));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('no keychain on this machine', () => {
  it('the notice says so and the file option, chosen in Settings, keeps the keys in a 0600 file', async () => {
    const { page, context, errors } = await openApp(browser, host, { hash: '#/connect' });
    const notice = page.getByTestId('notice-no-keychain');
    await expect.poll(() => notice.getByText('No system keychain on this computer').count()).toBe(1);
    expect(await notice.innerText()).toContain('no desktop session bus (D-Bus)');
    expect(await notice.innerText()).toContain('Keys are kept for this session only');

    await page.getByTestId('nav-settings').click();
    const section = page.getByTestId('key-storage-settings');
    await expect.poll(() => section.getByRole('radio', { name: 'This session only' }).isChecked()).toBe(true);
    expect(() => statSync(secretsFile())).toThrow();
    // Saved through main, which moves the keys, then shown: click, then wait for the answer.
    await section.getByRole('radio', { name: 'A file only you can read' }).click();
    await expect
      .poll(() => section.getByTestId('key-storage-now').innerText())
      .toBe(`Keys are kept in ${secretsFile()}, a file only you can read.`);
    expect(statSync(secretsFile()).mode & 0o777).toBe(0o600);
    await page.getByRole('heading', { name: 'Where your keys are kept' }).scrollIntoViewIfNeeded();
    await shot(page, 'settings-no-keychain');

    await section.getByRole('radio', { name: 'This session only' }).click();
    await expect.poll(() => section.getByTestId('key-storage-now').innerText()).toMatch(/this session only/);
    expect(() => statSync(secretsFile())).toThrow();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('in Chinese, the notice and the choice are in Chinese', async () => {
    const { page, context } = await openApp(browser, host, { hash: '#/connect', locale: 'zh-CN' });
    const notice = page.getByTestId('notice-no-keychain');
    await expect.poll(() => notice.getByText('这台电脑上没有系统钥匙串').count()).toBe(1);
    const text = await notice.innerText();
    expect(text).toContain('没有找到桌面会话总线（D-Bus）');
    expect(text).toContain('仅限本次运行');
    expect(text).toContain('只有你能读取的文件');
    expect(text).not.toMatch(/No system keychain|Credentials are kept/);
    await shot(page, 'notice-no-keychain-zh');
    await context.close();
  });
});
