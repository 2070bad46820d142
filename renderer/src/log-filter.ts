/** Which live-log records the filters let through (pure, so the table and its tests agree). */
import type { RequestRecordView } from '../../app/contract/index.js';

/** The client dialects the log can be narrowed to. */
export const LOG_DIALECTS = ['openai', 'anthropic', 'gemini'] as const;

export interface LogFilter {
  text: string;
  status: 'all' | 'ok' | 'error';
  dialect: 'all' | (typeof LOG_DIALECTS)[number];
}

export const NO_FILTER: LogFilter = { text: '', status: 'all', dialect: 'all' };

export function isError(r: RequestRecordView): boolean {
  return r.status >= 400 || r.status === 0 || r.error !== undefined || r.clientAborted === true;
}

export function filterRecords(records: readonly RequestRecordView[], f: LogFilter): RequestRecordView[] {
  const text = f.text.trim().toLowerCase();
  return records.filter((r) => {
    if (f.status === 'ok' && isError(r)) return false;
    if (f.status === 'error' && !isError(r)) return false;
    if (f.dialect !== 'all' && r.dialect !== f.dialect) return false;
    if (text) {
      const hay = [r.publicModel, r.upstreamModel, r.account, r.provider, r.path, String(r.status)]
        .filter(Boolean)
        .join(' ')
        .toLowerCase();
      if (!hay.includes(text)) return false;
    }
    return true;
  });
}

export function totalTokens(r: RequestRecordView): number | undefined {
  return r.usage ? r.usage.inputTokens + r.usage.outputTokens : undefined;
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '—';
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}
