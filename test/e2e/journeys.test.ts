/**
 * From the first screen to a successful "Send a test message", once per kind of provider — Vertex,
 * Bedrock, Azure, Anthropic, Google AI Studio, OpenAI, a custom OpenAI-compatible server and the
 * DeepSeek preset — in English and in Simplified Chinese, in real Chromium against the dev host
 * (real services, real proxy) and the faithful mock upstreams. Then the ways a first run used to
 * dead-end: an empty save, a reload mid-way, a key pasted under the wrong provider.
 *
 * One browser, one dev host and one set of mocks for the whole file; each journey gets a fresh
 * browser context (its own tab storage) and starts from no account.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicMock } from '../upstreams/anthropic-mock.js';
import { startAzureMock } from '../upstreams/azure-mock.js';
import { type BedrockMock, startBedrockMock } from '../upstreams/bedrock-mock.js';
import { startGoogleAiMock } from '../upstreams/google-ai-mock.js';
import { startOpenAIMock } from '../upstreams/openai-mock.js';
import type { MockServer } from '../upstreams/support.js';
import { startVertexMock, type VertexMock } from '../upstreams/vertex-mock.js';
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
import { visibleEnglish } from './support/no-english.js';

type Lang = 'en' | 'zh-CN';
type Dict = Record<string, unknown>;
const LOCALES: Record<Lang, Dict> = {
  en: JSON.parse(readFileSync(path.join(ROOT, 'renderer/src/i18n/locales/en.json'), 'utf8')) as Dict,
  'zh-CN': JSON.parse(readFileSync(path.join(ROOT, 'renderer/src/i18n/locales/zh-CN.json'), 'utf8')) as Dict,
};

/** The window's own text for a key, in a language (with {{name}} filled in). */
function tr(lang: Lang, key: string, vars: Record<string, string> = {}): string {
  let v: unknown = LOCALES[lang];
  for (const part of key.split('.')) v = (v as Dict | undefined)?.[part];
  if (typeof v !== 'string') throw new Error(`no ${lang} text for ${key}`);
  return v.replace(/\{\{(\w+)\}\}/g, (_, n: string) => vars[n] ?? '');
}

/**
 * Every English text of the wizard's own that has a Chinese translation of its own. (Short
 * labels such as "API key" or "Connect" also occur inside Chinese sentences that quote the
 * English buttons of Google's or SillyTavern's pages, so the page text is searched for the
 * phrases of three words or more, and the buttons for every label.)
 */
function englishWizardTexts(): string[] {
  const out: string[] = [];
  const walk = (en: unknown, zh: unknown) => {
    if (typeof en === 'string') {
      if (typeof zh === 'string' && zh !== en && !en.includes('{{')) out.push(en);
      return;
    }
    if (en && typeof en === 'object')
      for (const [k, v] of Object.entries(en)) walk(v, (zh as Dict | undefined)?.[k]);
  };
  for (const ns of ['firstRun', 'accountForm', 'accountModels', 'accountTest', 'providerPicker', 'fields'])
    walk(LOCALES.en[ns], LOCALES['zh-CN'][ns]);
  return out;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A form field by its label (Mantine adds " *" to required ones). */
const field = (page: Page, lang: Lang, name: string) =>
  page.getByLabel(new RegExp(`^${esc(tr(lang, `fields.${name}.label`))}`)).first();

const KEYS = {
  anthropic: `sk-ant-api03-${'e2eK3y'.repeat(8)}`,
  googleAi: `AIzaSy${'E2eTestKey0'.repeat(3)}`,
  openai: `sk-proj-${'E2eOpenAIKey'.repeat(4)}`,
  deepseek: `sk-${'0123456789abcdef'.repeat(2)}`,
  azure: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  local: 'local-server-key',
};

let browser: Browser;
let e2e: E2eHost;
let vertex: VertexMock;
let bedrock: BedrockMock;
const mocks: Record<string, MockServer> = {};
/** The window of the current language: one tab per language, reloaded fresh for each journey. */
let current: (OpenPage & { lang: Lang }) | null = null;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [vertex, bedrock, mocks.azure, mocks.anthropic, mocks.googleAi, mocks.openai, mocks.local, mocks.deepseek] =
    await Promise.all([
      startVertexMock(),
      startBedrockMock({ region: 'us-east-1' }),
      startAzureMock({ apiKey: KEYS.azure, deployments: { 'my-gpt4o': 'gpt-4o', 'my-nano': 'gpt-5-nano' } }),
      startAnthropicMock({ apiKey: KEYS.anthropic }),
      startGoogleAiMock({ apiKey: KEYS.googleAi }),
      startOpenAIMock({ apiKey: KEYS.openai, models: ['gpt-4.1-nano', 'gpt-4.1-mini'] }),
      startOpenAIMock({ apiKey: KEYS.local, models: ['qwen2.5-7b-instruct'] }),
      startOpenAIMock({ apiKey: KEYS.deepseek, models: ['deepseek-chat', 'deepseek-reasoner'] }),
    ]);
  e2e = await startE2eHost();
  browser = await launchBrowser();
});

afterAll(async () => {
  await current?.context.close();
  await browser?.close();
  await e2e?.close();
  await Promise.all([vertex?.close(), bedrock?.close(), ...Object.values(mocks).map((m) => m.close())]);
});

/** No account, no model: the state a new user starts from. */
beforeEach(async () => {
  const list = await e2e.api.accounts.list();
  for (const a of list.ok ? list.value : []) await e2e.api.accounts.remove({ id: a.id });
  await e2e.api.models.update({ models: [], aliases: {}, defaultModel: null });
});

async function openStart(lang: Lang): Promise<Page> {
  if (current?.lang === lang) {
    // A new user in the same browser: nothing kept in the tab, the start screen loaded afresh.
    await current.page.evaluate(() => sessionStorage.clear());
    await current.page.goto(`${e2e.host.url}#/start`);
    await current.page.reload();
    current.errors.length = 0;
  } else {
    await current?.context.close();
    const opened = await openApp(browser, e2e.host, {
      locale: lang === 'en' ? 'en-US' : 'zh-CN',
      hash: '#/start',
    });
    current = { ...opened, lang };
  }
  const page = current.page;
  await page.getByTestId('proxy-status').waitFor();
  await page.getByTestId('provider-vertex').waitFor();
  return page;
}

async function openAdvanced(page: Page, lang: Lang) {
  await page.getByText(tr(lang, 'accountForm.advanced'), { exact: true }).click();
}

interface Journey {
  /** The provider card picked on the first screen. */
  card: string;
  /** Save screenshots of its Models and Connect steps (docs/screenshots via `npm run screenshots`). */
  shots?: boolean;
  fill(page: Page, lang: Lang): Promise<void>;
  /** Ticks (or types) the model to talk to on the Models step; answers its public name. */
  pick(page: Page, lang: Lang): Promise<string>;
}

const tick = async (page: Page, name: RegExp) => {
  const box = page.getByRole('checkbox', { name }).first();
  await box.waitFor({ timeout: 30_000 });
  await box.check();
};

const JOURNEYS: Record<string, Journey> = {
  vertex: {
    card: 'vertex',
    async fill(page, lang) {
      const sa = vertex.makeServiceAccount({ projectId: 'tavern-journey' });
      await field(page, lang, 'serviceAccount').fill(sa.text);
      await expect.poll(() => page.getByTestId('credential-detection').innerText()).toMatch(/tavern-journey/);
      await openAdvanced(page, lang);
      await field(page, lang, 'baseUrl').fill(vertex.url);
    },
    async pick(page) {
      await tick(page, /claude-sonnet-4-5/);
      return 'claude-sonnet-4-5';
    },
  },
  bedrock: {
    card: 'bedrock',
    async fill(page, lang) {
      const cred = bedrock.credentials[0]!;
      await field(page, lang, 'accessKeyId').fill(cred.accessKeyId);
      await field(page, lang, 'secretAccessKey').fill(cred.secretAccessKey);
      await openAdvanced(page, lang);
      await field(page, lang, 'baseUrl').fill(bedrock.url);
    },
    async pick(page) {
      await tick(page, /claude/i);
      return '';
    },
  },
  azure: {
    card: 'azure',
    shots: true,
    async fill(page, lang) {
      await field(page, lang, 'endpoint').fill(mocks.azure!.url);
      await field(page, lang, 'apiKey').fill(KEYS.azure);
      const deployments = field(page, lang, 'deployments');
      await deployments.fill('my-gpt4o');
      await deployments.press('Enter');
    },
    async pick(page) {
      // The deployment list comes from Azure: my-nano was never typed.
      await page.getByRole('checkbox', { name: /my-nano/ }).waitFor();
      await tick(page, /my-gpt4o/);
      return 'my-gpt4o';
    },
  },
  anthropic: {
    card: 'anthropic',
    async fill(page, lang) {
      await field(page, lang, 'apiKey').fill(KEYS.anthropic);
      await openAdvanced(page, lang);
      await field(page, lang, 'baseUrl').fill(mocks.anthropic!.url);
    },
    async pick(page) {
      await tick(page, /claude-sonnet-4-5-20250929/);
      return 'claude-sonnet-4-5-20250929';
    },
  },
  'google-ai': {
    card: 'google-ai',
    async fill(page, lang) {
      await field(page, lang, 'apiKey').fill(KEYS.googleAi);
      await openAdvanced(page, lang);
      await field(page, lang, 'baseUrl').fill(mocks.googleAi!.url);
    },
    async pick(page) {
      await tick(page, /gemini-2\.5-flash/);
      return 'gemini-2.5-flash';
    },
  },
  openai: {
    card: 'openai',
    async fill(page, lang) {
      await field(page, lang, 'apiKey').fill(KEYS.openai);
      await openAdvanced(page, lang);
      await field(page, lang, 'baseUrl').fill(`${mocks.openai!.url}/v1`);
    },
    async pick(page) {
      await tick(page, /gpt-4\.1-nano/);
      return 'gpt-4.1-nano';
    },
  },
  'custom server': {
    card: 'openai-compatible',
    async fill(page, lang) {
      await field(page, lang, 'baseUrl').fill(`${mocks.local!.url}/v1`);
      await field(page, lang, 'apiKey').fill(KEYS.local);
    },
    async pick(page) {
      // Typed by name, as for a model a server does not list.
      await page.getByRole('checkbox', { name: 'qwen2.5-7b-instruct' }).waitFor();
      await page.getByTestId('add-model-input').fill('qwen2.5-7b-instruct');
      await page.getByTestId('add-model-button').click();
      await expect
        .poll(() => page.getByRole('checkbox', { name: 'qwen2.5-7b-instruct' }).isChecked())
        .toBe(true);
      return 'qwen2.5-7b-instruct';
    },
  },
  deepseek: {
    card: 'openai-compatible',
    shots: true,
    async fill(page, lang) {
      await page.getByText(tr(lang, 'providers.deepseek'), { exact: true }).click();
      await expect.poll(() => field(page, lang, 'baseUrl').inputValue()).toBe('https://api.deepseek.com/v1');
      await field(page, lang, 'baseUrl').fill(`${mocks.deepseek!.url}/v1`);
      await field(page, lang, 'apiKey').fill(KEYS.deepseek);
    },
    async pick(page) {
      await page.getByRole('checkbox', { name: 'deepseek-reasoner' }).waitFor();
      await tick(page, /^deepseek-chat$/);
      return 'deepseek-chat';
    },
  },
};

const ENGLISH_WIZARD = englishWizardTexts();

/**
 * In Chinese, no English sentence is on the screen (test/e2e/support/no-english.ts), and none of
 * the wizard's own English texts either.
 */
async function expectNoEnglishWizardText(page: Page, where: string) {
  // Data, shown as it came: what the mock model answered, and the names the provider gives its models.
  const reply = page.getByTestId('test-reply');
  const replyLines = (await reply.count()) ? (await reply.innerText()).split('\n') : [];
  const modelNames = await page.locator('main .mantine-Checkbox-label').allInnerTexts();
  const allow = [...replyLines, ...modelNames].map((l) => l.trim()).filter((l) => l !== '');
  expect(await visibleEnglish(page, { allow }), `English sentences on the ${where} step`).toEqual([]);
  const text = await page.locator('main').innerText();
  const found = ENGLISH_WIZARD.filter((s) => s.split(/\s+/).length >= 3 && text.includes(s));
  expect(found, `English wizard text on the ${where} step`).toEqual([]);
  const buttons = (await page.locator('main button').allInnerTexts()).map((b) => b.trim());
  expect(
    buttons.filter((b) => ENGLISH_WIZARD.includes(b)),
    `English buttons on the ${where} step`,
  ).toEqual([]);
}

async function walk(lang: Lang, name: string, j: Journey) {
  const page = await openStart(lang);
  const zh = lang === 'zh-CN';
  if (zh) {
    for (const step of ['provider', 'credential', 'test', 'models', 'connect'])
      expect(await page.locator('.mantine-Stepper-stepLabel').allInnerTexts()).toContain(
        tr(lang, `firstRun.steps.${step}`),
      );
    await expectNoEnglishWizardText(page, 'provider');
  }
  await page.getByTestId(`provider-${j.card}`).click();
  await page.getByTestId('provider-next').click();
  await j.fill(page, lang);
  if (zh) await expectNoEnglishWizardText(page, 'credential');
  await page.getByRole('button', { name: tr(lang, 'firstRun.saveAndTest') }).click();
  await expect
    .poll(() => page.getByText(tr(lang, 'accountTest.ok'), { exact: true }).count(), { timeout: 30_000 })
    .toBe(1);
  await page.getByTestId('test-continue').click();
  const model = await j.pick(page, lang);
  await expect.poll(() => page.getByTestId('models-continue').isEnabled()).toBe(true);
  if (zh) await expectNoEnglishWizardText(page, 'models');
  if (j.shots) await shot(page, `first-run-${name.replace(' ', '-')}-${lang}-models`);
  await page.getByRole('button', { name: tr(lang, 'firstRun.saveModels') }).click();
  await page
    .getByRole('button', { name: tr(lang, 'connect.sendTest') })
    .first()
    .click();
  await expect.poll(() => page.getByTestId('test-reply').count(), { timeout: 30_000 }).toBe(1);
  expect((await page.getByTestId('test-reply').innerText()).trim().length).toBeGreaterThan(0);
  if (model) {
    const saved = await e2e.api.models.get();
    expect(saved.ok && saved.value.defaultModel).toBe(model);
  }
  if (zh) {
    expect(await page.getByRole('button', { name: tr(lang, 'firstRun.done') }).count()).toBe(1);
    await expectNoEnglishWizardText(page, 'connect');
  }
  if (j.shots) await shot(page, `first-run-${name.replace(' ', '-')}-${lang}-connect`);
  expect(pageProblems()).toEqual([]);
}

/** What went wrong in the page: uncaught errors and console errors. */
function pageProblems(): string[] {
  return current?.errors ?? [];
}

for (const lang of ['en', 'zh-CN'] as const) {
  describe(`first run to a test message (${lang})`, () => {
    for (const [name, j] of Object.entries(JOURNEYS)) {
      it(name, async () => walk(lang, name, j));
    }
  });
}

describe('the first run never dead-ends', () => {
  it('an empty Save and test names what is missing and stores nothing', async () => {
    const page = await openStart('en');
    await page.getByTestId('provider-openai-compatible').click();
    await page.getByTestId('provider-next').click();
    await page.getByText('DeepSeek', { exact: true }).click();
    await page.getByRole('button', { name: 'Save and test' }).click();
    await expect.poll(() => page.getByText('Please fix the problems shown above.').count()).toBe(1);
    await expect.poll(() => page.locator('.mantine-PasswordInput-error').innerText()).toBe('is required');
    await shot(page, 'first-run-empty-save');
    expect(await page.getByText(/Invalid input|received undefined/).count()).toBe(0);
    const accounts = await e2e.api.accounts.list();
    expect(accounts.ok && accounts.value).toEqual([]);
    expect(e2e.keytar.entries.size).toBe(0);
  });

  it('a reload resumes where the user was: the draft before saving, the Models step after', async () => {
    const page = await openStart('en');
    await page.getByTestId('provider-anthropic').click();
    await page.getByTestId('provider-next').click();
    await field(page, 'en', 'label').fill('Work Claude');
    await field(page, 'en', 'apiKey').fill(KEYS.anthropic);
    await page.waitForTimeout(400);
    await page.reload();
    await expect.poll(() => field(page, 'en', 'label').inputValue()).toBe('Work Claude');
    // The key was never kept in the tab: it is asked for again.
    expect(await field(page, 'en', 'apiKey').inputValue()).toBe('');
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
    expect(stored).not.toContain('sk-ant');
    await field(page, 'en', 'apiKey').fill(KEYS.anthropic);
    await openAdvanced(page, 'en');
    await field(page, 'en', 'baseUrl').fill(mocks.anthropic!.url);
    await page.getByRole('button', { name: 'Save and test' }).click();
    await expect.poll(() => page.getByText('It works', { exact: true }).count(), { timeout: 30_000 }).toBe(1);
    await page.getByTestId('test-continue').click();
    await page.getByRole('checkbox', { name: /claude-haiku-4-5/ }).waitFor();

    await page.reload();
    await expect
      .poll(() => page.getByText('Tick the models you want to use in SillyTavern.').count())
      .toBe(1);
    await tick(page, /claude-haiku-4-5/);
    await shot(page, 'first-run-resumed-models');
    await page.getByTestId('models-continue').click();
    await page.getByTestId('send-test-message').first().click();
    await expect.poll(() => page.getByTestId('test-reply').count(), { timeout: 30_000 }).toBe(1);
  });

  it('an AI Studio key pasted under Anthropic is named, and one click moves it to Google AI Studio', async () => {
    const page = await openStart('en');
    await page.getByTestId('provider-anthropic').click();
    await page.getByTestId('provider-next').click();
    await page.evaluate((t) => navigator.clipboard.writeText(t), KEYS.googleAi);
    await field(page, 'en', 'apiKey').click();
    await page.keyboard.press('Control+V');
    const warning = page.getByTestId('credential-mismatch');
    await expect.poll(() => warning.innerText()).toMatch(/This looks like a Google AI Studio credential/);
    await shot(page, 'first-run-wrong-provider');
    await warning.getByTestId('switch-provider').click();
    await expect.poll(() => page.getByText(/aistudio\.google\.com/).count()).toBe(1);
    expect(await field(page, 'en', 'apiKey').inputValue()).toBe(KEYS.googleAi);
    await openAdvanced(page, 'en');
    await field(page, 'en', 'baseUrl').fill(mocks.googleAi!.url);
    await page.getByRole('button', { name: 'Save and test' }).click();
    await expect.poll(() => page.getByText('It works', { exact: true }).count(), { timeout: 30_000 }).toBe(1);
    const accounts = await e2e.api.accounts.list();
    expect(accounts.ok && accounts.value.map((a) => a.provider)).toEqual(['google-ai']);
  });
});
