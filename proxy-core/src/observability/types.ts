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
  /**
   * USD prompt caching saved on this request: cache reads at their lower price, less what cache
   * writes cost above the input price (negative on a turn that only wrote). Only with cache usage
   * and a known price.
   */
  cacheSavedUsd?: number;
  error?: ErrorInfo;
  attempts: AttemptRecord[];
  clientAborted?: boolean;
  /** Parameters the client sent that the upstream cannot take and that were left out, in the client's names. */
  droppedParams?: string[];
  /** The NAME of the access key the caller presented (never the key itself). */
  accessKey?: string;
}
