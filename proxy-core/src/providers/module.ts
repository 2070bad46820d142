import type { z } from 'zod';
import type { WireCodec } from '../dialects/types.js';
import type { Provider, ProviderDeps } from './types.js';

/** What every account schema is: a zod object with a `provider` kind (accountBase.extend({…})). */
export type AccountSchema = z.ZodType<{ provider: string; id: string; enabled: boolean }> & {
  shape: { provider: z.ZodType<string> };
};

/**
 * One provider folder, as the rest of proxy-core sees it. Each `providers/<folder>/module.ts`
 * exports one of these and `providers/registry.ts` lists it once; the config's account union, the
 * codec set and the window's provider list derive from the registry and the presentation table
 * (`providers/presentation.ts`, one row per kind, looked up by the kinds listed here).
 */
export interface ProviderModule<Schema extends AccountSchema = AccountSchema, Shared = undefined> {
  /** The `provider` values of its accounts (a family of presets may share one module). */
  readonly kinds: readonly string[];
  /** Its account schema: `accountBase.extend({ provider: z.literal('<kind>'), … })`. */
  readonly accountSchema: Schema;
  /** State kept across reconfigures of one proxy (e.g. Vertex's access tokens), made once. */
  createShared?(): Shared;
  /** Builds the provider for one account. */
  create(account: z.infer<Schema>, deps: ProviderDeps, shared: Shared): Provider;
  /** Codecs of the wire formats it speaks that are not client dialects (Bedrock: Converse). */
  readonly wireCodecs?: readonly WireCodec[];
  /**
   * Where its cost estimates come from: the `sources` of observability/price-table.ts whose list
   * prices its models are billed at (by model id), or none (local servers, whose models are free).
   */
  readonly priceSources: readonly string[];
  /** Public models an account serves besides its `models` list, as [public id, upstream id]. */
  servedModels?(account: z.infer<Schema>): Array<[string, string]>;
  /** Problems with credential files the account points to, checked as `serve` would read them. */
  credentialFileProblem?(account: z.infer<Schema>, baseDir: string): CredentialFileProblem | null;
}

/** A credential file an account names that `serve` could not use. */
export interface CredentialFileProblem {
  /** The account field that names the file. */
  field: string;
  /** The file's full path. */
  file: string;
  /** What is wrong with it, in plain words. */
  message: string;
}

/** Declares a provider module, checking its parts against one another. */
export function defineProviderModule<Schema extends AccountSchema, Shared = undefined>(
  module: ProviderModule<Schema, Shared>,
): ProviderModule<Schema, Shared> {
  return module;
}
