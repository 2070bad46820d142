import type { AnthropicAccount } from './anthropic/config.js';
import { createAnthropicProvider } from './anthropic/index.js';
import type { AzureAccount } from './azure/config.js';
import { createAzureProvider } from './azure/index.js';
import type { BedrockAccount } from './bedrock/config.js';
import { createBedrockProvider } from './bedrock/index.js';
import type { GoogleAiAccount } from './google-ai/config.js';
import { createGoogleAiProvider } from './google-ai/index.js';
import type { OpenAICompatibleAccount } from './openai-compatible/config.js';
import { createOpenAICompatibleProvider } from './openai-compatible/index.js';
import type { Provider, ProviderDeps } from './types.js';
import type { VertexAccount } from './vertex/config.js';
import { createVertexProvider, TokenCache } from './vertex/index.js';

/** An account of any provider kind (the config file's `accounts[]` entry, AccountConfig, is this union). */
export type ProviderAccount =
  | OpenAICompatibleAccount
  | AnthropicAccount
  | VertexAccount
  | BedrockAccount
  | AzureAccount
  | GoogleAiAccount;

/** State shared by the providers of every configuration generation of one proxy. */
export interface ProviderShared {
  /** Vertex access tokens, kept across reconfigures (keyed by credential fingerprint). */
  vertexTokens: TokenCache;
}

export function createProviderShared(): ProviderShared {
  return { vertexTokens: new TokenCache() };
}

/** Builds the provider for an account, by its `provider` kind. */
export function createProvider(
  account: ProviderAccount,
  deps: ProviderDeps,
  shared: ProviderShared,
): Provider {
  switch (account.provider) {
    case 'openai-compatible':
    case 'openai':
    case 'deepseek':
    case 'openrouter':
    case 'ollama':
    case 'lmstudio':
    case 'vllm':
      return createOpenAICompatibleProvider(account, deps);
    case 'anthropic':
      return createAnthropicProvider(account, deps);
    case 'vertex':
      return createVertexProvider(account, deps, { tokenCache: shared.vertexTokens });
    case 'bedrock':
      return createBedrockProvider(account, deps);
    case 'azure':
      return createAzureProvider(account, deps);
    case 'google-ai':
      return createGoogleAiProvider(account, deps);
  }
}
