/** The wire shapes Keybridge reads from OpenAI-compatible servers (beyond Chat Completions). */

/** A model entry of GET /models: OpenAI's `{id}`, some servers' `{name}`, or a bare id. */
export type OpenAiModelEntry = string | { id?: unknown; name?: unknown };

/** GET /models: OpenAI's `{data: […]}`, or `{models: […]}` (Ollama and a few others). */
export interface OpenAiModelsList {
  data?: unknown;
  models?: unknown;
}
