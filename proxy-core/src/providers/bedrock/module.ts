import { defineProviderModule } from '../module.js';
import { bedrockAccountSchema } from './config.js';
import { bedrockConverseCodec } from './converse/index.js';
import { createBedrockProvider } from './index.js';

/** Amazon Bedrock: Claude as an Anthropic body (InvokeModel), every other model through Converse. */
export const bedrockModule = defineProviderModule({
  kinds: ['bedrock'],
  accountSchema: bedrockAccountSchema,
  create: (account, deps) => createBedrockProvider(account, deps),
  wireCodecs: [bedrockConverseCodec],
  priceSources: ['anthropic'],
});
