import type { z } from 'zod';
import type { WireCodec } from '../dialects/types.js';
import { anthropicModule } from './anthropic/module.js';
import { azureModule } from './azure/module.js';
import { bedrockModule } from './bedrock/module.js';
import { googleAiModule } from './google-ai/module.js';
import type { ProviderModule } from './module.js';
import { openaiCompatibleModule } from './openai-compatible/module.js';
import type { Provider, ProviderDeps } from './types.js';
import { vertexModule } from './vertex/module.js';

/**
 * Every provider, listed once. The config's account union (config/schema.ts), the codec set
 * (server/proxy.ts) and the kinds the proxy accepts derive from this list; the window's facts about
 * each kind are in `presentation.ts`, which a test keeps in step with it.
 */
export const PROVIDER_MODULES = [
  openaiCompatibleModule,
  anthropicModule,
  vertexModule,
  bedrockModule,
  azureModule,
  googleAiModule,
] as const;

type Modules = typeof PROVIDER_MODULES;
/** The account schemas of the registered providers, as a tuple (for the discriminated union). */
type SchemasOf<T extends readonly unknown[]> = {
  -readonly [I in keyof T]: T[I] extends { accountSchema: infer S } ? S : never;
};
export type AccountSchemas = SchemasOf<Modules>;
export const ACCOUNT_SCHEMAS = PROVIDER_MODULES.map((m) => m.accountSchema) as unknown as AccountSchemas;

/** An account of any provider kind (the config file's `accounts[]` entry, AccountConfig, is this union). */
export type ProviderAccount = z.infer<AccountSchemas[number]>;

/** A registered module, whatever its account type (for code that handles any account). */
type AnyModule = ProviderModule<Modules[number]['accountSchema'], unknown>;

/** The module that serves a provider kind. */
export function moduleFor(kind: string): AnyModule | undefined {
  return (PROVIDER_MODULES as readonly AnyModule[]).find((m) => m.kinds.includes(kind));
}

/** Codecs of the wire formats providers bring beside the client dialects (Bedrock's Converse). */
export function providerWireCodecs(): WireCodec[] {
  return (PROVIDER_MODULES as readonly AnyModule[]).flatMap((m) => m.wireCodecs ?? []);
}

/** State shared by the providers of every configuration generation of one proxy, per module. */
export type ProviderShared = Map<AnyModule, unknown>;

export function createProviderShared(): ProviderShared {
  const shared: ProviderShared = new Map();
  for (const m of PROVIDER_MODULES as readonly AnyModule[])
    if (m.createShared) shared.set(m, m.createShared());
  return shared;
}

/** Builds the provider for an account, by its `provider` kind. */
export function createProvider(
  account: ProviderAccount,
  deps: ProviderDeps,
  shared: ProviderShared,
): Provider {
  const module = moduleFor(account.provider);
  if (!module) throw new Error(`No provider module for "${account.provider}"`);
  return module.create(account as never, deps, shared.get(module));
}

/** Public models an account serves besides its `models` list (Azure: its deployments). */
export function servedModels(account: ProviderAccount): Array<[string, string]> {
  return moduleFor(account.provider)?.servedModels?.(account as never) ?? [];
}
