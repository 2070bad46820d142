/** The tray icon and its menu (built from the plain model in tray-menu.ts). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { clipboard, Menu, type MenuItemConstructorOptions, nativeImage, Tray } from 'electron';
import type { ProxyStatusView } from './contract/index.js';
import { trayIconFileName, trayIconPng } from './tray-icon.js';
import {
  endpointFor,
  type TrayAction,
  type TrayHandlers,
  type TrayMenuInput,
  type TrayMenuItem,
  trayIconState,
  trayMenuModel,
  trayTooltip,
} from './tray-menu.js';

export class AppTray {
  readonly #tray: Tray;
  readonly #handlers: TrayHandlers;
  readonly #iconDir: string | undefined;
  #state: TrayMenuInput;

  /** iconDir: the shipped tray icons (see trayIconDir); without it the icons are drawn. */
  constructor(state: TrayMenuInput, handlers: TrayHandlers, iconDir?: string) {
    this.#state = state;
    this.#handlers = handlers;
    this.#iconDir = iconDir;
    this.#tray = new Tray(icon(state.status, iconDir));
    this.#tray.on('click', () => handlers.open());
    this.update(state);
  }

  update(state: TrayMenuInput): void {
    this.#state = state;
    this.#tray.setImage(icon(state.status, this.#iconDir));
    this.#tray.setToolTip(trayTooltip(state.status, state.language, state.limits));
    this.#tray.setContextMenu(Menu.buildFromTemplate(this.#toTemplate(trayMenuModel(state))));
  }

  /** A balloon on Windows; elsewhere a no-op (the window shows its own notice). */
  notify(title: string, content: string): void {
    if (process.platform === 'win32') this.#tray.displayBalloon({ title, content });
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #run(action: TrayAction): void {
    const copy = (style: 'openai' | 'claude' | 'gemini') => {
      const url = endpointFor(style, this.#state.status);
      if (url) clipboard.writeText(url);
    };
    const table: Record<TrayAction, () => void> = {
      start: () => this.#handlers.start(),
      stop: () => this.#handlers.stop(),
      'copy-openai': () => copy('openai'),
      'copy-claude': () => copy('claude'),
      'copy-gemini': () => copy('gemini'),
      open: () => this.#handlers.open(),
      'toggle-launch-at-login': () => this.#handlers.toggleLaunchAtLogin(),
      'toggle-check-for-updates': () => this.#handlers.toggleCheckForUpdates(),
      'restart-to-update': () => this.#handlers.restartToUpdate(),
      about: () => this.#handlers.about(),
      quit: () => this.#handlers.quit(),
    };
    table[action]();
  }

  #toTemplate(items: TrayMenuItem[]): MenuItemConstructorOptions[] {
    return items.map((item): MenuItemConstructorOptions => {
      if (item.type === 'separator') return { type: 'separator' };
      if (item.type === 'submenu') {
        return { label: item.label, enabled: item.enabled, submenu: this.#toTemplate(item.items) };
      }
      const action = item.action;
      return {
        type: item.type,
        label: item.label,
        enabled: item.enabled,
        ...(item.type === 'checkbox' ? { checked: item.checked } : {}),
        ...(action ? { click: () => this.#run(action) } : {}),
      };
    });
  }
}

function icon(status: ProxyStatusView, iconDir: string | undefined) {
  const state = trayIconState(status);
  const file = iconDir ? path.join(iconDir, trayIconFileName(state, process.platform)) : null;
  if (file && existsSync(file)) {
    // createFromPath picks up the @2x file beside it; a *Template name makes it a macOS template image.
    const shipped = nativeImage.createFromPath(file);
    if (!shipped.isEmpty()) {
      if (process.platform === 'darwin') shipped.setTemplateImage(true);
      return shipped;
    }
  }
  const image = nativeImage.createFromBuffer(trayIconPng(state, 32), { scaleFactor: 2 });
  if (process.platform === 'darwin') image.setTemplateImage(false);
  return image;
}
