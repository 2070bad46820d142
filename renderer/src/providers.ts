/**
 * What the account forms ask for, per provider. Field names are those of proxy-core's account
 * schemas (the draft is sent flat: `{ provider, label, apiKey, region, … }`).
 */
import type { AccountDraft, ProviderKind } from '../../app/contract/index.js';

export type FieldKind = 'text' | 'secret' | 'json-secret' | 'region' | 'url' | 'list';

export interface FieldDef {
  name: string;
  kind: FieldKind;
  required: boolean;
  /** Choices for 'region' fields (the user may also type another). */
  options?: readonly string[];
  placeholder?: string;
  /** Shown under "Advanced" (e.g. the API address override for gateways and test servers). */
  advanced?: boolean;
}

/** Providers the user picks from (OpenAI-compatible presets are chosen inside that form). */
export const PICKABLE_PROVIDERS = [
  'vertex',
  'bedrock',
  'azure',
  'anthropic',
  'google-ai',
  'openai',
  'openai-compatible',
] as const satisfies readonly ProviderKind[];
export type PickableProvider = (typeof PICKABLE_PROVIDERS)[number];

export const VERTEX_REGIONS = [
  'global',
  'us-east5',
  'us-central1',
  'us-east4',
  'us-west1',
  'europe-west1',
  'europe-west4',
  'europe-west9',
  'asia-southeast1',
  'asia-northeast1',
  'us',
  'eu',
] as const;

export const BEDROCK_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'eu-central-1',
  'eu-west-1',
  'eu-west-3',
  'ap-northeast-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-south-1',
] as const;

/** OpenAI-compatible presets: the provider kind proxy-core knows and its default base URL. */
export const OPENAI_COMPATIBLE_PRESETS = [
  { kind: 'openai-compatible', baseUrl: '' },
  { kind: 'deepseek', baseUrl: 'https://api.deepseek.com/v1' },
  { kind: 'openrouter', baseUrl: 'https://openrouter.ai/api/v1' },
  { kind: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
  { kind: 'lmstudio', baseUrl: 'http://127.0.0.1:1234/v1' },
] as const satisfies readonly { kind: ProviderKind; baseUrl: string }[];

const label: FieldDef = { name: 'label', kind: 'text', required: false };
/** Every account may point at another API address (gateways, self-hosted mirrors, test servers). */
const baseUrlOverride: FieldDef = { name: 'baseUrl', kind: 'url', required: false, advanced: true };

export const PROVIDER_FIELDS: Record<PickableProvider, readonly FieldDef[]> = {
  vertex: [
    { name: 'serviceAccount', kind: 'json-secret', required: true },
    { name: 'region', kind: 'region', required: true, options: VERTEX_REGIONS },
    { name: 'projectId', kind: 'text', required: false },
    label,
    baseUrlOverride,
  ],
  bedrock: [
    { name: 'accessKeyId', kind: 'secret', required: true, placeholder: 'AKIA…' },
    { name: 'secretAccessKey', kind: 'secret', required: true },
    { name: 'sessionToken', kind: 'secret', required: false },
    { name: 'region', kind: 'region', required: true, options: BEDROCK_REGIONS },
    label,
    baseUrlOverride,
  ],
  azure: [
    { name: 'endpoint', kind: 'url', required: true, placeholder: 'https://my-resource.openai.azure.com' },
    { name: 'apiKey', kind: 'secret', required: true },
    { name: 'deployments', kind: 'list', required: true },
    label,
  ],
  anthropic: [
    { name: 'apiKey', kind: 'secret', required: true, placeholder: 'sk-ant-…' },
    label,
    baseUrlOverride,
  ],
  'google-ai': [
    { name: 'apiKey', kind: 'secret', required: true, placeholder: 'AIza…' },
    label,
    baseUrlOverride,
  ],
  openai: [{ name: 'apiKey', kind: 'secret', required: true, placeholder: 'sk-…' }, label, baseUrlOverride],
  'openai-compatible': [
    { name: 'baseUrl', kind: 'url', required: true, placeholder: 'https://…/v1' },
    { name: 'apiKey', kind: 'secret', required: false },
    label,
  ],
};

/** The form a provider kind is edited with (presets share the OpenAI-compatible form). */
export function formProviderFor(kind: ProviderKind): PickableProvider {
  return (PICKABLE_PROVIDERS as readonly string[]).includes(kind)
    ? (kind as PickableProvider)
    : 'openai-compatible';
}

/** Hosted OpenAI-compatible services refuse every call without a key (local servers need none). */
const KEY_REQUIRED_KINDS: readonly ProviderKind[] = ['openai', 'deepseek', 'openrouter'];

/** Whether a field must be filled for this kind of account (the preset can make the key required). */
export function isRequired(f: FieldDef, kind: ProviderKind): boolean {
  return f.required || (f.name === 'apiKey' && KEY_REQUIRED_KINDS.includes(kind));
}

export type FormValues = Record<string, string | string[]>;

export function initialValues(provider: PickableProvider): FormValues {
  const values: FormValues = {};
  for (const f of PROVIDER_FIELDS[provider]) {
    values[f.name] = f.kind === 'list' ? [] : f.kind === 'region' ? (f.options?.[0] ?? '') : '';
  }
  return values;
}

/**
 * The draft sent to validate/add/update: empty optional values are left out, so an edit keeps
 * the stored secret when its box is left empty.
 */
export function buildDraft(kind: ProviderKind, values: FormValues): AccountDraft {
  const draft: AccountDraft = { provider: kind };
  for (const [name, value] of Object.entries(values)) {
    if (Array.isArray(value)) {
      const items = value.map((v) => v.trim()).filter(Boolean);
      if (items.length) draft[name] = items;
    } else if (value.trim() !== '') {
      draft[name] = name === 'serviceAccount' ? value : value.trim();
    }
  }
  return draft;
}
