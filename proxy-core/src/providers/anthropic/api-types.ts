/** The Anthropic API's wire shapes Keybridge reads (beyond Messages, which the dialect types). */

/** GET /v1/models: one page of the model list. */
export interface AnthropicModelsPage {
  data?: Array<{ id: string; display_name?: string }>;
  has_more?: boolean;
  last_id?: string;
}
