import { defineProviderModule } from '../module.js';
import { vertexAccountSchema } from './config.js';
import { createVertexProvider, TokenCache } from './index.js';
import { loadServiceAccount, serviceAccountPath } from './service-account.js';

/** Vertex AI: Claude and Gemini with a Google Cloud service-account key. */
export const vertexModule = defineProviderModule({
  kinds: ['vertex'],
  accountSchema: vertexAccountSchema,
  /** Access tokens, kept across reconfigures (keyed by credential fingerprint). */
  createShared: () => new TokenCache(),
  create: (account, deps, tokenCache) => createVertexProvider(account, deps, { tokenCache }),
  priceSources: ['anthropic', 'google'],
  credentialFileProblem(account, baseDir) {
    if (account.serviceAccountFile === undefined) return null;
    const loaded = loadServiceAccount(account, baseDir);
    if (loaded.ok) return null;
    return {
      field: 'serviceAccountFile',
      file: serviceAccountPath(account.serviceAccountFile, baseDir),
      message: loaded.error.userMessage,
    };
  },
});
