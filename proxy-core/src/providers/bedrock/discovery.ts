import { z } from 'zod';
import { ProxyError } from '../../canonical/errors.js';
import { proxyMsg } from '../../messages.js';
import type { ModelInfo } from '../types.js';
import { type CrossRegionMode, type ProfileKnowledge, profilePrefixesFor } from './inference-profiles.js';

/** Signed GETs against the control plane (`bedrock.{region}.amazonaws.com`); throws ProxyError. */
export interface ControlPlaneClient {
  getJson(pathAndQuery: string, signal?: AbortSignal): Promise<unknown>;
}

const foundationModelSchema = z.looseObject({
  modelId: z.string(),
  modelName: z.string().optional(),
  providerName: z.string().optional(),
  inputModalities: z.array(z.string()).default([]),
  outputModalities: z.array(z.string()).default([]),
  inferenceTypesSupported: z.array(z.string()).default([]),
  modelLifecycle: z.looseObject({ status: z.string().optional() }).optional(),
});
export type FoundationModelSummary = z.infer<typeof foundationModelSchema>;

const foundationModelsSchema = z.looseObject({ modelSummaries: z.array(foundationModelSchema).default([]) });

const inferenceProfileSchema = z.looseObject({
  inferenceProfileId: z.string(),
  inferenceProfileName: z.string().optional(),
  status: z.string().optional(),
  models: z.array(z.looseObject({ modelArn: z.string().optional() })).default([]),
});
export type InferenceProfileSummary = z.infer<typeof inferenceProfileSchema>;

const inferenceProfilesSchema = z.looseObject({
  inferenceProfileSummaries: z.array(inferenceProfileSchema).default([]),
  nextToken: z.string().optional(),
});

/** The lists Keybridge reads from Bedrock's control plane, in words and as catalog codes. */
const LISTS = {
  models: { what: 'the model list', code: 'bedrockModelListShape' },
  profiles: { what: 'the inference profile list', code: 'bedrockProfileListShape' },
} as const;

function parse<T>(schema: z.ZodType<T>, body: unknown, list: keyof typeof LISTS): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const { what, code } = LISTS[list];
  throw new ProxyError('upstream', `Bedrock answered ${what} in an unexpected shape`, {
    hint: 'If this account uses a base URL override, check that it points at Bedrock.',
    messageRef: proxyMsg(code),
    hintRef: proxyMsg('bedrockBaseUrlHint'),
  });
}

/** ListFoundationModels, text output only (chat candidates). */
export async function listFoundationModels(
  client: ControlPlaneClient,
  signal?: AbortSignal,
): Promise<FoundationModelSummary[]> {
  const body = await client.getJson('/foundation-models?byOutputModality=TEXT', signal);
  return parse(foundationModelsSchema, body, 'models').modelSummaries;
}

/** ListInferenceProfiles (system-defined), following nextToken for a few pages. */
export async function listInferenceProfiles(
  client: ControlPlaneClient,
  signal?: AbortSignal,
): Promise<InferenceProfileSummary[]> {
  const out: InferenceProfileSummary[] = [];
  let token: string | undefined;
  for (let page = 0; page < 10; page++) {
    const q = new URLSearchParams({ maxResults: '1000', type: 'SYSTEM_DEFINED' });
    if (token) q.set('nextToken', token);
    const body = parse(
      inferenceProfilesSchema,
      await client.getJson(`/inference-profiles?${q}`, signal),
      'profiles',
    );
    out.push(...body.inferenceProfileSummaries);
    token = body.nextToken;
    if (!token) break;
  }
  return out;
}

/** Chat models: text in and out, current, not embeddings or rerankers. */
export function isChatModel(m: FoundationModelSummary): boolean {
  if (!m.outputModalities.includes('TEXT') || !m.inputModalities.includes('TEXT')) return false;
  if (m.modelLifecycle?.status && m.modelLifecycle.status !== 'ACTIVE') return false;
  return !/embed|rerank/i.test(m.modelId);
}

function foundationIdFromArn(arn: string | undefined): string | undefined {
  return arn ? /foundation-model\/(.+)$/.exec(arn)?.[1] : undefined;
}

export interface DiscoveryResult {
  models: ModelInfo[];
  knowledge: ProfileKnowledge;
}

/**
 * Keeps the models this region can serve for chat: on-demand ones by bare id, profile-only ones
 * by the inference profile this region would use (geography first, then global).
 */
export function chatModelsFrom(
  models: FoundationModelSummary[],
  /** Undefined when the profile list could not be read: profile ids are then guessed by region. */
  profiles: InferenceProfileSummary[] | undefined,
  region: string,
  mode: CrossRegionMode = 'auto',
): DiscoveryResult {
  const activeProfiles = (profiles ?? []).filter((p) => !p.status || p.status === 'ACTIVE');
  const profileIds = new Set(activeProfiles.map((p) => p.inferenceProfileId));
  const profilesByModel = new Map<string, Set<string>>();
  for (const p of activeProfiles) {
    for (const m of p.models) {
      const id = foundationIdFromArn(m.modelArn);
      if (!id) continue;
      let set = profilesByModel.get(id);
      if (!set) {
        set = new Set();
        profilesByModel.set(id, set);
      }
      set.add(p.inferenceProfileId);
    }
  }
  const onDemand = new Set<string>();
  const out: ModelInfo[] = [];
  const seen = new Set<string>();
  const prefixes = profilePrefixesFor(region, mode);
  for (const m of models) {
    if (!isChatModel(m)) continue;
    const info = (id: string): ModelInfo => ({
      id,
      displayName: [m.providerName, m.modelName].filter(Boolean).join(' ') || id,
      ownedBy: m.providerName,
    });
    const direct = m.inferenceTypesSupported.includes('ON_DEMAND');
    if (direct) onDemand.add(m.modelId);
    const candidates = profilesByModel.get(m.modelId) ?? new Set<string>();
    const viaProfile = m.inferenceTypesSupported.includes('INFERENCE_PROFILE');
    const profile = profiles
      ? prefixes.map((p) => p + m.modelId).find((id) => candidates.has(id) || profileIds.has(id))
      : viaProfile && prefixes[0]
        ? prefixes[0] + m.modelId
        : undefined;
    const id = direct && mode !== 'global' ? m.modelId : (profile ?? (direct ? m.modelId : undefined));
    if (!id || seen.has(id)) continue;
    seen.add(id);
    out.push(info(id));
  }
  out.sort((a, b) => a.id.localeCompare(b.id));
  return { models: out, knowledge: { onDemand, profiles: profileIds } };
}
