import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../proxy-core/src/config/load.js';
import { modelsFromConfig } from '../../../proxy-core/src/routing/catalog.js';

const azure = (deployments: unknown, extra: Record<string, unknown> = {}) => ({
  id: 'az',
  provider: 'azure',
  endpoint: 'https://res.openai.azure.com',
  apiKey: 'k',
  deployments,
  ...extra,
});

describe('Azure deployments in the model list', () => {
  it('each deployment by its name, then by the model behind it (the first deployment of a model takes its name)', () => {
    const models = modelsFromConfig(
      parseConfig({
        accounts: [azure({ 'gpt4o-east': 'gpt-4o', 'gpt4o-west': 'gpt-4o', mini: 'gpt-4o-mini' })],
      }),
    );
    expect(models).toEqual([
      { id: 'gpt4o-east', routes: [{ account: 'az', upstreamModel: 'gpt4o-east' }] },
      { id: 'gpt4o-west', routes: [{ account: 'az', upstreamModel: 'gpt4o-west' }] },
      { id: 'mini', routes: [{ account: 'az', upstreamModel: 'mini' }] },
      { id: 'gpt-4o', routes: [{ account: 'az', upstreamModel: 'gpt4o-east' }] },
      { id: 'gpt-4o-mini', routes: [{ account: 'az', upstreamModel: 'mini' }] },
    ]);
  });

  it('a list of names, a deployment named in a pasted chat URL, and a deployment named like its model', () => {
    const models = modelsFromConfig(
      parseConfig({
        accounts: [
          azure(['gpt-4.1', { name: 'reasoner', model: 'o4-mini' }], {
            endpoint:
              'https://res.openai.azure.com/openai/deployments/pasted/chat/completions?api-version=2024-10-21',
          }),
        ],
      }),
    ).map((m) => m.id);
    expect(models).toEqual(['gpt-4.1', 'reasoner', 'pasted', 'o4-mini']);
  });

  it('an alias or a models entry of the same name comes first; a switched-off account serves nothing', () => {
    const config = parseConfig({
      accounts: [
        azure({ 'my-gpt4o': 'gpt-4o' }),
        { id: 'oa', provider: 'openai', apiKey: 'k', models: ['gpt-4.1'] },
        azure({ other: 'o3' }, { id: 'off', enabled: false }),
      ],
      aliases: { 'gpt-4o': 'gpt-4.1' },
    });
    const models = modelsFromConfig(config);
    expect(models.find((m) => m.id === 'gpt-4o')?.routes).toEqual([
      { account: 'oa', upstreamModel: 'gpt-4.1' },
    ]);
    expect(models.map((m) => m.id)).not.toContain('other');
    expect(models.map((m) => m.id)).not.toContain('o3');
  });
});
