import { defineProviderModule } from '../module.js';
import { googleAiAccountSchema } from './config.js';
import { createGoogleAiProvider } from './index.js';

/** Google AI Studio (the Gemini API with an AIza… key). */
export const googleAiModule = defineProviderModule({
  kinds: ['google-ai'],
  accountSchema: googleAiAccountSchema,
  create: (account, deps) => createGoogleAiProvider(account, deps),
  priceSources: ['google'],
});
