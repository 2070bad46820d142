import { z } from 'zod';
import { jsonObjectSchema, toolDefinitionFields } from '../validation-error.js';

/** Inbound Anthropic Messages request schema: lenient about extras, strict about shapes used. */

export const CacheControlSchema = z
  .object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() })
  .loose()
  .nullish();

const TextBlockSchema = z
  .object({ type: z.literal('text'), text: z.string(), cache_control: CacheControlSchema })
  .loose();

const Base64SourceSchema = z
  .object({ type: z.literal('base64'), media_type: z.string(), data: z.string() })
  .loose();
const UrlSourceSchema = z.object({ type: z.literal('url'), url: z.string() }).loose();
const TextSourceSchema = z
  .object({ type: z.literal('text'), media_type: z.string().optional(), data: z.string() })
  .loose();

const ImageBlockSchema = z
  .object({
    type: z.literal('image'),
    source: z.discriminatedUnion('type', [Base64SourceSchema, UrlSourceSchema]),
    cache_control: CacheControlSchema,
  })
  .loose();

const DocumentBlockSchema = z
  .object({
    type: z.literal('document'),
    source: z.discriminatedUnion('type', [Base64SourceSchema, UrlSourceSchema, TextSourceSchema]),
    title: z.string().nullish(),
    cache_control: CacheControlSchema,
  })
  .loose();

const ToolUseBlockSchema = z
  .object({
    type: z.literal('tool_use'),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
    cache_control: CacheControlSchema,
  })
  .loose();

const ToolResultContentSchema = z.discriminatedUnion('type', [
  TextBlockSchema,
  ImageBlockSchema,
  DocumentBlockSchema,
]);

const ToolResultBlockSchema = z
  .object({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z
      .union([z.string(), z.array(ToolResultContentSchema)], { error: 'expected string or array' })
      .nullish(),
    is_error: z.boolean().nullish(),
    cache_control: CacheControlSchema,
  })
  .loose();

const ThinkingBlockSchema = z
  .object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().nullish() })
  .loose();

const RedactedThinkingBlockSchema = z
  .object({ type: z.literal('redacted_thinking'), data: z.string() })
  .loose();

export const ContentBlockSchema = z.discriminatedUnion('type', [
  TextBlockSchema,
  ImageBlockSchema,
  DocumentBlockSchema,
  ToolUseBlockSchema,
  ToolResultBlockSchema,
  ThinkingBlockSchema,
  RedactedThinkingBlockSchema,
]);

const MessageSchema = z
  .object({
    role: z.enum(['user', 'assistant']),
    content: z.union([z.string(), z.array(ContentBlockSchema)], { error: 'expected string or array' }),
  })
  .loose();

const ToolSchema = z
  .object({
    ...toolDefinitionFields,
    input_schema: jsonObjectSchema.optional(),
    type: z.string().nullish(),
    cache_control: CacheControlSchema,
  })
  .loose();

const ToolChoiceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().nullish() }).loose(),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().nullish() }).loose(),
  z
    .object({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().nullish() })
    .loose(),
  z.object({ type: z.literal('none') }).loose(),
]);

const ThinkingSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('enabled'), budget_tokens: z.number().int().nonnegative() }).loose(),
  z.object({ type: z.literal('disabled') }).loose(),
  z.object({ type: z.literal('adaptive') }).loose(),
]);

const num = () => z.number().nullish();

/** Structured output: Claude answers with JSON following the schema. */
const OutputFormatSchema = z.object({ type: z.literal('json_schema'), schema: jsonObjectSchema }).loose();

export const MessagesRequestSchema = z
  .object({
    model: z.string().min(1, 'expected a model id'),
    messages: z.array(MessageSchema),
    system: z
      .union([z.string(), z.array(TextBlockSchema)], { error: 'expected string or array of text blocks' })
      .nullish(),
    max_tokens: z.number().int().nonnegative().nullish(),
    metadata: z.object({ user_id: z.string().nullish() }).loose().nullish(),
    stop_sequences: z.array(z.string()).nullish(),
    stream: z.boolean().nullish(),
    temperature: num(),
    top_p: num(),
    top_k: num(),
    tools: z.array(ToolSchema).nullish(),
    tool_choice: ToolChoiceSchema.nullish(),
    thinking: ThinkingSchema.nullish(),
    output_config: z
      .object({
        effort: z.enum(['low', 'medium', 'high', 'max']).nullish(),
        format: OutputFormatSchema.nullish(),
      })
      .loose()
      .nullish(),
    /** The structured-outputs beta's name for output_config.format. */
    output_format: OutputFormatSchema.nullish(),
  })
  .loose();

export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;
export type ContentBlock = z.infer<typeof ContentBlockSchema>;
export type ToolResultContent = z.infer<typeof ToolResultContentSchema>;
