import { defineProviderModule } from '../module.js';
import { PROVIDER_PRESENTATION } from '../presentation.js';
import { googleAiAccountSchema } from './config.js';
import { createGoogleAiProvider } from './index.js';

/** Google AI Studio (the Gemini API with an AIza… key). */
export const googleAiModule = defineProviderModule({
  kinds: ['google-ai'],
  accountSchema: googleAiAccountSchema,
  create: (account, deps) => createGoogleAiProvider(account, deps),
  presentation: { 'google-ai': PROVIDER_PRESENTATION['google-ai'] },
  priceSources: ['google'],
});
