import { describe, expect, it } from 'vitest';
import { GLOBAL_SCOPE, LimitsLedger } from '../../../proxy-core/src/observability/limits-ledger.js';

describe('LimitsLedger: a new local day or month starts afresh', () => {
  it('today resets at local midnight, this month on the 1st, and each period’s warnings with it', () => {
    let clock = new Date(2026, 10, 14, 12, 0).getTime(); // 14 Nov, noon local time
    const ledger = new LimitsLedger({ now: () => clock });
    ledger.add({ time: clock, tokens: 1000, costUsd: 0.5, account: 'gcp' });
    ledger.markNotified('global|daily|usd', 'warning');
    ledger.markNotified('global|monthly|usd', 'reached');
    expect(ledger.used(GLOBAL_SCOPE, 'daily')).toEqual({ requests: 1, tokens: 1000, costUsd: 0.5 });
    expect(ledger.used(GLOBAL_SCOPE, 'monthly')).toEqual({ requests: 1, tokens: 1000, costUsd: 0.5 });

    clock = new Date(2026, 10, 15, 0, 1).getTime(); // just after midnight: a new day, same month
    expect(ledger.used(GLOBAL_SCOPE, 'daily')).toEqual({ requests: 0, tokens: 0, costUsd: 0 });
    expect(ledger.used('account:gcp', 'monthly')).toEqual({ requests: 1, tokens: 1000, costUsd: 0.5 });
    expect(ledger.notified('global|daily|usd')).toBeUndefined();
    expect(ledger.notified('global|monthly|usd')).toBe('reached');

    ledger.add({ time: clock, tokens: 10, costUsd: 0.25 });
    clock = new Date(2026, 11, 1, 9, 0).getTime(); // 1 Dec: a new day and a new month
    expect(ledger.used(GLOBAL_SCOPE, 'daily')).toEqual({ requests: 0, tokens: 0, costUsd: 0 });
    expect(ledger.used(GLOBAL_SCOPE, 'monthly')).toEqual({ requests: 0, tokens: 0, costUsd: 0 });
    expect(ledger.notified('global|monthly|usd')).toBeUndefined();
  });
});
