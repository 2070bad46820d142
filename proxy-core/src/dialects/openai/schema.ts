import { z } from 'zod';
import { jsonObjectSchema, toolDefinitionFields } from '../validation-error.js';

/**
 * Inbound OpenAI Chat Completions request schema. Lenient where clients differ (unknown fields
 * pass through, nulls where clients send them), strict about the shapes the conversion relies on.
 */

const TextPartSchema = z.object({ type: z.literal('text'), text: z.string() }).loose();

const ImageUrlPartSchema = z
  .object({
    type: z.literal('image_url'),
    image_url: z.union([z.object({ url: z.string(), detail: z.string().optional() }).loose(), z.string()], {
      error: 'expected an object with a url',
    }),
  })
  .loose();

const FilePartSchema = z
  .object({
    type: z.literal('file'),
    file: z
      .object({
        file_data: z.string().optional(),
        file_id: z.string().optional(),
        filename: z.string().optional(),
      })
      .loose(),
  })
  .loose();

const InputAudioPartSchema = z
  .object({ type: z.literal('input_audio'), input_audio: z.object({}).loose() })
  .loose();

const RefusalPartSchema = z.object({ type: z.literal('refusal'), refusal: z.string() }).loose();

export const UserContentPartSchema = z.discriminatedUnion('type', [
  TextPartSchema,
  ImageUrlPartSchema,
  FilePartSchema,
  InputAudioPartSchema,
]);

const AssistantContentPartSchema = z.discriminatedUnion('type', [TextPartSchema, RefusalPartSchema]);

const stringOr = <T extends z.ZodType>(part: T) =>
  z.union([z.string(), z.array(part)], { error: 'expected string or array' });

const ToolCallSchema = z
  .object({
    id: z.string(),
    type: z.literal('function').optional(),
    function: z.object({ name: z.string(), arguments: z.string().nullish() }).loose(),
  })
  .loose();

const FunctionCallSchema = z.object({ name: z.string(), arguments: z.string().nullish() }).loose();

const SystemMessageSchema = z
  .object({
    role: z.enum(['system', 'developer']),
    content: stringOr(TextPartSchema),
    name: z.string().nullish(),
  })
  .loose();

const UserMessageSchema = z
  .object({ role: z.literal('user'), content: stringOr(UserContentPartSchema), name: z.string().nullish() })
  .loose();

const AssistantMessageSchema = z
  .object({
    role: z.literal('assistant'),
    content: stringOr(AssistantContentPartSchema).nullish(),
    name: z.string().nullish(),
    refusal: z.string().nullish(),
    reasoning_content: z.string().nullish(),
    /** OpenRouter's name for the reasoning text. */
    reasoning: z.string().nullish(),
    tool_calls: z.array(ToolCallSchema).nullish(),
    function_call: FunctionCallSchema.nullish(),
  })
  .loose();

const ToolMessageSchema = z
  .object({ role: z.literal('tool'), tool_call_id: z.string(), content: stringOr(TextPartSchema).nullish() })
  .loose();

const FunctionMessageSchema = z
  .object({ role: z.literal('function'), name: z.string(), content: z.string().nullish() })
  .loose();

export const MessageSchema = z.discriminatedUnion('role', [
  SystemMessageSchema,
  UserMessageSchema,
  AssistantMessageSchema,
  ToolMessageSchema,
  FunctionMessageSchema,
]);

const FunctionDefinitionSchema = z
  .object({ ...toolDefinitionFields, parameters: jsonObjectSchema.nullish() })
  .loose();

const ToolSchema = z.object({ type: z.literal('function'), function: FunctionDefinitionSchema }).loose();

const ToolChoiceSchema = z.union(
  [
    z.enum(['auto', 'none', 'required']),
    z.object({ type: z.literal('function'), function: z.object({ name: z.string() }).loose() }).loose(),
  ],
  { error: 'expected "auto", "none", "required" or {"type":"function","function":{"name":…}}' },
);

const FunctionCallChoiceSchema = z.union([z.enum(['auto', 'none']), z.object({ name: z.string() }).loose()], {
  error: 'expected "auto", "none" or {"name":…}',
});

const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).loose(),
  z.object({ type: z.literal('json_object') }).loose(),
  z
    .object({
      type: z.literal('json_schema'),
      json_schema: z
        .object({
          name: z.string().optional(),
          schema: jsonObjectSchema.optional(),
          strict: z.boolean().nullish(),
        })
        .loose(),
    })
    .loose(),
]);

const EffortSchema = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);

/** OpenRouter's unified reasoning object. */
const OpenRouterReasoningSchema = z
  .object({
    effort: EffortSchema.nullish(),
    max_tokens: z.number().int().nonnegative().nullish(),
    enabled: z.boolean().nullish(),
    exclude: z.boolean().nullish(),
  })
  .loose();

const num = () => z.number().nullish();

export const ChatRequestSchema = z
  .object({
    model: z.string().min(1, 'expected a model id'),
    messages: z.array(MessageSchema),
    tools: z.array(ToolSchema).nullish(),
    tool_choice: ToolChoiceSchema.nullish(),
    functions: z.array(FunctionDefinitionSchema).nullish(),
    function_call: FunctionCallChoiceSchema.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    max_tokens: z.number().int().nonnegative().nullish(),
    max_completion_tokens: z.number().int().nonnegative().nullish(),
    temperature: num(),
    top_p: num(),
    top_k: num(),
    presence_penalty: num(),
    frequency_penalty: num(),
    seed: z.number().int().nullish(),
    n: z.number().int().positive().nullish(),
    stop: z
      .union([z.string(), z.array(z.string())], { error: 'expected string or array of strings' })
      .nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
    reasoning_effort: EffortSchema.nullish(),
    reasoning: OpenRouterReasoningSchema.nullish(),
    response_format: ResponseFormatSchema.nullish(),
    user: z.string().nullish(),
  })
  .loose();

export type ChatRequest = z.infer<typeof ChatRequestSchema>;
export type ChatMessage = z.infer<typeof MessageSchema>;
export type UserContentPart = z.infer<typeof UserContentPartSchema>;
