import { z } from 'zod';
import { accountBase, httpUrl } from '../../config/account-base.js';

/**
 * Azure OpenAI api-version for the deployment path (`/openai/deployments/{name}/…`). The last
 * version of that generation, which takes the reasoning-model parameters (max_completion_tokens,
 * reasoning_effort). Source: learn.microsoft.com "Azure OpenAI API version lifecycle" — the
 * v1 API (`/openai/v1/…`, GA since Aug 2025) needs no api-version at all.
 */
export const AZURE_DEFAULT_API_VERSION = '2025-04-01-preview';

/** api-version of the data-plane deployment listing (used for discovery). */
export const AZURE_DEPLOYMENTS_LIST_API_VERSION = '2022-12-01';

/** A deployment: the name the user gave it in Azure, and the model behind it (when known). */
export const azureDeployment = z.union([
  z.string().min(1),
  z.object({ name: z.string().min(1), model: z.string().min(1).optional() }),
]);

export const azureAccountSchema = accountBase.extend({
  provider: z.literal('azure'),
  /**
   * The resource endpoint: `https://{resource}.openai.azure.com`,
   * `https://{resource}.cognitiveservices.azure.com`, an Azure AI Foundry
   * `https://{name}.services.ai.azure.com` (a project URL is fine), or a full chat URL copied
   * from the portal (its deployment and api-version are picked up).
   */
  endpoint: httpUrl,
  apiKey: z.string().min(1, 'the Azure key is required'),
  /** api-version for the deployment path. */
  apiVersion: z.string().min(1).optional(),
  /** `deployments`: /openai/deployments/{name}/chat/completions?api-version=…; `v1`: /openai/v1/chat/completions. */
  api: z.enum(['deployments', 'v1']).default('deployments'),
  /** Deployment name → model name (`{"my-gpt4o": "gpt-4o"}`), or a list of names / {name, model}. */
  deployments: z
    .union([z.record(z.string().min(1), z.string().min(1)), z.array(azureDeployment)])
    .default([]),
});
export type AzureAccount = z.infer<typeof azureAccountSchema>;
export type AzureAccountInput = z.input<typeof azureAccountSchema>;

export interface AzureDeployment {
  name: string;
  model?: string;
}

/** The deployments of an account as a list, whichever way they were written. */
export function listDeployments(account: Pick<AzureAccount, 'deployments'>): AzureDeployment[] {
  const d = account.deployments;
  if (Array.isArray(d)) return d.map((x) => (typeof x === 'string' ? { name: x } : { ...x }));
  return Object.entries(d).map(([name, model]) => ({ name, model }));
}

/**
 * The deployments an account serves: those it lists, plus the one named in a pasted chat URL
 * (`…/openai/deployments/{name}/chat/completions`).
 */
export function servedDeployments(
  account: Pick<AzureAccount, 'deployments' | 'endpoint' | 'baseUrl'>,
): AzureDeployment[] {
  const list = listDeployments(account);
  let fromUrl: string | undefined;
  try {
    fromUrl = parseAzureEndpoint(account.baseUrl ?? account.endpoint).deployment;
  } catch {
    fromUrl = undefined;
  }
  if (fromUrl && !list.some((d) => d.name === fromUrl)) list.push({ name: fromUrl });
  return list;
}

export interface ParsedAzureEndpoint {
  /** Scheme + host (+ port), without a trailing slash: the root `/openai/...` paths hang off. */
  root: string;
  /** Deployment named in a pasted chat URL. */
  deployment?: string;
  /** api-version from a pasted URL. */
  apiVersion?: string;
  /** True when a pasted URL used the v1 path. */
  v1: boolean;
}

/**
 * Reads an endpoint as users paste it: a bare resource URL, a Foundry project URL, or a full
 * chat-completions URL with deployment and api-version.
 */
export function parseAzureEndpoint(endpoint: string): ParsedAzureEndpoint {
  const u = new URL(endpoint.trim());
  const path = u.pathname;
  const deployment = /\/openai\/deployments\/([^/]+)/.exec(path)?.[1];
  const apiVersion = u.searchParams.get('api-version') ?? undefined;
  const v1 = /\/openai\/v1(\/|$)/.test(path);
  // Whatever path was pasted (/openai/…, /api/projects/…, /models/…), the APIs hang off the root,
  // unless the endpoint is a gateway with its own prefix before /openai.
  const openaiAt = path.indexOf('/openai');
  const prefix = openaiAt > 0 ? path.slice(0, openaiAt) : '';
  const keepPrefix = prefix !== '' && !/^\/(api\/projects|models)/.test(prefix);
  const root = `${u.protocol}//${u.host}${keepPrefix ? prefix.replace(/\/+$/, '') : ''}`;
  const out: ParsedAzureEndpoint = { root, v1 };
  if (deployment) out.deployment = decodeURIComponent(deployment);
  if (apiVersion) out.apiVersion = apiVersion;
  return out;
}
