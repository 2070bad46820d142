/** The Gemini API's wire shapes Keybridge reads (beyond generateContent, which the dialect types). */

/** GET /{version}/models: one page of the model list. */
export interface GoogleAiModelsPage {
  models?: Array<{
    name?: string;
    displayName?: string;
    inputTokenLimit?: number;
    supportedGenerationMethods?: string[];
  }>;
  nextPageToken?: string;
}
