/**
 * The tray's menu as plain data: labels, enabled states and actions, in English and Simplified
 * Chinese. tray.ts turns it into an Electron Menu; tests read it directly.
 */
import type { ProxyStatusView } from './contract/index.js';

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

export function trayTooltip(status: ProxyStatusView, language: TrayLanguage = 'en'): string {
  const t = STRINGS[language];
  const line = statusLine(status, language);
  return status.state === 'running' && status.url
    ? `${line}\n${status.url}`
    : line === t.error && status.error
      ? `${line}: ${status.error}`
      : line;
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
}

export function trayMenuModel({
  status,
  launchAtLogin,
  language,
  checkForUpdates,
  updateReady,
  about,
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
