/**
 * The tray's menu as plain data: labels, enabled states and actions, in English and Simplified
 * Chinese. tray.ts turns it into an Electron Menu; tests read it directly.
 */
import type { LimitStatusView, ProxyStatusView } from './contract/index.js';

export type TrayAction =
  | 'start'
  | 'stop'
  | 'copy-openai'
  | 'copy-claude'
  | 'copy-gemini'
  | 'open'
  | 'toggle-launch-at-login'
  | 'toggle-check-for-updates'
  | 'restart-to-update'
  | 'about'
  | 'quit';

export type TrayMenuItem =
  | { type: 'separator' }
  | { type: 'normal'; label: string; enabled: boolean; action?: TrayAction }
  | { type: 'checkbox'; label: string; enabled: boolean; checked: boolean; action: TrayAction }
  | { type: 'submenu'; label: string; enabled: boolean; items: TrayMenuItem[] };

export type TrayIconState = 'running' | 'stopped' | 'error' | 'busy';
export type TrayLanguage = 'en' | 'zh-CN';

const STRINGS = {
  en: {
    running: 'Keybridge is running',
    stopped: 'Keybridge is stopped',
    starting: 'Keybridge is starting…',
    stopping: 'Keybridge is stopping…',
    error: 'Keybridge could not start',
    start: 'Start proxy',
    stop: 'Stop proxy',
    copy: 'Copy endpoint',
    copyOpenai: 'OpenAI style (Custom, Chat Completion)',
    copyClaude: 'Claude style (reverse proxy)',
    copyGemini: 'Gemini style (Google AI Studio reverse proxy)',
    open: 'Open Keybridge',
    login: 'Launch at login',
    checkUpdates: 'Check for updates automatically',
    updateReady: 'Update ready — restart',
    about: 'About Keybridge',
    quit: 'Quit Keybridge',
    closedToTray: 'Keybridge is still running in the tray. Use Quit in the tray menu to stop it.',
    noTray:
      'This desktop shows no tray icons, so Keybridge keeps this window: closing it quits Keybridge and stops the proxy.',
    noTrayHint:
      'On GNOME, install the “AppIndicator and KStatusNotifierItem Support” extension, then open Keybridge again to keep it in the top bar.',
    daily: 'daily',
    monthly: 'monthly',
    scopeGlobal: 'all accounts together',
    scopeAccount: (id: string) => `account ${id}`,
    scopeKey: (name: string) => `the key “${name}”`,
    tokens: (n: string) => `${n} tokens`,
    limitReachedLine: (period: string, limit: string, scope: string) =>
      `⚠ The ${period} limit of ${limit} for ${scope} is used up`,
    limitWarningLine: (pct: number, period: string, limit: string, scope: string) =>
      `⚠ ${pct} % of the ${period} limit of ${limit} for ${scope} is used`,
    limitReachedTitle: 'Keybridge: a spend limit is used up',
    limitWarningTitle: 'Keybridge: a spend limit is nearly used up',
    limitReachedText: (period: string, limit: string, scope: string, used: string, resets: string) =>
      `The ${period} limit of ${limit} for ${scope} is used up (${used}); requests on it are refused until ${resets}. Raise it in Settings → Limits.`,
    limitWarningText: (pct: number, period: string, limit: string, scope: string, used: string) =>
      `${pct} % of the ${period} limit of ${limit} for ${scope} is used (${used}).`,
    limitsTooltip: (n: number) =>
      n === 1 ? '⚠ 1 spend limit needs attention' : `⚠ ${n} spend limits need attention`,
  },
  'zh-CN': {
    running: 'Keybridge 正在运行',
    stopped: 'Keybridge 已停止',
    starting: 'Keybridge 正在启动…',
    stopping: 'Keybridge 正在停止…',
    error: 'Keybridge 无法启动',
    start: '启动代理',
    stop: '停止代理',
    copy: '复制接口地址',
    copyOpenai: 'OpenAI 格式（Custom，Chat Completion）',
    copyClaude: 'Claude 格式（反向代理）',
    copyGemini: 'Gemini 格式（Google AI Studio 反向代理）',
    open: '打开 Keybridge',
    login: '开机时启动',
    checkUpdates: '自动检查更新',
    updateReady: '更新已就绪 — 重启',
    about: '关于 Keybridge',
    quit: '退出 Keybridge',
    closedToTray: 'Keybridge 仍在托盘中运行。要停止它，请在托盘菜单中选择“退出”。',
    noTray: '此桌面不显示托盘图标，因此 Keybridge 会保留此窗口：关闭窗口即退出 Keybridge 并停止代理。',
    noTrayHint:
      '在 GNOME 上，请安装“AppIndicator and KStatusNotifierItem Support”扩展，然后重新打开 Keybridge，即可让它留在顶栏中。',
    daily: '每日',
    monthly: '每月',
    scopeGlobal: '所有账户合计',
    scopeAccount: (id: string) => `账户 ${id} `,
    scopeKey: (name: string) => `密钥“${name}”`,
    tokens: (n: string) => `${n} 个令牌`,
    limitReachedLine: (period: string, limit: string, scope: string) =>
      `⚠ ${scope}的${period}限额 ${limit} 已用完`,
    limitWarningLine: (pct: number, period: string, limit: string, scope: string) =>
      `⚠ ${scope}的${period}限额 ${limit} 已用 ${pct}%`,
    limitReachedTitle: 'Keybridge：花费限额已用完',
    limitWarningTitle: 'Keybridge：花费限额即将用完',
    limitReachedText: (period: string, limit: string, scope: string, used: string, resets: string) =>
      `${scope}的${period}限额 ${limit} 已用完（已用 ${used}），在 ${resets} 之前相关请求会被拒绝。可在“设置 → 限额”中调高。`,
    limitWarningText: (pct: number, period: string, limit: string, scope: string, used: string) =>
      `${scope}的${period}限额 ${limit} 已用 ${pct}%（${used}）。`,
    limitsTooltip: (n: number) => `⚠ 有 ${n} 项花费限额需要注意`,
  },
} as const;

export function trayStrings(language: TrayLanguage) {
  return STRINGS[language];
}

/** 'system' → the OS locale's closest supported language. */
export function pickTrayLanguage(setting: 'system' | 'en' | 'zh-CN', osLocale: string): TrayLanguage {
  if (setting !== 'system') return setting;
  return /^zh(-|_|$)/i.test(osLocale) ? 'zh-CN' : 'en';
}

export function trayIconState(status: ProxyStatusView): TrayIconState {
  if (status.state === 'running') return 'running';
  if (status.state === 'error') return 'error';
  if (status.state === 'stopped') return 'stopped';
  return 'busy';
}

/** The endpoint to paste for each SillyTavern source, or null when the proxy is not running. */
export function endpointFor(style: 'openai' | 'claude' | 'gemini', status: ProxyStatusView): string | null {
  if (status.state !== 'running' || !status.port) return null;
  const origin = `http://127.0.0.1:${status.port}`;
  return style === 'gemini' ? origin : `${origin}/v1`;
}

export function trayTooltip(
  status: ProxyStatusView,
  language: TrayLanguage = 'en',
  limits: LimitStatusView[] = [],
): string {
  const t = STRINGS[language];
  const line = statusLine(status, language);
  const base =
    status.state === 'running' && status.url
      ? `${line}\n${status.url}`
      : line === t.error && status.error
        ? `${line}: ${status.error}`
        : line;
  const attention = limits.filter((l) => l.state !== 'ok');
  if (!attention.length) return base;
  const reached = attention.find((l) => l.state === 'reached');
  return `${base}\n${attention.length === 1 ? limitLine(attention[0]!, language) : t.limitsTooltip(attention.length)}${
    attention.length > 1 && reached ? `\n${limitLine(reached, language)}` : ''
  }`;
}

/** "$5.00" or "1,000,000 tokens", in the tray's language. */
function amount(value: number, measure: LimitStatusView['measure'], language: TrayLanguage): string {
  if (measure === 'usd') return `$${value.toFixed(2)}`;
  return STRINGS[language].tokens(new Intl.NumberFormat(language).format(Math.round(value)));
}

function scopeText(scope: LimitStatusView['scope'], language: TrayLanguage): string {
  const t = STRINGS[language];
  if (scope.kind === 'global') return t.scopeGlobal;
  return scope.kind === 'account' ? t.scopeAccount(scope.id) : t.scopeKey(scope.name);
}

function percent(s: LimitStatusView): number {
  return s.limit > 0 ? Math.floor((s.used / s.limit) * 100) : 100;
}

/** One line for the tray menu: which limit, and how much of it is used. */
export function limitLine(s: LimitStatusView, language: TrayLanguage): string {
  const t = STRINGS[language];
  const args = [t[s.period], amount(s.limit, s.measure, language), scopeText(s.scope, language)] as const;
  return s.state === 'reached' ? t.limitReachedLine(...args) : t.limitWarningLine(percent(s), ...args);
}

/** The desktop notification for a limit at 80 % or used up: title and text. */
export function limitNotification(
  s: LimitStatusView,
  language: TrayLanguage,
  now: Date = new Date(),
): { title: string; text: string } {
  const t = STRINGS[language];
  const period = t[s.period];
  const limit = amount(s.limit, s.measure, language);
  const scope = scopeText(s.scope, language);
  const used = amount(s.used, s.measure, language);
  if (s.state === 'reached') {
    return {
      title: t.limitReachedTitle,
      text: t.limitReachedText(period, limit, scope, used, resetText(s.resetsAt, language, now)),
    };
  }
  return { title: t.limitWarningTitle, text: t.limitWarningText(percent(s), period, limit, scope, used) };
}

/** "00:00" when it resets within a day, else the local date and time ("1 Jan, 00:00"). */
function resetText(iso: string, language: TrayLanguage, now: Date): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const time = at.toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit', hour12: false });
  if (at.getTime() - now.getTime() <= 24 * 3600_000) return time;
  return `${at.toLocaleDateString(language, { month: 'short', day: 'numeric' })} ${time}`;
}

function statusLine(status: ProxyStatusView, language: TrayLanguage): string {
  const t = STRINGS[language];
  return {
    running: t.running,
    stopped: t.stopped,
    starting: t.starting,
    stopping: t.stopping,
    error: t.error,
  }[status.state];
}

/** What the tray's menu items do (the shell wires them to the app). */
export interface TrayHandlers {
  start(): void;
  stop(): void;
  open(): void;
  toggleLaunchAtLogin(): void;
  toggleCheckForUpdates(): void;
  restartToUpdate(): void;
  about(): void;
  quit(): void;
}

export interface TrayMenuInput {
  status: ProxyStatusView;
  launchAtLogin: boolean;
  language: TrayLanguage;
  /** Present where updates are possible (a packaged app): the user's "check for updates" choice. */
  checkForUpdates?: boolean;
  /** A downloaded version waiting for a restart. */
  updateReady?: string | null;
  /** Show "About Keybridge". */
  about?: boolean;
  /** Spend limits at 80 % or used up: one warning line each. */
  limits?: LimitStatusView[];
}

export function trayMenuModel({
  status,
  launchAtLogin,
  language,
  checkForUpdates,
  updateReady,
  about,
  limits,
}: TrayMenuInput): TrayMenuItem[] {
  const t = STRINGS[language];
  const running = status.state === 'running';
  const busy = status.state === 'starting' || status.state === 'stopping';
  const info: TrayMenuItem[] = [{ type: 'normal', label: statusLine(status, language), enabled: false }];
  if (running && status.url) info.push({ type: 'normal', label: status.url, enabled: false });
  if (status.state === 'error' && status.error) {
    info.push({ type: 'normal', label: truncate(status.error, 80), enabled: false });
  }
  if (running && status.portNote)
    info.push({ type: 'normal', label: truncate(status.portNote, 80), enabled: false });
  // Used-up limits first: they are what stops requests.
  const attention = (limits ?? [])
    .filter((l) => l.state !== 'ok')
    .sort((a, b) => (a.state === b.state ? 0 : a.state === 'reached' ? -1 : 1));
  for (const l of attention.slice(0, 5))
    info.push({ type: 'normal', label: truncate(limitLine(l, language), 90), enabled: true, action: 'open' });
  const update: TrayMenuItem[] = updateReady
    ? [
        { type: 'separator' },
        {
          type: 'normal',
          label: `${t.updateReady} (${updateReady})`,
          enabled: true,
          action: 'restart-to-update',
        },
      ]
    : [];
  const preferences: TrayMenuItem[] =
    checkForUpdates === undefined
      ? []
      : [
          {
            type: 'checkbox',
            label: t.checkUpdates,
            enabled: true,
            checked: checkForUpdates,
            action: 'toggle-check-for-updates',
          },
        ];
  return [
    ...info,
    ...update,
    { type: 'separator' },
    running || status.state === 'stopping'
      ? { type: 'normal', label: t.stop, enabled: !busy, action: 'stop' }
      : { type: 'normal', label: t.start, enabled: !busy, action: 'start' },
    {
      type: 'submenu',
      label: t.copy,
      enabled: running,
      items: [
        { type: 'normal', label: t.copyOpenai, enabled: running, action: 'copy-openai' },
        { type: 'normal', label: t.copyClaude, enabled: running, action: 'copy-claude' },
        { type: 'normal', label: t.copyGemini, enabled: running, action: 'copy-gemini' },
      ],
    },
    { type: 'separator' },
    { type: 'normal', label: t.open, enabled: true, action: 'open' },
    {
      type: 'checkbox',
      label: t.login,
      enabled: true,
      checked: launchAtLogin,
      action: 'toggle-launch-at-login',
    },
    ...preferences,
    ...(about ? [{ type: 'normal', label: t.about, enabled: true, action: 'about' } as const] : []),
    { type: 'separator' },
    { type: 'normal', label: t.quit, enabled: true, action: 'quit' },
  ];
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
