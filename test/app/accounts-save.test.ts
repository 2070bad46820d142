/**
 * Saving an account is all or nothing: when the keychain, the settings file or the running proxy
 * refuses it, nothing is left behind (no account in the settings, no keychain entry) and the
 * user reads why; what the window cannot work with is refused with plain field messages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createProxy } from '../../proxy-core/src/index.js';
import { memoryKeytar, testServices } from './support/services.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const KEY = `sk-ant-api03-${'x'.repeat(40)}`;

/**
 * The real proxy, except that it refuses (as a reconfigure that throws) any account labelled
 * REFUSED: the window's own checks pass such an account, so what is tested is the undo after the
 * proxy says no.
 */
const REFUSED = 'Refused by the proxy';
function refusingProxy(config: Parameters<typeof createProxy>[0]) {
  const handle = createProxy(config);
  const reconfigure = handle.reconfigure.bind(handle);
  handle.reconfigure = async (next) => {
    const bad = next.accounts.find((a) => a.label === REFUSED);
    if (bad) throw new Error(`account "${bad.id}" cannot be used by this proxy`);
    return reconfigure(next);
  };
  return handle;
}

async function realServices(keytar = memoryKeytar()) {
  const s = await testServices({ createProxy: refusingProxy, keytar });
  cleanups.push(() => s.shutdown(100));
  const started = await s.api.call('proxy.start', {});
  expect(started).toMatchObject({ ok: true, value: { state: 'running' } });
  return Object.assign(s, { keytar });
}

describe('saving an account', () => {
  it('an account the running proxy cannot use is not saved, and the next one still is', async () => {
    const s = await realServices();
    const refused = await s.api.call('accounts.add', {
      account: { provider: 'anthropic', apiKey: KEY, label: REFUSED },
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'account_not_saved', message: expect.stringMatching(/not saved.*proxy/i) },
    });
    expect(await s.api.call('accounts.list', {})).toEqual({ ok: true, value: [] });
    expect(s.keytar.entries.size).toBe(0);
    expect(s.controller.status()).toMatchObject({ state: 'running' });

    const ok = await s.api.call('accounts.add', { account: { provider: 'anthropic', apiKey: KEY } });
    expect(ok).toMatchObject({ ok: true, value: { id: 'anthropic', secrets: { apiKey: 'sk-a…xxxx' } } });
    expect(s.keytar.entries.size).toBe(1);
  });

  it('an edit the proxy cannot use puts the previous account back', async () => {
    const s = await realServices();
    await s.api.call('accounts.add', { account: { provider: 'anthropic', apiKey: KEY, label: 'Mine' } });
    const before = await s.api.call('accounts.list', {});
    const secretsBefore = [...s.keytar.entries.values()];
    const refused = await s.api.call('accounts.update', {
      id: 'mine',
      patch: { apiKey: `sk-ant-api03-${'y'.repeat(40)}`, label: REFUSED },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'account_not_saved' } });
    expect(await s.api.call('accounts.list', {})).toEqual(before);
    expect([...s.keytar.entries.values()]).toEqual(secretsBefore);
  });

  it('an empty form is refused field by field in plain words, and nothing is stored', async () => {
    const s = await realServices();
    const cases: Array<[Record<string, unknown>, Record<string, RegExp>]> = [
      [{ provider: 'anthropic' }, { apiKey: /^is required$/ }],
      [{ provider: 'google-ai' }, { apiKey: /^is required$/ }],
      [{ provider: 'azure' }, { endpoint: /^is required$/, apiKey: /^is required$/ }],
      [{ provider: 'openai' }, { apiKey: /^is required$/ }],
      [{ provider: 'deepseek', baseUrl: 'https://api.deepseek.com/v1' }, { apiKey: /^is required$/ }],
      [{ provider: 'openai-compatible' }, { baseUrl: /^is required: the server's address/ }],
    ];
    for (const [draft, expected] of cases) {
      const v = await s.api.call('accounts.validate', { account: draft });
      const errors = v.ok ? (v.value as { errors: { path: string; message: string }[] }).errors : [];
      for (const [path, message] of Object.entries(expected)) {
        expect(errors.find((e) => e.path === path)?.message, `${draft.provider} ${path}`).toMatch(message);
      }
      expect(JSON.stringify(errors)).not.toMatch(/Invalid input|received undefined/);
      const added = await s.api.call('accounts.add', { account: draft });
      expect(added.ok, String(draft.provider)).toBe(false);
    }
    // A local server needs no key.
    const ollama = await s.api.call('accounts.validate', { account: { provider: 'ollama' } });
    expect(ollama).toMatchObject({ ok: true, value: { valid: true } });
    expect(await s.api.call('accounts.list', {})).toEqual({ ok: true, value: [] });
    expect(s.keytar.entries.size).toBe(0);
  });
});

describe('recognising a credential', () => {
  it.each([
    [`AIzaSy${'A'.repeat(33)}`, 'google-ai', /Google AI Studio/],
    [KEY, 'anthropic', /Anthropic/],
    [`sk-or-v1-${'a'.repeat(64)}`, 'openrouter', /OpenRouter/],
    [`sk-proj-${'Ab1'.repeat(20)}`, 'openai', /OpenAI API key/],
    [`sk-${'0123456789abcdef'.repeat(2)}`, 'deepseek', /DeepSeek/],
    [`AKIA${'ABCDEFGHIJKLMNOP'}`, 'bedrock', /AWS access key/],
    [`ABSK${'QmVkcm9ja0FQSUtleS'.repeat(3)}`, 'bedrock', /Bedrock API key/],
  ])('%s is named as %s', async (text, provider, summary) => {
    const s = await testServices();
    cleanups.push(() => s.shutdown(100));
    const r = await s.api.call('accounts.detectCredential', { text });
    expect(r).toMatchObject({ ok: true, value: { provider, summary: expect.stringMatching(summary) } });
    expect(JSON.stringify(r)).not.toContain(text);
  });
});
