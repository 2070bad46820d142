import { defineProviderModule } from '../module.js';
import { anthropicAccountSchema } from './config.js';
import { createAnthropicProvider } from './index.js';

/** Anthropic's own API (an sk-ant- key). */
export const anthropicModule = defineProviderModule({
  kinds: ['anthropic'],
  accountSchema: anthropicAccountSchema,
  create: (account, deps) => createAnthropicProvider(account, deps),
  priceSources: ['anthropic'],
});
