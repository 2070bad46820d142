import { z } from 'zod';
import { invalidRequest, type ProxyError } from '../../canonical/errors.js';
import { proxyMsg } from '../../messages.js';
import { formatIssuePath, jsonObjectSchema as jsonObject } from '../validation-error.js';

/**
 * Validation of inbound Gemini generateContent bodies. The REST API accepts snake_case and
 * camelCase for every field, so keys are first normalised to camelCase — except inside values that
 * belong to the user (function arguments and results, JSON schemas, labels), which are kept as sent.
 */

const OPAQUE_KEYS = new Set([
  'args',
  'response',
  'parameters',
  'parametersJsonSchema',
  'responseSchema',
  'responseJsonSchema',
  'labels',
]);

/** `snake_case` → `snakeCase` (a key without `_` is returned as it is). */
export function camel(key: string): string {
  return key.includes('_') ? key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) : key;
}

/** Renames snake_case keys to camelCase, leaving user-owned values untouched. */
export function camelizeGeminiKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelizeGeminiKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = camel(k);
    // A body carrying both spellings keeps the camelCase one.
    if (key !== k && key in (value as Record<string, unknown>)) continue;
    out[key] = OPAQUE_KEYS.has(key) ? v : camelizeGeminiKeys(v);
  }
  return out;
}

const inlineData = z.object({ mimeType: z.string().min(1), data: z.string() });
const fileData = z.object({ mimeType: z.string().optional(), fileUri: z.string().min(1) });

const functionCall = z.object({
  id: z.string().optional(),
  name: z.string().min(1),
  args: jsonObject.optional(),
});

const functionResponse = z.object({
  id: z.string().optional(),
  name: z.string().min(1),
  response: jsonObject.optional(),
  parts: z.array(z.object({ inlineData: inlineData.optional(), fileData: fileData.optional() })).optional(),
});

/** A part: every member is optional, but one of the content members must be there. */
export const geminiPartSchema = z
  .object({
    text: z.string(),
    thought: z.boolean(),
    thoughtSignature: z.string(),
    inlineData,
    fileData,
    functionCall,
    functionResponse,
    executableCode: z.object({ language: z.string().optional(), code: z.string() }),
    codeExecutionResult: z.object({ outcome: z.string(), output: z.string() }).partial(),
  })
  .partial()
  .refine(
    (p) =>
      p.text !== undefined ||
      p.inlineData !== undefined ||
      p.fileData !== undefined ||
      p.functionCall !== undefined ||
      p.functionResponse !== undefined ||
      p.executableCode !== undefined ||
      p.codeExecutionResult !== undefined,
    'needs one of text, inlineData, fileData, functionCall or functionResponse',
  );
export type GeminiPartInput = z.infer<typeof geminiPartSchema>;

export const geminiContentSchema = z.object({
  role: z.string().optional(),
  parts: z.array(geminiPartSchema).default([]),
});
export type GeminiContentInput = z.infer<typeof geminiContentSchema>;

const functionDeclaration = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: jsonObject.optional(),
  parametersJsonSchema: jsonObject.optional(),
});

const tool = z
  .object({ functionDeclarations: z.array(functionDeclaration).optional() })
  .catchall(z.unknown());

const toolConfig = z.object({
  functionCallingConfig: z
    .object({
      mode: z.string().optional(),
      allowedFunctionNames: z.array(z.string()).optional(),
    })
    .optional(),
});

const thinkingConfig = z
  .object({ thinkingBudget: z.number().int(), includeThoughts: z.boolean(), thinkingLevel: z.string() })
  .partial();

/** Every generation setting is optional. */
const generationConfig = z
  .object({
    temperature: z.number(),
    topP: z.number(),
    topK: z.number(),
    maxOutputTokens: z.number().int().nonnegative(),
    stopSequences: z.union([z.array(z.string()), z.string().transform((s) => [s])]),
    candidateCount: z.number().int().positive(),
    seed: z.number().int(),
    presencePenalty: z.number(),
    frequencyPenalty: z.number(),
    responseMimeType: z.string(),
    responseSchema: jsonObject,
    responseJsonSchema: jsonObject,
    thinkingConfig,
  })
  .partial();

const safetySetting = z.object({ category: z.string(), threshold: z.string() });

export const geminiRequestSchema = z.object({
  model: z.string().optional(),
  contents: z.array(geminiContentSchema, {
    error: (issue) =>
      issue.input === undefined
        ? 'is required: a list of {role, parts} turns'
        : 'must be a list of {role, parts} turns',
  }),
  systemInstruction: z.union([geminiContentSchema, z.string()]).optional(),
  tools: z.array(tool).optional(),
  toolConfig: toolConfig.optional(),
  generationConfig: generationConfig.optional(),
  safetySettings: z.array(safetySetting).optional(),
  cachedContent: z.string().optional(),
});
export type GeminiRequestInput = z.infer<typeof geminiRequestSchema>;

/** Validates an inbound body; throws a 400 ProxyError naming the first bad field. */
export function parseGeminiRequest(body: unknown): GeminiRequestInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidRequest(
      'The request body must be a JSON object (a Gemini generateContent request).',
      'Send {"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}.',
      { message: proxyMsg('geminiBodyNotObject'), hint: proxyMsg('geminiBodyNotObjectHint') },
    );
  }
  const result = geminiRequestSchema.safeParse(camelizeGeminiKeys(body));
  if (result.success) return result.data;
  throw badField(result.error.issues);
}

function badField(issues: ReadonlyArray<z.core.$ZodIssue>): ProxyError {
  const first = issues[0];
  const where = first ? formatIssuePath(first.path) : '';
  const what = first?.message ?? 'is not valid';
  const detail = `${where ? `${where}: ` : ''}${what}`;
  return invalidRequest(
    `Invalid Gemini request: ${detail}`,
    'Check the request your app sends; the field named above is not in the shape Gemini expects.',
    {
      message: proxyMsg('invalidClientRequest', { api: 'Gemini', detail }),
      hint: proxyMsg('geminiFieldHint'),
    },
  );
}
