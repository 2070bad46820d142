import { defineProviderModule } from '../module.js';
import { PROVIDER_PRESENTATION } from '../presentation.js';
import { anthropicAccountSchema } from './config.js';
import { createAnthropicProvider } from './index.js';

/** Anthropic's own API (an sk-ant- key). */
export const anthropicModule = defineProviderModule({
  kinds: ['anthropic'],
  accountSchema: anthropicAccountSchema,
  create: (account, deps) => createAnthropicProvider(account, deps),
  presentation: { anthropic: PROVIDER_PRESENTATION.anthropic },
  priceSources: ['anthropic'],
});
