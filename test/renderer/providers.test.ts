/**
 * The window's provider list, forms and presets come from proxy-core's presentation table: the
 * OpenAI-compatible presets exist once, so the form offers every preset proxy-core knows, with the
 * address proxy-core would use.
 */
import { describe, expect, it } from 'vitest';
import { resolveBaseUrl } from '../../proxy-core/src/providers/openai-compatible/index.js';
import { formProviderFor, isRequired, PICKABLE_PROVIDERS, presetsOf } from '../../renderer/src/providers.js';

describe('provider presentation in the window', () => {
  it('offers every OpenAI-compatible preset proxy-core serves, vLLM included, with its address', () => {
    const presets = presetsOf('openai-compatible');
    expect(presets.map((p) => p.kind)).toEqual([
      'openai-compatible',
      'deepseek',
      'openrouter',
      'ollama',
      'lmstudio',
      'vllm',
    ]);
    for (const p of presets.filter((x) => x.baseUrl !== '')) {
      const account = { id: 'a', provider: p.kind, headers: {} } as Parameters<typeof resolveBaseUrl>[0];
      expect(`${resolveBaseUrl(account)}`).toBe(p.baseUrl.replace(/\/+$/, ''));
    }
    expect(presetsOf('openai')).toEqual([]);
  });

  it('lists the forms in the picker and sends presets to their family form', () => {
    expect(PICKABLE_PROVIDERS).toEqual([
      'vertex',
      'bedrock',
      'azure',
      'anthropic',
      'google-ai',
      'openai',
      'openai-compatible',
    ]);
    expect(formProviderFor('vllm')).toBe('openai-compatible');
    expect(formProviderFor('openai')).toBe('openai');
  });

  it('asks for a key where the hosted service refuses calls without one', () => {
    const key = { name: 'apiKey', kind: 'secret', required: false } as const;
    expect(isRequired(key, 'deepseek')).toBe(true);
    expect(isRequired(key, 'openrouter')).toBe(true);
    expect(isRequired(key, 'ollama')).toBe(false);
    expect(isRequired(key, 'openai-compatible')).toBe(false);
  });
});
