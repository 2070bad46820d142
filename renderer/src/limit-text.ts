/** Words for spend limits in the window's language: what a limit is on, its amount, when it resets. */
import type { LimitStatusView } from '../../app/contract/index.js';
import { useSectionTranslation } from './i18n/index.js';

export function useLimitText() {
  const { t, i18n } = useSectionTranslation('limits');
  const nf = new Intl.NumberFormat(i18n.language);
  const amount = (value: number, measure: LimitStatusView['measure']) =>
    measure === 'usd' ? `$${value.toFixed(2)}` : t('limits.tokens', { n: nf.format(Math.round(value)) });
  const scope = (s: LimitStatusView['scope']) =>
    s.kind === 'global'
      ? t('limits.scopeGlobal')
      : s.kind === 'account'
        ? t('limits.scopeAccount', { id: s.id })
        : t('limits.scopeKey', { name: s.name });
  const resets = (iso: string) => {
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) return iso;
    const time = at.toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit', hour12: false });
    if (at.getTime() - Date.now() <= 24 * 3600_000) return time;
    return `${at.toLocaleDateString(i18n.language, { month: 'short', day: 'numeric' })} ${time}`;
  };
  /** "Daily limit of $5.00 — all accounts together" */
  const title = (s: LimitStatusView) =>
    t(`limits.title.${s.period}`, { amount: amount(s.limit, s.measure), scope: scope(s.scope) });
  const pct = (s: LimitStatusView) => (s.limit > 0 ? Math.min(100, (s.used / s.limit) * 100) : 100);
  return { amount, scope, resets, title, pct };
}
