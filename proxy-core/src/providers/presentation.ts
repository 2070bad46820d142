/**
 * The presentation table: what the settings window shows and recognises for each provider kind —
 * its form (fields, regions, placeholders), presets, which pasted keys are its own, its API host.
 *
 * Plain data with no imports, so that app/contract can share it with the window without bundling
 * proxy-core's runtime (zod schemas, undici…). It is the one place beside `providers/registry.ts`
 * where provider kinds are listed; the contract's provider enum, the window's provider list and the
 * app's account rules derive from it, and a test checks it names the same kinds as the registry.
 * Labels and hints are translations: `providers.<kind>`, `providerHelp.<form>`,
 * `firstRun.credentialHelp.<form>`, `fields.<name>.label|help` in the window's locale files.
 */

export type FieldKind = 'text' | 'secret' | 'json-secret' | 'region' | 'url' | 'list';

/** One field of a provider's form. Names are those of the provider's account schema. */
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

/** What the window needs to know about one provider kind. */
export interface ProviderPresentation {
  /**
   * The form that edits accounts of this kind: its own (the kind is then listed in the provider
   * picker), or the form of the family it is a preset of.
   */
  form: string;
  /** The fields of the kind's own form, in the order shown. */
  fields?: readonly FieldDef[];
  /** The form starts with a choice among the kinds edited with it (its presets). */
  presetPicker?: boolean;
  /** A preset of a family form: the API address it fills in ('' = the user types one). */
  presetBaseUrl?: string;
  /** The hosted service refuses every call without a key, though the schema lets it be empty. */
  keyRequired?: boolean;
  /** The field of its form a pasted credential goes into. */
  pasteField?: string;
  /** Only text of this shape is carried into `pasteField` when switching to this form. */
  pasteShape?: RegExp;
  /** Its keys are never anything else: worth a word even on a custom server's form. */
  unmistakableKey?: boolean;
  /** A key recognised as this kind fits every preset of this family form too (a generic "sk-…" key). */
  keyFitsForm?: string;
  /** A pasted credential of this structured kind is recognised as this provider's. */
  recognises?: 'service-account-json' | 'aws-access-key';
  /** Its models are the user's own deployment names (the model list says so). */
  deploymentModels?: boolean;
  /** Its default API address, asked about when the user chooses "use the system proxy". */
  probeUrl?: string;
}

const label: FieldDef = { name: 'label', kind: 'text', required: false };
/** Every account may point at another API address (gateways, self-hosted mirrors, test servers). */
const baseUrlOverride: FieldDef = { name: 'baseUrl', kind: 'url', required: false, advanced: true };
/** A hosted service's API key, with the start its keys show (`sk-ant-…`) when they have one. */
const apiKey = (placeholder?: string): FieldDef => ({
  name: 'apiKey',
  kind: 'secret',
  required: true,
  ...(placeholder ? { placeholder } : {}),
});

const VERTEX_REGIONS = [
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

const BEDROCK_REGIONS = [
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

/** Every provider kind, in the order the window lists them (the picker shows those with their own form). */
export const PROVIDER_PRESENTATION = {
  vertex: {
    form: 'vertex',
    fields: [
      { name: 'serviceAccount', kind: 'json-secret', required: true },
      { name: 'region', kind: 'region', required: true, options: VERTEX_REGIONS },
      { name: 'projectId', kind: 'text', required: false },
      label,
      baseUrlOverride,
    ],
    pasteField: 'serviceAccount',
    unmistakableKey: true,
    recognises: 'service-account-json',
    probeUrl: 'https://aiplatform.googleapis.com/',
  },
  bedrock: {
    form: 'bedrock',
    fields: [
      { name: 'accessKeyId', kind: 'secret', required: true, placeholder: 'AKIA…' },
      { name: 'secretAccessKey', kind: 'secret', required: true },
      { name: 'sessionToken', kind: 'secret', required: false },
      { name: 'region', kind: 'region', required: true, options: BEDROCK_REGIONS },
      label,
      baseUrlOverride,
    ],
    pasteField: 'accessKeyId',
    pasteShape: /^(AKIA|ASIA)[0-9A-Z]{16}$/,
    unmistakableKey: true,
    recognises: 'aws-access-key',
    probeUrl: 'https://bedrock-runtime.us-east-1.amazonaws.com/',
  },
  azure: {
    form: 'azure',
    fields: [
      { name: 'endpoint', kind: 'url', required: true, placeholder: 'https://my-resource.openai.azure.com' },
      apiKey(),
      { name: 'deployments', kind: 'list', required: true },
      label,
    ],
    pasteField: 'apiKey',
    deploymentModels: true,
    probeUrl: 'https://openai.azure.com/',
  },
  anthropic: {
    form: 'anthropic',
    fields: [apiKey('sk-ant-…'), label, baseUrlOverride],
    pasteField: 'apiKey',
    unmistakableKey: true,
    probeUrl: 'https://api.anthropic.com/',
  },
  'google-ai': {
    form: 'google-ai',
    fields: [apiKey('AIza…'), label, baseUrlOverride],
    pasteField: 'apiKey',
    unmistakableKey: true,
    probeUrl: 'https://generativelanguage.googleapis.com/',
  },
  openai: {
    form: 'openai',
    fields: [apiKey('sk-…'), label, baseUrlOverride],
    pasteField: 'apiKey',
    presetBaseUrl: 'https://api.openai.com/v1',
    keyRequired: true,
    keyFitsForm: 'openai-compatible',
    probeUrl: 'https://api.openai.com/',
  },
  'openai-compatible': {
    form: 'openai-compatible',
    fields: [
      { name: 'baseUrl', kind: 'url', required: true, placeholder: 'https://…/v1' },
      { name: 'apiKey', kind: 'secret', required: false },
      label,
    ],
    pasteField: 'apiKey',
    presetPicker: true,
    presetBaseUrl: '',
    probeUrl: 'https://api.openai.com/',
  },
  deepseek: {
    form: 'openai-compatible',
    presetBaseUrl: 'https://api.deepseek.com/v1',
    keyRequired: true,
    probeUrl: 'https://api.deepseek.com/',
  },
  openrouter: {
    form: 'openai-compatible',
    presetBaseUrl: 'https://openrouter.ai/api/v1',
    keyRequired: true,
    unmistakableKey: true,
    probeUrl: 'https://openrouter.ai/',
  },
  ollama: { form: 'openai-compatible', presetBaseUrl: 'http://127.0.0.1:11434/v1' },
  lmstudio: { form: 'openai-compatible', presetBaseUrl: 'http://127.0.0.1:1234/v1' },
  vllm: { form: 'openai-compatible', presetBaseUrl: 'http://127.0.0.1:8000/v1' },
} as const satisfies Record<string, ProviderPresentation>;

export type ProviderKind = keyof typeof PROVIDER_PRESENTATION;

/** Every provider kind, in the window's order. */
export const PROVIDER_KINDS = Object.keys(PROVIDER_PRESENTATION) as [ProviderKind, ...ProviderKind[]];

/** The presentation of a kind (loosely typed, for code that reads any kind's facts). */
export function presentationOf(kind: ProviderKind): ProviderPresentation {
  return PROVIDER_PRESENTATION[kind];
}

/**
 * API keys recognisable by their shape, most specific first (the first match wins), with the
 * English summary and the window's catalog code for it.
 */
export const KEY_SHAPES = [
  { kind: 'anthropic', pattern: /^sk-ant-/, what: 'Anthropic API key', code: 'credAnthropic' },
  {
    kind: 'google-ai',
    pattern: /^AIza[0-9A-Za-z_-]{30,}$/,
    what: 'Google AI Studio API key',
    code: 'credGoogleAi',
  },
  { kind: 'openrouter', pattern: /^sk-or-/, what: 'OpenRouter API key', code: 'credOpenRouter' },
  {
    kind: 'bedrock',
    pattern: /^(ABSK[A-Za-z0-9+/=]{20,}|bedrock-api-key-\S{20,})$/,
    what: 'Amazon Bedrock API key',
    code: 'credBedrockKey',
  },
  {
    kind: 'openai',
    pattern: /^sk-(proj|svcacct|admin)-[A-Za-z0-9_-]{20,}$/,
    what: 'OpenAI API key',
    code: 'credOpenAiKey',
  },
  // DeepSeek's keys are "sk-" and 32 hexadecimal digits; OpenAI's older ones are longer, mixed case.
  { kind: 'deepseek', pattern: /^sk-[0-9a-f]{32}$/, what: 'DeepSeek API key', code: 'credDeepSeek' },
  {
    kind: 'openai',
    pattern: /^sk-[A-Za-z0-9_-]{20,}$/,
    what: 'OpenAI-style API key (OpenAI, DeepSeek or another compatible service)',
    code: 'credOpenAi',
  },
  {
    kind: 'azure',
    pattern: /^([0-9a-f]{32}|[A-Za-z0-9]{84})$/i,
    what: 'Azure OpenAI key',
    code: 'credAzure',
  },
] as const satisfies ReadonlyArray<{ kind: ProviderKind; pattern: RegExp; what: string; code: string }>;
