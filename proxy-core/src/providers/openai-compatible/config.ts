import { z } from 'zod';
import { accountBase } from '../../config/account-base.js';
import { presentationOf } from '../presentation.js';

/** The kinds this folder serves: a custom server, and the known services (presets). */
export const OPENAI_COMPATIBLE_KINDS = [
  'openai-compatible',
  'openai',
  'deepseek',
  'openrouter',
  'ollama',
  'lmstudio',
  'vllm',
] as const;
export type OpenAICompatiblePreset = Exclude<(typeof OPENAI_COMPATIBLE_KINDS)[number], 'openai-compatible'>;

/** Known OpenAI-compatible services and their default base URLs (from the presentation table). */
export const OPENAI_COMPATIBLE_PRESETS = Object.fromEntries(
  OPENAI_COMPATIBLE_KINDS.flatMap((kind) => {
    const url = presentationOf(kind).presetBaseUrl;
    return kind !== 'openai-compatible' && url ? [[kind, url]] : [];
  }),
) as Record<OpenAICompatiblePreset, string>;

export const openaiCompatibleAccountSchema = accountBase.extend({
  provider: z.enum(OPENAI_COMPATIBLE_KINDS),
  /** Upstream API key (may be empty for local servers like Ollama). */
  apiKey: z.string().optional(),
  /** Extra headers sent upstream (OpenRouter's HTTP-Referer, X-Title, …). */
  headers: z.record(z.string(), z.string()).default({}),
});
export type OpenAICompatibleAccount = z.infer<typeof openaiCompatibleAccountSchema>;
