/**
 * Which spend-limit warnings still need a desktop notification: one per limit, per state (80 % and
 * used up) and per period, remembered across restarts (the ids go into the settings file's UI state).
 */
import type { LimitStatusView } from './contract/index.js';

/** The same limit in the same period and state always has the same id. */
export function limitAlertId(s: LimitStatusView): string {
  const scope =
    s.scope.kind === 'global'
      ? 'global'
      : s.scope.kind === 'account'
        ? `account:${s.scope.id}`
        : `key:${s.scope.name}`;
  return `${scope}|${s.period}|${s.measure}|${s.state}|${s.resetsAt}`;
}

/** The limits to notify now, and the ids to remember (those of periods that ended are forgotten). */
export function pendingLimitAlerts(
  statuses: LimitStatusView[],
  shown: readonly string[],
  now: Date = new Date(),
): { alerts: LimitStatusView[]; shown: string[] } {
  const stillCurrent = shown.filter((id) => {
    const resetsAt = Date.parse(id.slice(id.lastIndexOf('|') + 1));
    return Number.isNaN(resetsAt) || resetsAt > now.getTime();
  });
  const known = new Set(stillCurrent);
  const alerts = statuses.filter((s) => s.state !== 'ok' && !known.has(limitAlertId(s)));
  const next = [...stillCurrent, ...alerts.map(limitAlertId)].slice(-200);
  return { alerts, shown: next };
}
