/**
 * The desktop app's lifecycle, written against small Electron-shaped ports so it runs in tests
 * with doubles: single instance, start-up (hidden at login), the window that hides to the tray
 * (saying so the first time), IPC generated from the contract with sender checks, the tray and
 * its actions, and a quit that drains streams. main.ts passes the real Electron objects.
 */

import type { LimitStatusView } from './contract/index.js';
import { channelForEvent, channelForMethod, METHOD_NAMES } from './contract/methods.js';
import { limitAlertId, pendingLimitAlerts } from './limit-alerts.js';
import { HIDDEN_ARG, type LoginItem } from './login-item.js';
import type { AppServices } from './services/app-services.js';
import { type UpdaterPort, UpdateService } from './services/update-service.js';
import { createQuitSequence, isTrustedSender, onWindowClose } from './shell-support.js';
import {
  limitNotification,
  pickTrayLanguage,
  type TrayHandlers,
  type TrayMenuInput,
  trayStrings,
} from './tray-menu.js';

export interface ShellEvent {
  preventDefault(): void;
}

export interface ShellApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance' | 'activate' | 'window-all-closed', listener: () => void): void;
  on(event: 'before-quit', listener: (event: ShellEvent) => void): void;
  whenReady(): Promise<void>;
  quit(): void;
  exit(code: number): void;
  getLocale(): string;
}

export interface ShellWindow {
  /** Identity of the window's web contents, compared with an IPC event's sender. */
  readonly contents: unknown;
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  hide(): void;
  focus(): void;
  onClose(listener: (event: ShellEvent) => void): void;
  send(channel: string, payload: unknown): void;
}

/** What the tray shows: the one state the menu model takes (tray-menu.ts). */
export type ShellTrayState = TrayMenuInput;

export interface ShellTray {
  update(state: ShellTrayState): void;
  notify(title: string, text: string): void;
  destroy(): void;
}

/** What the tray's menu items do: the one type tray-menu.ts declares. */
export type ShellTrayHandlers = TrayHandlers;

export interface IpcInvokeEvent {
  sender: unknown;
  senderUrl?: string;
}

export interface ShellPorts {
  app: ShellApp;
  ipcHandle(channel: string, handler: (event: IpcInvokeEvent, input: unknown) => Promise<unknown>): void;
  createWindow(): ShellWindow;
  /** Null when the desktop has no tray. */
  createTray(state: ShellTrayState, handlers: ShellTrayHandlers): ShellTray | null;
  /**
   * Why this desktop cannot show the tray icon (Linux without a StatusNotifier host), or null when
   * it can. Asked before the tray is made: Electron's Tray does not fail where nothing shows it.
   */
  trayUnavailable?(): Promise<string | null>;
  /** One desktop notification per call (main picks a toast or the tray's balloon; may do nothing). */
  notify(title: string, text: string): void;
  /** The system started the app at login (macOS tells; elsewhere the login item passes --hidden). */
  openedAtLogin?(): boolean;
  /**
   * Registers for the updater's "before-quit-for-update": the updater then closes every window
   * itself (without before-quit on macOS), so windows must close instead of hiding to the tray.
   */
  onBeforeQuitForUpdate?(listener: () => void): void;
  createServices(): Promise<AppServices>;
  loginItem: LoginItem;
  argv: string[];
  /** After whenReady, before services: protocol, session hardening (Electron-only). */
  onReady?(): void;
  /** The auto-updater (electron-updater's autoUpdater) when this build can update itself, else null. */
  createUpdater?(): UpdaterPort | null | Promise<UpdaterPort | null>;
  /** The About dialog (version, licence, third-party notices). */
  showAbout?(): void;
  /** Start-up failed: show it (a dialog) before exiting. */
  fatal(title: string, message: string): void;
  drainMs?: number;
}

export interface RunningShell {
  services: AppServices;
  showWindow(): void;
  window(): ShellWindow | null;
  tray(): ShellTray | null;
}

/** Runs the app; resolves once it is up (or null when another instance already runs). */
export async function runShell(ports: ShellPorts): Promise<RunningShell | null> {
  const { app } = ports;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  let services: AppServices | null = null;
  let win: ShellWindow | null = null;
  let tray: ShellTray | null = null;
  let updates: UpdateService | null = null;
  // Set once an update install has begun: windows close for real (the installer waits for them).
  let installingUpdate = false;

  const quit = createQuitSequence({
    shutdown: async (drainMs) => {
      updates?.dispose();
      await services?.shutdown(drainMs);
      tray?.destroy();
    },
    exit: (code) => app.exit(code),
    drainMs: ports.drainMs,
    log: (m) => services?.appLog.warn(m),
  });

  const language = () =>
    pickTrayLanguage(services?.settings.getSettings().language ?? 'system', app.getLocale());

  const showWindow = () => {
    if (!win || win.isDestroyed()) {
      const created = ports.createWindow();
      win = created;
      created.onClose((event) => {
        const decision = onWindowClose({
          quitting: quit.quitting || installingUpdate,
          trayNoticeShown: services?.settings.getUi().trayNoticeShown ?? true,
          hasTray: tray !== null,
        });
        if (!decision.hide) return;
        event.preventDefault();
        created.hide();
        if (decision.showTrayNotice) {
          services?.settings.setUi({ trayNoticeShown: true });
          const text = trayStrings(language()).closedToTray;
          ports.notify('Keybridge', text);
        }
      });
      created.show();
      return;
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  app.on('before-quit', (event) => {
    if (quit.requestQuit()) event.preventDefault();
  });
  app.on('window-all-closed', () => {
    // With a tray the app stays there; without one, closing the last window quits (unless the
    // updater closed it: it quits the app itself once the install is under way).
    if (!tray && !installingUpdate) app.quit();
  });
  ports.onBeforeQuitForUpdate?.(() => {
    installingUpdate = true;
  });

  await app.whenReady();
  ports.onReady?.();

  try {
    services = await ports.createServices();
  } catch (err) {
    ports.fatal('Keybridge could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
    return null;
  }
  const s = services;

  for (const method of METHOD_NAMES) {
    ports.ipcHandle(channelForMethod(method), async (event, input) => {
      const fromOurWindow = win !== null && !win.isDestroyed() && event.sender === win.contents;
      if (!isTrustedSender(event.senderUrl, fromOurWindow)) {
        s.appLog.warn(`Refused IPC ${method} from ${event.senderUrl ?? 'an unknown frame'}`);
        return { ok: false, error: { code: 'forbidden', message: 'This page may not control Keybridge.' } };
      }
      return s.api.call(method, input);
    });
  }
  s.api.subscribe((event, payload) => {
    if (win && !win.isDestroyed()) win.send(channelForEvent(event), payload);
  });

  const updater = (await ports.createUpdater?.()) ?? null;
  if (updater) updates = new UpdateService({ updater, log: s.appLog });
  const updatesAllowed = () => s.settings.getSettings().checkForUpdates === true;

  const trayState = (): ShellTrayState => ({
    status: s.controller.status(),
    launchAtLogin: s.settings.getSettings().launchAtLogin,
    language: language(),
    ...(updates ? { checkForUpdates: updatesAllowed(), updateReady: updates.readyVersion() } : {}),
    about: ports.showAbout !== undefined,
    limits: limitsNow,
  });

  // Spend limits: the tray warns while one is at 80 % or used up, and a desktop notification says
  // so once per limit, state and period (remembered across restarts).
  let limitsNow: LimitStatusView[] = [];
  const checkLimits = () => {
    let statuses: LimitStatusView[] = [];
    try {
      statuses = s.controller.handle()?.limits() ?? [];
    } catch (err) {
      s.appLog.warn(`Could not read the spend limits: ${err instanceof Error ? err.message : String(err)}`);
    }
    const attention = statuses.filter((l) => l.state !== 'ok');
    const changed = attention.map(limitAlertId).join('\n') !== limitsNow.map(limitAlertId).join('\n');
    limitsNow = attention;
    if (changed) tray?.update(trayState());
    const { alerts, shown } = pendingLimitAlerts(statuses, s.settings.getUi().limitNotices ?? []);
    if (!alerts.length) return;
    s.settings.setUi({ limitNotices: shown });
    for (const alert of alerts) {
      const n = limitNotification(alert, language());
      s.appLog.info(n.text);
      ports.notify(n.title, n.text);
    }
  };
  const noTray = await (ports.trayUnavailable?.() ?? Promise.resolve(null)).catch(() => null);
  const sayNoTray = (why: string) => {
    // The window is then the only way back in: say so in it, and keep it shown.
    s.appLog.warn(`No system tray: ${why}`);
    const t = trayStrings(language());
    s.notices.raise({ id: 'no-tray', level: 'info', message: t.noTray, hint: t.noTrayHint });
  };
  try {
    if (noTray) throw new Error(noTray);
    tray = ports.createTray(trayState(), {
      start: () => void s.controller.start(),
      stop: () => void s.controller.stop(),
      open: showWindow,
      toggleLaunchAtLogin: () => {
        const next = !s.settings.getSettings().launchAtLogin;
        void s.api.call('settings.update', { launchAtLogin: next });
      },
      toggleCheckForUpdates: () => {
        void s.api.call('settings.update', { checkForUpdates: !updatesAllowed() });
      },
      restartToUpdate: () => {
        if (!updates?.readyVersion()) return;
        installingUpdate = true;
        if (!updates.restartToInstall()) installingUpdate = false;
      },
      about: () => ports.showAbout?.(),
      quit: () => app.quit(),
    });
  } catch (err) {
    // Some Linux desktops have no tray; the window then behaves like a normal window.
    sayNoTray(err instanceof Error ? err.message : String(err));
    tray = null;
  }
  s.api.subscribe((event) => {
    if (event === 'settings.changed') updates?.setAllowed(updatesAllowed());
    if (event === 'status.changed' || event === 'settings.changed') tray?.update(trayState());
    if (event === 'limits.changed' || event === 'request.record' || event === 'status.changed') checkLimits();
  });
  updates?.onChange(() => tray?.update(trayState()));
  updates?.setAllowed(updatesAllowed());

  // Keep the OS login item in step with the setting (the user may have removed it elsewhere).
  const wantLogin = s.settings.getSettings().launchAtLogin;
  if (ports.loginItem.isEnabled() !== wantLogin) await ports.loginItem.setEnabled(wantLogin).catch(() => {});

  await s.controller.start();
  tray?.update(trayState());
  checkLimits();
  const atLogin = ports.argv.includes(HIDDEN_ARG) || ports.openedAtLogin?.() === true;
  if (!atLogin || tray === null) showWindow();

  return { services: s, showWindow, window: () => win, tray: () => tray };
}
