/**
 * End-to-end harness: the dev host running the real app services and the real proxy (keychain
 * replaced by an in-memory keytar), mock upstreams on 127.0.0.1, the built renderer, and Debian's
 * Chromium driven by playwright-core.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createKeybridgeApi, type KeybridgeApi } from '../../../app/contract/index.js';
import { type DevHost, startDevHost } from '../../../app/dev-host/index.js';
import { memoryKeytar } from '../../app/support/services.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/**
 * Where the e2e tests save their screenshots: a temporary folder, so that `npm test` leaves the
 * work tree clean. `npm run screenshots` runs them with KEYBRIDGE_SCREENSHOTS=docs/screenshots to
 * refresh the README's pictures.
 */
export const SCREENSHOTS = process.env.KEYBRIDGE_SCREENSHOTS
  ? path.resolve(ROOT, process.env.KEYBRIDGE_SCREENSHOTS)
  : path.join(os.tmpdir(), 'keybridge-e2e-screenshots');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

export interface E2eHost {
  host: DevHost;
  /** The same services, called directly (to check what the UI did). */
  api: KeybridgeApi;
  dataDir: string;
  /** The in-memory keychain the services use (to check what a failed save left behind). */
  keytar: ReturnType<typeof memoryKeytar>;
  close(): Promise<void>;
}

export async function startE2eHost(
  opts: { keytar?: NonNullable<Parameters<typeof startDevHost>[0]['services']>['keytar'] } = {},
): Promise<E2eHost> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kb-e2e-'));
  const keytar = memoryKeytar();
  const host = await startDevHost({
    port: 0,
    dataDir,
    rendererDir: path.join(ROOT, 'renderer', 'dist'),
    services: { keytar: opts.keytar ?? keytar, port: 0, drainMs: 100 },
    log: () => {},
  });
  const api = createKeybridgeApi({
    invoke: (method, input) => host.services.api.call(method, input),
    subscribe: (event, listener) =>
      host.services.api.subscribe((e, payload) => {
        if (e === event) listener(payload);
      }),
  });
  return {
    host,
    api,
    dataDir,
    keytar,
    async close() {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far. */
  errors: string[];
}

export async function openApp(
  browser: Browser,
  host: DevHost,
  opts: {
    width?: number;
    height?: number;
    locale?: string;
    hash?: string;
    colorScheme?: 'light' | 'dark';
  } = {},
): Promise<OpenPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    locale: opts.locale ?? 'en-US',
    colorScheme: opts.colorScheme ?? 'light',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${host.url}${opts.hash ?? ''}`);
  return { context, page, errors };
}

/** Saves a picture of `page` as SCREENSHOTS/<name>.png once its transitions have settled. */
export async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), ...opts });
}
