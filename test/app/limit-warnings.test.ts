/**
 * Spend-limit warnings on the desktop (issue 19): the tray's menu and tooltip warn while a limit is
 * at 80 % or used up, and a desktop notification says so once per limit, state and period — not
 * again after a restart. The shell runs with the real services and a proxy double whose limits the
 * test sets (proxy-core's own limit arithmetic is tested on the proxy side).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LimitStatusView } from '../../app/contract/index.js';
import { runShell, type ShellApp, type ShellTrayState, type ShellWindow } from '../../app/shell.js';
import { trayMenuModel, trayTooltip } from '../../app/tray-menu.js';
import type { KeybridgeConfig } from '../../proxy-core/src/index.js';
import { FakeProxy } from './support/fake-proxy.js';
import { memoryKeytar, testServices } from './support/services.js';

class LimitedProxy extends FakeProxy {
  statuses: LimitStatusView[] = [];
  limitListeners = new Set<(s: LimitStatusView) => void>();
  override limits() {
    return this.statuses;
  }
  override onLimit(listener: (s: LimitStatusView) => void) {
    this.limitListeners.add(listener);
    return () => this.limitListeners.delete(listener);
  }
  /** What proxy-core does when a limit crosses 80 % or is used up. */
  cross(s: LimitStatusView) {
    this.statuses = [s];
    for (const l of this.limitListeners) l(s);
  }
}

function nextMidnight(): string {
  const d = new Date();
  d.setHours(24, 0, 0, 0);
  return d.toISOString();
}

const daily = (used: number, state: LimitStatusView['state']): LimitStatusView => ({
  scope: { kind: 'account', id: 'my-vertex' },
  period: 'daily',
  measure: 'usd',
  limit: 5,
  used,
  resetsAt: nextMidnight(),
  state,
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function boot(opts: {
  dataDir: string;
  keytar: ReturnType<typeof memoryKeytar>;
  locale?: string;
  initial?: LimitStatusView[];
}) {
  const proxies: LimitedProxy[] = [];
  const services = await testServices({
    dataDir: opts.dataDir,
    keytar: opts.keytar,
    createProxy: (config: KeybridgeConfig) => {
      const p = new LimitedProxy(config);
      p.statuses = opts.initial ?? [];
      proxies.push(p);
      return p;
    },
  });
  const notifications: Array<{ title: string; text: string }> = [];
  const trayStates: ShellTrayState[] = [];
  const app: ShellApp = {
    requestSingleInstanceLock: () => true,
    on: () => {},
    whenReady: async () => {},
    quit: () => {},
    exit: () => {},
    getLocale: () => opts.locale ?? 'en-US',
  };
  const win: ShellWindow = {
    contents: {},
    isDestroyed: () => false,
    isMinimized: () => false,
    restore: () => {},
    show: () => {},
    hide: () => {},
    focus: () => {},
    onClose: () => {},
    send: () => {},
  };
  const shell = await runShell({
    app,
    ipcHandle: () => {},
    createWindow: () => win,
    createTray: (state) => {
      trayStates.push(state);
      return { update: (s) => trayStates.push(s), notify: () => {}, destroy: () => {} };
    },
    notify: (title, text) => notifications.push({ title, text }),
    createServices: async () => services,
    loginItem: { isEnabled: () => false, setEnabled: async () => {} },
    argv: ['keybridge'],
    fatal: () => {},
    drainMs: 50,
  });
  cleanups.push(() => services.shutdown(50));
  expect(shell).not.toBeNull();
  return { proxy: () => proxies.at(-1)!, notifications, trayStates, services };
}

describe('spend-limit warnings in the tray and as notifications', () => {
  it('warns at 80 % and when used up, once each, in the tray and as a notification', async () => {
    const h = await boot({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'kb-lw-')), keytar: memoryKeytar() });
    expect(h.notifications).toEqual([]);
    expect(h.trayStates.at(-1)!.limits).toEqual([]);

    h.proxy().cross(daily(4.1, 'warning'));
    expect(h.notifications).toEqual([
      {
        title: 'Keybridge: a spend limit is nearly used up',
        text: '82 % of the daily limit of $5.00 for account my-vertex is used ($4.10).',
      },
    ]);
    const tray = h.trayStates.at(-1)!;
    expect(tray.limits).toHaveLength(1);
    const menu = trayMenuModel(tray);
    expect(menu).toContainEqual({
      type: 'normal',
      label: '⚠ 82 % of the daily limit of $5.00 for account my-vertex is used',
      enabled: true,
      action: 'open',
    });
    expect(trayTooltip(tray.status, 'en', tray.limits)).toContain(
      '⚠ 82 % of the daily limit of $5.00 for account my-vertex is used',
    );

    // The same limit in the same state: no second notification.
    h.proxy().cross(daily(4.4, 'warning'));
    expect(h.notifications).toHaveLength(1);

    h.proxy().cross(daily(5.03, 'reached'));
    expect(h.notifications.at(-1)).toEqual({
      title: 'Keybridge: a spend limit is used up',
      text: 'The daily limit of $5.00 for account my-vertex is used up ($5.03); requests on it are refused until 00:00. Raise it in Settings → Limits.',
    });
    expect(trayMenuModel(h.trayStates.at(-1)!).map((i) => ('label' in i ? i.label : '—'))).toContain(
      '⚠ The daily limit of $5.00 for account my-vertex is used up',
    );
  });

  it('does not notify again after a restart, and speaks Chinese when the system does', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kb-lw-'));
    const keytar = memoryKeytar();
    const first = await boot({ dataDir, keytar, locale: 'zh-CN' });
    first.proxy().cross(daily(5.03, 'reached'));
    expect(first.notifications).toEqual([
      {
        title: 'Keybridge：花费限额已用完',
        text: '账户 my-vertex 的每日限额 $5.00 已用完（已用 $5.03），在 00:00 之前相关请求会被拒绝。可在“设置 → 限额”中调高。',
      },
    ]);
    await first.services.shutdown(50);
    cleanups.length = 0;
    // Started again with the limit still used up (the ledger survives): the tray warns, no new notification.
    const again = await boot({ dataDir, keytar, locale: 'zh-CN', initial: [daily(5.03, 'reached')] });
    expect(again.notifications).toEqual([]);
    expect(again.trayStates.at(-1)!.limits).toHaveLength(1);
    expect(trayMenuModel(again.trayStates.at(-1)!).map((i) => ('label' in i ? i.label : '—'))).toContain(
      '⚠ 账户 my-vertex 的每日限额 $5.00 已用完',
    );
  });
});
