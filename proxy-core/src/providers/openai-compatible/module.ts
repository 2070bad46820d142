import { defineProviderModule } from '../module.js';
import { OPENAI_COMPATIBLE_KINDS, openaiCompatibleAccountSchema } from './config.js';
import { createOpenAICompatibleProvider } from './index.js';

/** Any server that speaks the OpenAI Chat Completions API, and the known services as presets. */
export const openaiCompatibleModule = defineProviderModule({
  kinds: OPENAI_COMPATIBLE_KINDS,
  accountSchema: openaiCompatibleAccountSchema,
  create: (account, deps) => createOpenAICompatibleProvider(account, deps),
  priceSources: ['openai', 'deepseek', 'anthropic', 'google'],
});
