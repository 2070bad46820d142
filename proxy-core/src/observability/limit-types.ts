/** Spend limits and per-key usage: the public shapes the window and the CLI read. */

/** A spend limit (issue 19): any of the four, on everything, on an account or on an access key. */
export interface Limit {
  dailyUsd?: number;
  monthlyUsd?: number;
  dailyTokens?: number;
  monthlyTokens?: number;
}

/** What a limit is on: everything together, one account, or one access key (by its name). */
export type LimitScope = { kind: 'global' } | { kind: 'account'; id: string } | { kind: 'key'; name: string };

export type LimitPeriod = 'daily' | 'monthly';
export type LimitMeasure = 'usd' | 'tokens';

/** One configured limit and how much of it is used now. */
export interface LimitStatus {
  scope: LimitScope;
  period: LimitPeriod;
  measure: LimitMeasure;
  limit: number;
  used: number;
  /** ISO time the period ends: the next local midnight, or the 1st of next month at 00:00 local. */
  resetsAt: string;
  /** `warning` from 80 % of the limit, `reached` when it is used up. */
  state: 'ok' | 'warning' | 'reached';
}

/** Requests, tokens (input + output) and known cost over some stretch of time. */
export interface UsageAmount {
  requests: number;
  tokens: number;
  /** Sum of the priced requests' cost, USD (models without a price add none). */
  costUsd: number;
}

/** Usage of one access key: since it was first used, today and this month (local time). */
export interface KeyUsage extends UsageAmount {
  name: string;
  today: UsageAmount;
  month: UsageAmount;
  /** ISO time of the key's last request, if it made any. */
  lastUsed?: string;
}
