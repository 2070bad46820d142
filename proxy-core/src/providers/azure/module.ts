import { defineProviderModule } from '../module.js';
import { azureAccountSchema, servedDeployments } from './config.js';
import { createAzureProvider } from './index.js';

/** An Azure OpenAI (or AI Foundry) resource: endpoint, key and deployments. */
export const azureModule = defineProviderModule({
  kinds: ['azure'],
  accountSchema: azureAccountSchema,
  create: (account, deps) => createAzureProvider(account, deps),
  priceSources: ['openai'],
  /**
   * Its deployments, each by its deployment name and, as a second name, by the model behind it
   * (`deployments: {my-gpt4o: gpt-4o}` serves both `my-gpt4o` and `gpt-4o`).
   */
  servedModels(account) {
    const deployments = servedDeployments(account);
    return [
      ...deployments.map((d): [string, string] => [d.name, d.name]),
      ...deployments.flatMap((d): Array<[string, string]> => (d.model ? [[d.model, d.name]] : [])),
    ];
  },
});
