/**
 * The Models step shows what the credential test found: every provider that can list its models
 * is asked for the list when the window shows an account's models (whether or not the account
 * serves all of them), and a list that cannot be fetched says why instead of showing nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createProxy } from '../../proxy-core/src/index.js';
import { startAnthropicMock } from '../upstreams/anthropic-mock.js';
import { startAzureMock } from '../upstreams/azure-mock.js';
import { startOpenAIMock } from '../upstreams/openai-mock.js';
import { testServices } from './support/services.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function services() {
  const s = await testServices({ createProxy: (c) => createProxy(c) });
  cleanups.push(() => s.shutdown(100));
  await s.api.call('proxy.start', {});
  return s;
}

type Listing = { models: { id: string }[]; source: string; reason?: string };

describe("an account's models", () => {
  it('DeepSeek (OpenAI-compatible preset) and Anthropic list what the test counted', async () => {
    const oa = await startOpenAIMock({
      apiKey: 'sk-deepseek-e2e',
      models: ['deepseek-chat', 'deepseek-reasoner'],
    });
    const an = await startAnthropicMock();
    cleanups.push(
      () => oa.close(),
      () => an.close(),
    );
    const s = await services();
    const cases = [
      { provider: 'deepseek', apiKey: 'sk-deepseek-e2e', baseUrl: `${oa.url}/v1` },
      { provider: 'anthropic', apiKey: 'sk-ant-test-upstream', baseUrl: an.url },
    ];
    for (const draft of cases) {
      const added = await s.api.call('accounts.add', { account: draft });
      expect(added.ok, JSON.stringify(added)).toBe(true);
      const id = added.ok ? (added.value as { id: string }).id : '';
      const test = await s.api.call('accounts.test', { id });
      expect(test).toMatchObject({
        ok: true,
        value: { ok: true, message: expect.stringMatching(/2 models/) },
      });
      const listing = await s.api.call('accounts.models', { id });
      expect(listing.ok).toBe(true);
      const l = (listing.ok ? listing.value : null) as Listing;
      expect(l.source).toBe('upstream');
      expect(l.models).toHaveLength(2);
    }
    // Listed is not served: nothing is offered to chat apps until the user picks it.
    expect(await s.api.call('models.public', {})).toEqual({ ok: true, value: [] });
  });

  it('Azure lists its deployments', async () => {
    const az = await startAzureMock({
      apiKey: 'azure-key',
      deployments: { 'my-gpt4o': 'gpt-4o', 'my-nano': 'gpt-5-nano' },
    });
    cleanups.push(() => az.close());
    const s = await services();
    const added = await s.api.call('accounts.add', {
      account: { provider: 'azure', endpoint: az.url, apiKey: 'azure-key', deployments: ['my-gpt4o'] },
    });
    expect(added.ok, JSON.stringify(added)).toBe(true);
    const listing = await s.api.call('accounts.models', { id: 'azure' });
    const l = (listing.ok ? listing.value : null) as Listing;
    expect(l.models.map((m) => m.id).sort()).toEqual(['my-gpt4o', 'my-nano']);
  });

  it('a list that cannot be fetched falls back to the typed models and says why', async () => {
    const an = await startAnthropicMock();
    cleanups.push(() => an.close());
    const s = await services();
    await s.api.call('accounts.add', {
      account: { provider: 'anthropic', apiKey: 'sk-ant-wrong-key', baseUrl: an.url, models: ['claude-x'] },
    });
    const listing = await s.api.call('accounts.models', { id: 'anthropic' });
    expect(listing).toMatchObject({
      ok: true,
      value: { source: 'config', models: [{ id: 'claude-x' }], reason: expect.stringMatching(/key|auth/i) },
    });
  });
});
