/**
 * The canonical model: one shape for requests, responses and stream events that every
 * dialect decodes into and encodes from. See shared DESIGN.md "Dialects and the canonical model".
 *
 * Conventions (every codec must follow them):
 * - Usage.inputTokens counts ALL prompt tokens, cached ones included; cacheReadTokens and
 *   cacheWriteTokens are subsets of it. (Anthropic reports input_tokens without the cached
 *   parts: its codec adds them on decode and subtracts them on encode.)
 * - Usage.outputTokens counts ALL generated tokens, reasoning included; reasoningTokens is a
 *   subset. (Gemini reports thoughtsTokenCount beside candidatesTokenCount: add them.)
 * - Tool-call arguments are carried as JSON text exactly as produced, never re-parsed unless a
 *   target format needs an object.
 * - Stream event `index` is the canonical content-block index within the response, counting
 *   from 0 in the order blocks start. Text and thinking blocks start implicitly with their
 *   first delta; tool calls start with `tool_call_start`. Every block ends with `block_stop`
 *   (encoders must still cope with a missing one by closing open blocks at `finish`).
 * - Several answers to one request (OpenAI `n`, Gemini `candidateCount`): stream events of
 *   content and `finish` carry `choice` (absent = 0), and block indexes count within each choice.
 *   A whole response holds choice 0 in `content`/`finishReason` and the others in `moreChoices`.
 *   `start`, `usage` and `error` are the response's, not one choice's; usage covers all choices.
 */
import type { MessageRef } from '../messages.js';

/** The three client-facing dialects. */
export type Dialect = 'openai' | 'anthropic' | 'gemini';

/** What a provider speaks on the wire: a dialect, or Bedrock Converse. */
/**
 * A body format an upstream takes: a client dialect, or one a provider brings with its own codec
 * (named by that codec's `format`; see `ProviderModule.wireCodecs`).
 */
export type WireFormat = Dialect | (string & {});

export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface TextPart {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
}

export type ImageSource = { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string };

export interface ImagePart {
  type: 'image';
  source: ImageSource;
  cacheControl?: CacheControl;
}

/** A non-image file (PDF and the like). */
export interface DocumentPart {
  type: 'document';
  source: ImageSource;
  title?: string;
  cacheControl?: CacheControl;
}

/** Text, an image or a document: what a tool result holds (and a user turn's plain content). */
export type ContentPart = TextPart | ImagePart | DocumentPart;

export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  /** JSON text of the arguments object ("{}" when none). */
  arguments: string;
  /** Gemini thoughtSignature attached to a functionCall part. */
  signature?: string;
  cacheControl?: CacheControl;
}

export interface ToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  /** Tool name when the source format carries it (Gemini needs it; OpenAI does not send it). */
  name?: string;
  content: ContentPart[];
  isError?: boolean;
  cacheControl?: CacheControl;
}

export interface ThinkingPart {
  type: 'thinking';
  text: string;
  /** Anthropic thinking signature, or Gemini thoughtSignature on a thought part. */
  signature?: string;
}

export interface RedactedThinkingPart {
  type: 'redacted_thinking';
  data: string;
}

export type Part =
  | TextPart
  | ImagePart
  | DocumentPart
  | ToolCallPart
  | ToolResultPart
  | ThinkingPart
  | RedactedThinkingPart;

export type Role = 'user' | 'assistant';

export interface Message {
  role: Role;
  content: Part[];
  /** OpenAI `name` on a message (speaker name in group chats). */
  name?: string;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  strict?: boolean;
  cacheControl?: CacheControl;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  /** The model must call some tool (OpenAI "required", Anthropic "any", Gemini mode ANY). */
  | { type: 'required' }
  | { type: 'tool'; name: string };

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';

export interface ReasoningSettings {
  /** false = explicitly off. */
  enabled: boolean;
  /** Token budget (Anthropic budget_tokens, Gemini thinkingBudget). */
  budgetTokens?: number;
  /** Effort level (OpenAI reasoning_effort, Gemini thinkingLevel). */
  effort?: ReasoningEffort;
  /** Whether the client wants the reasoning text back (Gemini includeThoughts). */
  includeThoughts?: boolean;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name?: string; schema: Record<string, unknown>; strict?: boolean };

export interface CanonicalRequest {
  /** The model id as the client sent it (public id); providers substitute the upstream id. */
  model: string;
  system: TextPart[];
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  /** Undefined when unset; a client's `top_k: 0` decodes to undefined. */
  topK?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  /**
   * Number of choices/candidates requested (OpenAI `n`, Gemini `candidateCount`). Upstreams that
   * make one answer per request get n requests (server/fan-out.ts).
   */
  n?: number;
  reasoning?: ReasoningSettings;
  responseFormat?: ResponseFormat;
  stream: boolean;
  /** OpenAI stream_options.include_usage. */
  includeUsage?: boolean;
  /** End-user id for abuse tracking (OpenAI `user`, Anthropic metadata.user_id). */
  user?: string;
  /** Anthropic beta flags the client asked for (header `anthropic-beta`). */
  anthropicBeta?: string[];
  /** Gemini safetySettings the client sent, kept for Gemini targets (other targets ignore them). */
  safetySettings?: SafetySetting[];
}

/** One Gemini safety setting: a harm category and the threshold at which to block it. */
export interface SafetySetting {
  category: string;
  threshold: string;
}

export type FinishReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'content_filter'
  | 'refusal'
  | 'pause_turn'
  | 'error'
  | 'other';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** The part of cacheWriteTokens written with a 1-hour TTL (priced at 2× input, not 1.25×). */
  cacheWrite1hTokens?: number;
  reasoningTokens?: number;
}

/** One answer of several to the same request (see `CanonicalResponse.moreChoices`). */
export interface CanonicalChoice {
  content: Part[];
  finishReason: FinishReason;
  stopSequence?: string;
}

export interface CanonicalResponse {
  id: string;
  /** The model id to report to the client (normally the public id it asked for). */
  model: string;
  content: Part[];
  finishReason: FinishReason;
  /** The stop sequence that ended generation, when known. */
  stopSequence?: string;
  /** Choices 1, 2, … when the client asked for several (`n`); `content` is choice 0. */
  moreChoices?: CanonicalChoice[];
  /** Usage of the whole answer, every choice included. */
  usage: Usage;
}

export type BlockKind = 'text' | 'thinking' | 'redacted_thinking' | 'tool_call';

export type StreamEvent =
  | { type: 'start'; id: string; model: string; usage?: Partial<Usage> }
  | { type: 'text_delta'; index: number; text: string; choice?: number }
  | { type: 'thinking_delta'; index: number; text: string; choice?: number }
  | { type: 'signature'; index: number; signature: string; choice?: number }
  | { type: 'redacted_thinking'; index: number; data: string; choice?: number }
  | { type: 'tool_call_start'; index: number; id: string; name: string; signature?: string; choice?: number }
  | { type: 'tool_call_delta'; index: number; argumentsDelta: string; choice?: number }
  | { type: 'block_stop'; index: number; choice?: number }
  /** Usage so far; later usage events supersede earlier fields they carry. */
  | { type: 'usage'; usage: Partial<Usage> }
  | { type: 'finish'; reason: FinishReason; stopSequence?: string; choice?: number }
  | { type: 'error'; error: ErrorInfo };

/** A serialisable description of an error, as carried in stream events and records. */
export interface ErrorInfo {
  status: number;
  kind: ErrorKind;
  message: string;
  hint?: string;
  /** The message and hint as catalog codes with parameters, so a window can show them in its language. */
  messageRef?: MessageRef;
  hintRef?: MessageRef;
}

export type ErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limit'
  | 'overloaded'
  | 'timeout'
  | 'upstream'
  | 'internal';

/** One event of an upstream stream, after transport framing (SSE or AWS event-stream). */
export interface WireEvent {
  /** SSE `event:` field, or the AWS `:event-type` header. */
  event?: string;
  /** The payload text (SSE `data:` lines joined; AWS frame payload decoded to text). */
  data: string;
}
