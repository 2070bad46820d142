import type { Dialect, ErrorInfo, Usage } from '../canonical/types.js';
import type { AttemptRecord } from '../routing/retry-policy.js';

/** One typed record per request (DESIGN.md, Observability). Never contains secrets or bodies. */
export interface RequestRecord {
  id: string;
  /** ISO time the request arrived. */
  time: string;
  dialect: Dialect | 'none';
  /** Which endpoint: chat, completions, count_tokens, models, … */
  endpoint: string;
  method: string;
  path: string;
  publicModel?: string;
  account?: string;
  provider?: string;
  upstreamModel?: string;
  /** The model the upstream says answered (e.g. gpt-5-nano-2025-08-07 behind an Azure deployment). */
  responseModel?: string;
  stream: boolean;
  /** True when the body went through untouched (same-dialect passthrough). */
  passthrough: boolean;
  status: number;
  latencyMs: number;
  /** Time to first token (first content event written to the client). */
  ttftMs?: number;
  usage?: Usage;
  /** Estimated cost in USD; null when the model is not in the price table. */
  costUsd?: number | null;
  error?: ErrorInfo;
  attempts: AttemptRecord[];
  clientAborted?: boolean;
  /** The NAME of the access key the caller presented (never the key itself). */
  accessKey?: string;
}
