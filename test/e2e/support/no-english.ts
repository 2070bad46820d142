/**
 * "No English sentence on this screen": for the zh-CN journeys. Takes the page's visible text
 * (what `innerText` renders: hidden elements excluded), removes what is allowed to stay in English,
 * and reports every run of two or more English words that is left.
 *
 * Allowed, and nothing else (keep this list small and honest):
 * - URLs, host:port addresses, e-mail addresses, file names and paths;
 * - identifiers: model ids, account ids, keys like `x-api-key` — any token with a digit, a dash,
 *   an underscore, a dot, an @ or a slash inside it, or camelCase;
 * - product and company names (PRODUCT_NAMES), and the names of SillyTavern's own controls and of
 *   the providers' console buttons, which the window quotes so the user can find them there
 *   (SILLYTAVERN_NAMES, CONSOLE_NAMES);
 * - whatever the caller passes in `allow`: say why at the call site (e.g. what a mock upstream
 *   said in its own words — data, shown as it came).
 * Single English words (a product, "API", "JSON", "HTTP") never count: only runs of 2+ words do.
 */
import type { Page } from 'playwright-core';

export const PRODUCT_NAMES = [
  'Keybridge',
  'SillyTavern',
  'Google Cloud',
  'Google AI Studio',
  'Google Vertex AI',
  'Vertex AI',
  'Model Garden',
  'Amazon Bedrock',
  'AWS Bedrock',
  'AWS Marketplace',
  'Azure OpenAI',
  'Azure AI Foundry',
  'Anthropic',
  'OpenAI',
  'DeepSeek',
  'OpenRouter',
  'Ollama',
  'LM Studio',
  'vLLM',
  'Claude',
  'Gemini',
  'GNOME Keyring',
  'KWallet',
  'Secret Service',
  'Generative Language API',
  'Service Quotas',
  'Vertex AI User',
];

/** SillyTavern's own labels, quoted by the Connect page in the words SillyTavern shows. */
export const SILLYTAVERN_NAMES = [
  'Custom (OpenAI-compatible)',
  'Custom Endpoint',
  'Chat Completion Source',
  'Chat Completion',
  'Reverse Proxy',
  'Proxy Server URL',
  'Proxy Password',
  'Test Message',
  'Base URL',
  'API Connections',
];

/** The providers' own console labels, quoted so the user can find them on those pages. */
export const CONSOLE_NAMES = ['Get API key', 'API keys', 'API Keys'];

export interface NoEnglishOptions {
  /** More text that may stay in English on this page, each with a reason at the call site. */
  allow?: Array<string | RegExp>;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs of 2+ English words in `text` once the allowed parts are removed. */
export function englishRuns(text: string, opts: NoEnglishOptions = {}): string[] {
  const names = [...PRODUCT_NAMES, ...SILLYTAVERN_NAMES, ...CONSOLE_NAMES]
    .sort((a, b) => b.length - a.length)
    .map((n) => new RegExp(`(?<![A-Za-z])${escapeRegExp(n)}(?![A-Za-z])`, 'g'));
  const extra = (opts.allow ?? []).map((a) => (typeof a === 'string' ? new RegExp(escapeRegExp(a), 'g') : a));
  const removals: RegExp[] = [
    ...extra,
    /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'“”（）()<>，。]+/gi, // URLs
    /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, // e-mail addresses
    ...names,
    // identifiers: model ids, hosts, keys, paths (a digit, - _ . @ / inside) and camelCase names
    /[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?:[-_.@/:][A-Za-z0-9]+)+/g,
    /\b[a-z]+[A-Z][A-Za-z0-9]*\b/g,
    /\b[A-Za-z]*\d[A-Za-z0-9]*\b/g,
  ];
  const runs: string[] = [];
  for (const rawLine of text.split(/\n+/)) {
    let line = rawLine;
    for (const re of removals) line = line.replace(re, ' · ');
    for (const m of line.matchAll(/[A-Za-z][A-Za-z']*(?:[ \t]+[A-Za-z][A-Za-z']*)+/g)) {
      runs.push(`${m[0]}   ← in: ${rawLine.trim().slice(0, 160)}`);
    }
  }
  return runs;
}

/** The English runs visible on the page now (see englishRuns). */
export async function visibleEnglish(page: Page, opts: NoEnglishOptions = {}): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  return englishRuns(text, opts);
}
