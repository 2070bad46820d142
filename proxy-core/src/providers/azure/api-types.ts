/** The Azure OpenAI wire shapes Keybridge reads (beyond Chat Completions). */

/** GET /openai/deployments: the data-plane deployment list. */
export interface AzureDeploymentList {
  data?: Array<{ id?: string; model?: string; status?: string }>;
}

/** The `error` member of an Azure error answer. */
export interface AzureErrorBody {
  code?: string;
  message?: string;
  param?: string;
  innererror?: {
    code?: string;
    content_filter_result?: Record<string, { filtered?: boolean; detected?: boolean; severity?: string }>;
  };
}

/** An Azure error answer: `{error: {...}}`, or a bare `{statusCode, message}` from the API gateway. */
export interface AzureErrorAnswer {
  error?: AzureErrorBody;
  message?: string;
  statusCode?: number;
}
