/**
 * A stand-in for the `electron` module, so the real main process (app/main.ts) runs in Vitest.
 * It records what main asks for and answers as Electron does, including the parts that decide
 * what a user sees:
 *  - app: whenReady, single-instance lock (a second launch gets `false`; the first gets
 *    'second-instance'), quit = before-quit (preventable) → close every window (each 'close'
 *    preventable) → will-quit → exit; window-all-closed only when not quitting; login items
 *    (Windows: keyed by path + args, path defaulting to process.execPath; macOS: args ignored,
 *    `wasOpenedAtLogin`), setAppUserModelId.
 *  - BrowserWindow: options, show/hide/focus, close (preventable), loadURL through the handler
 *    registered with protocol.handle (status, headers and body are kept), web-contents-created.
 *  - session: permission request and check handlers, exercised the way Chromium does for
 *    navigator.clipboard.writeText (a check for 'clipboard-sanitized-write', then a request).
 *  - autoUpdater (the native one): quitAndInstall emits 'before-quit-for-update', closes every
 *    window WITHOUT before-quit, and installs only once all windows are gone (Squirrel.Mac).
 *  - Tray (never throws, as on a Linux desktop with no StatusNotifier host), Menu, nativeImage,
 *    clipboard, Notification, dialog, shell, ipcMain.
 * `appUpdater` stands in for electron-updater's autoUpdater: on macOS its quitAndInstall hands
 * over to the native updater (MacUpdater), elsewhere it starts the installer and then emits
 * 'before-quit-for-update' and calls app.quit() (BaseUpdater).
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import os from 'node:os';

export interface FakeElectronOptions {
  platform: NodeJS.Platform;
  userData: string;
  appPath: string;
  execPath: string;
  isPackaged?: boolean;
  locale?: string;
  /** Another instance already holds the single-instance lock. */
  otherInstance?: FakeElectron;
  /** macOS: the system started the app as a login item. */
  openedAtLogin?: boolean;
  notificationsSupported?: boolean;
  version?: string;
}

export interface PreventableEvent {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
}

function preventable(): PreventableEvent {
  let prevented = false;
  return {
    preventDefault: () => {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}

export interface LoadResult {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

type PermissionRequestHandler = (
  wc: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl: string; isMainFrame: boolean },
) => void;
type PermissionCheckHandler = (
  wc: unknown,
  permission: string,
  requestingOrigin: string,
  details: { requestingUrl?: string; isMainFrame: boolean; securityOrigin?: string },
) => boolean;

export interface FakeMenuItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  submenu?: FakeMenu;
  click?: (...args: unknown[]) => void;
}

export class FakeMenu {
  constructor(readonly items: FakeMenuItem[]) {}
  /** The item whose label starts with `label` (searching submenus too). */
  find(label: string): FakeMenuItem | undefined {
    for (const item of this.items) {
      if (item.label?.startsWith(label)) return item;
      const inner = item.submenu?.find(label);
      if (inner) return inner;
    }
    return undefined;
  }
  labels(): string[] {
    return this.items.map((i) => (i.type === 'separator' ? '—' : (i.label ?? '')));
  }
}

/** Origin string as Electron hands it to permission handlers (a GURL origin: scheme://host/). */
function originOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}/`;
}

export class FakeElectron {
  readonly options: FakeElectronOptions;
  readonly appEvents = new EventEmitter();
  readonly windows: FakeBrowserWindow[] = [];
  readonly trays: FakeTray[] = [];
  readonly notifications: Array<{ title: string; body: string }> = [];
  readonly ipcHandlers = new Map<string, (event: unknown, input: unknown) => unknown>();
  readonly privilegedSchemes: unknown[] = [];
  readonly protocolHandlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  readonly openedPaths: string[] = [];
  readonly externalUrls: string[] = [];
  readonly errorBoxes: Array<[string, string]> = [];
  readonly messageBoxes: unknown[] = [];
  /** Windows: registry Run entries; macOS: the login item. */
  /** Windows: the Run key's values by name; macOS: the one login item. */
  readonly runKey = new Map<string, { path: string; args: string[] }>();
  loginItemCalls: unknown[] = [];
  appUserModelId: string | null = null;
  clipboardText = '';
  exitCode: number | null = null;
  quitRequests = 0;
  /** Squirrel (macOS) or the installer (Windows/Linux) was started for the downloaded update. */
  updateInstalled = false;
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  beforeRequest: ((details: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | null = null;

  #quitting = false;
  #ready = false;
  #holdsLock = false;
  readonly module: Record<string, unknown>;
  readonly nativeUpdater: EventEmitter & { quitAndInstall(): void };
  readonly appUpdater: FakeAppUpdater;

  constructor(options: FakeElectronOptions) {
    this.options = options;
    const fake = this;
    const appEvents = this.appEvents;

    const app = {
      get isPackaged() {
        return options.isPackaged ?? false;
      },
      on(event: string, listener: (...args: unknown[]) => void) {
        appEvents.on(event, listener);
        return app;
      },
      once(event: string, listener: (...args: unknown[]) => void) {
        appEvents.once(event, listener);
        return app;
      },
      emit: (event: string, ...args: unknown[]) => appEvents.emit(event, ...args),
      whenReady: () =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            if (!fake.#ready) {
              fake.#ready = true;
              appEvents.emit('ready');
            }
            resolve();
          }),
        ),
      isReady: () => fake.#ready,
      requestSingleInstanceLock: () => {
        const other = options.otherInstance;
        if (other?.holdsLock() && other.exitCode === null) {
          // The first instance hears about the second launch (argv, working directory).
          other.appEvents.emit('second-instance', preventable(), ['keybridge'], process.cwd(), {});
          return false;
        }
        fake.#holdsLock = true;
        return true;
      },
      quit: () => fake.quit(),
      exit: (code = 0) => fake.exit(code),
      getPath: (name: string) => (name === 'userData' ? options.userData : os.tmpdir()),
      getAppPath: () => options.appPath,
      getVersion: () => options.version ?? '1.2.3',
      getName: () => 'Keybridge',
      getLocale: () => options.locale ?? 'en-US',
      setAppUserModelId: (id: string) => {
        if (options.platform !== 'win32') throw new Error('setAppUserModelId is Windows-only');
        fake.appUserModelId = id;
      },
      // Windows: one value in HKCU\\…\\Run per name (default: the AppUserModelID, which Electron
      // defaults to "electron.app.<name>"), holding the path (default process.execPath) and args.
      // macOS: one login item for the app; path and args are ignored.
      setLoginItemSettings: (s: { openAtLogin: boolean; path?: string; args?: string[]; name?: string }) => {
        fake.loginItemCalls.push(s);
        const name = options.platform === 'win32' ? (s.name ?? fake.defaultRunName()) : 'login-item';
        if (!s.openAtLogin) {
          fake.runKey.delete(name);
          return;
        }
        fake.runKey.set(name, {
          path: options.platform === 'win32' ? (s.path ?? options.execPath) : options.execPath,
          args: options.platform === 'win32' ? (s.args ?? []) : [],
        });
      },
      getLoginItemSettings: (o: { path?: string; args?: string[]; name?: string } = {}) => {
        const name = options.platform === 'win32' ? (o.name ?? fake.defaultRunName()) : 'login-item';
        const entry = fake.runKey.get(name);
        const path = options.platform === 'win32' ? (o.path ?? options.execPath) : options.execPath;
        const args = options.platform === 'win32' ? (o.args ?? []) : [];
        const openAtLogin =
          entry !== undefined && entry.path === path && JSON.stringify(entry.args) === JSON.stringify(args);
        return {
          openAtLogin,
          ...(options.platform === 'darwin'
            ? {
                wasOpenedAtLogin: options.openedAtLogin ?? false,
                status: openAtLogin ? 'enabled' : 'not-registered',
              }
            : {}),
          ...(options.platform === 'win32'
            ? {
                executableWillLaunchAtLogin: [...fake.runKey.values()].some((e) => e.path === path),
                launchItems: [...fake.runKey].map(([n, e]) => ({
                  name: n,
                  ...e,
                  scope: 'user',
                  enabled: true,
                })),
              }
            : {}),
        };
      },
    };

    class BrowserWindow extends FakeBrowserWindow {
      constructor(opts: Record<string, unknown>) {
        super(fake, opts);
      }
      static getAllWindows = () => fake.windows.filter((w) => !w.destroyed);
    }

    class Tray extends FakeTray {
      constructor(image: unknown) {
        super(fake, image);
      }
    }

    class Notification {
      constructor(readonly opts: { title: string; body: string }) {}
      static isSupported = () => options.notificationsSupported ?? true;
      show() {
        fake.notifications.push({ title: this.opts.title, body: this.opts.body });
      }
      on() {
        return this;
      }
    }

    const image = (path: string | null) => ({
      path,
      template: false,
      isEmpty: () => path !== null && !existsSync(path),
      setTemplateImage(v: boolean) {
        this.template = v;
      },
    });

    const nativeUpdater = Object.assign(new EventEmitter(), {
      // Electron's native autoUpdater.quitAndInstall (Squirrel): emits before-quit-for-update,
      // closes every window (no before-quit first) and installs once none is left.
      quitAndInstall: () => {
        nativeUpdater.emit('before-quit-for-update');
        const install = () => {
          fake.updateInstalled = true;
          fake.quit();
        };
        const open = fake.windows.filter((w) => !w.destroyed);
        if (open.length === 0) return install();
        // Electron waits for the window list to empty (however long that takes), then installs.
        fake.waitForWindowsThenInstall();
        for (const w of open) w.close();
      },
    });
    this.nativeUpdater = nativeUpdater;
    this.appUpdater = new FakeAppUpdater(this);

    this.module = {
      app,
      BrowserWindow,
      Tray,
      Menu: { buildFromTemplate: (template: FakeMenuItem[]) => toMenu(template) },
      nativeImage: {
        createFromPath: (p: string) => image(p),
        createFromBuffer: () => image(null),
      },
      clipboard: {
        writeText: (text: string) => {
          fake.clipboardText = text;
        },
        readText: () => fake.clipboardText,
      },
      Notification,
      dialog: {
        showErrorBox: (title: string, message: string) => fake.errorBoxes.push([title, message]),
        showMessageBox: async (opts: unknown) => {
          fake.messageBoxes.push(opts);
          return { response: 0 };
        },
      },
      shell: {
        openPath: async (p: string) => {
          fake.openedPaths.push(p);
          return '';
        },
        openExternal: async (u: string) => {
          fake.externalUrls.push(u);
        },
      },
      ipcMain: {
        handle: (channel: string, handler: (event: unknown, input: unknown) => unknown) => {
          if (fake.ipcHandlers.has(channel))
            throw new Error(`Attempted to register a second handler for '${channel}'`);
          fake.ipcHandlers.set(channel, handler);
        },
      },
      protocol: {
        registerSchemesAsPrivileged: (schemes: unknown[]) => {
          if (fake.#ready) throw new Error('registerSchemesAsPrivileged must be called before app is ready');
          fake.privilegedSchemes.push(...schemes);
        },
        handle: (scheme: string, handler: (request: Request) => Response | Promise<Response>) => {
          fake.protocolHandlers.set(scheme, handler);
        },
      },
      session: {
        defaultSession: {
          setPermissionRequestHandler: (h: PermissionRequestHandler | null) => {
            fake.permissionRequestHandler = h;
          },
          setPermissionCheckHandler: (h: PermissionCheckHandler | null) => {
            fake.permissionCheckHandler = h;
          },
          resolveProxy: async () => 'DIRECT',
          webRequest: {
            onBeforeRequest: (h: FakeElectron['beforeRequest']) => {
              fake.beforeRequest = h;
            },
          },
        },
      },
      autoUpdater: nativeUpdater,
    };
  }

  /** What starts at login. */
  get loginItems(): Array<{ path: string; args: string[] }> {
    return [...this.runKey.values()];
  }

  defaultRunName(): string {
    return this.appUserModelId ?? 'electron.app.Keybridge';
  }

  holdsLock(): boolean {
    return this.#holdsLock;
  }

  get quitting(): boolean {
    return this.#quitting;
  }

  /** app.quit(): before-quit (preventable), then close every window, then will-quit, then exit. */
  quit(): void {
    this.quitRequests++;
    if (this.exitCode !== null) return;
    const event = preventable();
    this.appEvents.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.#quitting = true;
    for (const w of this.windows.filter((x) => !x.destroyed)) {
      w.close();
      if (!w.destroyed) {
        this.#quitting = false; // a window refused to close: the quit is cancelled
        return;
      }
    }
    const willQuit = preventable();
    this.appEvents.emit('will-quit', willQuit);
    if (!willQuit.defaultPrevented) this.exit(0);
  }

  exit(code: number): void {
    if (this.exitCode !== null) return;
    this.exitCode = code;
    for (const w of this.windows) w.destroyed = true;
    this.appEvents.emit('quit', preventable(), code);
  }

  /** Called by a window that has closed. */
  windowClosed(): void {
    if (this.windows.every((w) => w.destroyed)) {
      if (!this.#quitting) this.appEvents.emit('window-all-closed');
      if (this.#pendingNativeInstall) {
        this.#pendingNativeInstall = false;
        this.updateInstalled = true;
        this.quit();
      }
    }
  }
  #pendingNativeInstall = false;
  /** The native updater is waiting for the last window to close. */
  waitForWindowsThenInstall(): void {
    this.#pendingNativeInstall = true;
  }

  /** A page in `win` calls navigator.clipboard.writeText(text) from a click, as Chromium does it. */
  async rendererWritesClipboard(
    win: FakeBrowserWindow,
    text: string,
  ): Promise<'written' | 'NotAllowedError'> {
    const url = win.webContents.getURL();
    const origin = originOf(url);
    const check =
      this.permissionCheckHandler?.(win.webContents, 'clipboard-sanitized-write', origin, {
        requestingUrl: url,
        isMainFrame: true,
        securityOrigin: origin,
      }) ?? true;
    let granted = check;
    if (!granted) {
      granted = await new Promise<boolean>((resolve) => {
        if (!this.permissionRequestHandler) return resolve(true);
        this.permissionRequestHandler(win.webContents, 'clipboard-sanitized-write', resolve, {
          requestingUrl: url,
          isMainFrame: true,
        });
      });
    }
    if (!granted) return 'NotAllowedError';
    this.clipboardText = text;
    return 'written';
  }

  /** What the session's handlers answer for `permission` asked by a page at `url`. */
  async permissionFor(
    permission: string,
    url: string,
    wc: unknown = null,
  ): Promise<{ check: boolean | null; request: boolean | null }> {
    const origin = originOf(url);
    const check =
      this.permissionCheckHandler?.(wc, permission, origin, { requestingUrl: url, isMainFrame: true }) ??
      null;
    const request = this.permissionRequestHandler
      ? await new Promise<boolean>((resolve) =>
          this.permissionRequestHandler?.(wc, permission, resolve, { requestingUrl: url, isMainFrame: true }),
        )
      : null;
    return { check, request };
  }

  /** The tray icon on screen (the last one created and not destroyed). */
  tray(): FakeTray | undefined {
    return this.trays.filter((t) => !t.destroyed).at(-1);
  }

  visibleWindows(): FakeBrowserWindow[] {
    return this.windows.filter((w) => !w.destroyed && w.visible);
  }

  /** Invokes an IPC channel as the preload would, from `win`'s page. */
  invoke(win: FakeBrowserWindow, channel: string, input: unknown = {}): Promise<unknown> {
    const handler = this.ipcHandlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return Promise.resolve(
      handler({ sender: win.webContents, senderFrame: { url: win.webContents.getURL() } }, input),
    );
  }
}

function toMenu(template: FakeMenuItem[]): FakeMenu {
  return new FakeMenu(
    template.map((t) => ({
      ...t,
      submenu: t.submenu
        ? t.submenu instanceof FakeMenu
          ? t.submenu
          : toMenu(t.submenu as FakeMenuItem[])
        : undefined,
    })),
  );
}

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly sent: Array<[string, unknown]> = [];
  readonly loads: LoadResult[] = [];
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
  #url = '';
  constructor(readonly fake: FakeElectron) {
    super();
  }
  getURL() {
    return this.#url;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.windowOpenHandler = h;
  }
  async loadURL(url: string): Promise<void> {
    this.#url = url;
    const scheme = new URL(url).protocol.replace(/:$/, '');
    const handler = this.fake.protocolHandlers.get(scheme);
    if (!handler) throw new Error(`ERR_UNKNOWN_URL_SCHEME (${url})`);
    const res = await handler(new Request(url));
    this.loads.push({
      url,
      status: res.status,
      headers: Object.fromEntries(res.headers),
      body: await res.text(),
    });
    this.emit('did-finish-load');
  }
  /** Navigation requested by the page: true when it went ahead. */
  navigate(url: string): boolean {
    const event = preventable();
    this.emit('will-navigate', event, url);
    return !event.defaultPrevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents: FakeWebContents;
  visible = false;
  destroyed = false;
  minimized = false;
  focusCount = 0;
  constructor(
    readonly fake: FakeElectron,
    readonly options: Record<string, unknown>,
  ) {
    super();
    this.webContents = new FakeWebContents(fake);
    fake.windows.push(this);
    fake.appEvents.emit('web-contents-created', preventable(), this.webContents);
    if (options.show !== false) this.visible = true;
  }
  isDestroyed = () => this.destroyed;
  isVisible = () => this.visible && !this.destroyed;
  isMinimized = () => this.minimized;
  restore = () => {
    this.minimized = false;
  };
  show = () => {
    this.visible = true;
    this.minimized = false;
  };
  hide = () => {
    this.visible = false;
  };
  focus = () => {
    this.focusCount++;
  };
  loadURL(url: string) {
    return this.webContents.loadURL(url);
  }
  /** The close button (or Electron closing it): 'close' may be prevented. */
  close(): void {
    if (this.destroyed) return;
    const event = preventable();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
    this.fake.windowClosed();
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeTray extends EventEmitter {
  image: unknown;
  tooltip = '';
  menu: FakeMenu | null = null;
  destroyed = false;
  readonly balloons: Array<{ title: string; content: string }> = [];
  constructor(
    readonly fake: FakeElectron,
    image: unknown,
  ) {
    super();
    this.image = image;
    fake.trays.push(this);
  }
  setImage(image: unknown) {
    this.image = image;
  }
  setToolTip(t: string) {
    this.tooltip = t;
  }
  setContextMenu(menu: FakeMenu) {
    this.menu = menu;
  }
  displayBalloon(o: { title: string; content: string }) {
    this.balloons.push({ title: o.title, content: o.content });
  }
  destroy() {
    this.destroyed = true;
  }
  /** The user picks a menu item (by the start of its label). */
  choose(label: string): void {
    const item = this.menu?.find(label);
    if (!item) throw new Error(`No tray menu item "${label}" in ${JSON.stringify(this.menu?.labels())}`);
    if (item.enabled === false) throw new Error(`Tray menu item "${label}" is disabled`);
    item.click?.(item, undefined, {});
  }
}

/** electron-updater's autoUpdater, as far as main uses it (the download itself is not simulated). */
export class FakeAppUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  checks = 0;
  offer: string | null = null;
  quitAndInstallCalls = 0;
  constructor(readonly fake: FakeElectron) {
    super();
  }
  async checkForUpdates(): Promise<unknown> {
    this.checks++;
    this.emit('checking-for-update');
    if (!this.offer) {
      this.emit('update-not-available');
      return null;
    }
    const info = { version: this.offer };
    this.emit('update-available', info);
    setImmediate(() => this.emit('update-downloaded', info));
    return { updateInfo: info };
  }
  quitAndInstall(): void {
    this.quitAndInstallCalls++;
    const native = this.fake.nativeUpdater;
    if (this.fake.options.platform === 'darwin') {
      // MacUpdater: Squirrel has the update; Electron's autoUpdater.quitAndInstall does the rest.
      native.quitAndInstall();
      return;
    }
    // BaseUpdater (NSIS, AppImage, deb): start the installer, then emulate the native event and quit.
    this.fake.updateInstalled = true;
    setImmediate(() => {
      native.emit('before-quit-for-update');
      this.fake.quit();
    });
  }
}
