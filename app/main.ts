/**
 * Electron main: hands the real Electron objects to the shell (shell.ts) and adds what only
 * Electron has — the app protocol with its CSP, session hardening, navigation and window-open
 * denial, the permission rule, login items, notifications and the Linux tray check. The lifecycle
 * itself lives in shell.ts; this file runs in test/app/main-process.test.ts under a stand-in electron.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  autoUpdater,
  type BrowserWindow,
  dialog,
  ipcMain,
  Notification,
  protocol,
  session,
  shell,
} from 'electron';
import electronUpdater from 'electron-updater';
import { aboutContent, canSelfUpdate, macAppBundle } from './about.js';
import { defaultCreateProxy } from './dev-host/index.js';
import { createLoginItem, loginExecutable } from './login-item.js';
import { createAppServices } from './services/app-services.js';
import { runShell, type ShellWindow } from './shell.js';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_USER_MODEL_ID,
  notificationRoute,
  permissionAllowed,
  preloadChannelArgument,
  RENDERER_CSP,
  rendererFileFor,
} from './shell-support.js';
import { AppTray } from './tray.js';
import { checkTrayHost } from './tray-host.js';
import { trayIconDir } from './tray-icon.js';
import { createMainWindow } from './window.js';

const platform = process.platform;
const here = path.dirname(fileURLToPath(import.meta.url));
// The built settings window sits in the app (app.asar when packaged, the checkout otherwise).
const rendererDir = path.join(app.getAppPath(), 'renderer', 'dist');
const preloadPath = path.join(here, 'preload.cjs');

// Windows shows a toast only for the AppUserModelID of a Start-menu shortcut: the installer's
// shortcut carries the appId (electron-builder.yml), so the running app must use the same one.
if (platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
const RENDERER_MISSING_PAGE =
  '<!doctype html><meta charset="utf-8"><title>Keybridge</title><h1>Keybridge is running</h1>' +
  '<p>The settings window has not been built (renderer/dist is missing). Run <code>npm run build:renderer</code> and open Keybridge again.</p>';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

// Hardening for every web contents: no navigation away, no new windows, no webviews.
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_SCHEME}://`)) event.preventDefault();
  });
});

function hardenSession(): void {
  // Chromium checks a permission, then requests it when the check says no: both answer the same.
  // Only our page may write the clipboard ("Copy endpoint"); everything else is refused.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(permissionAllowed(permission, details.requestingUrl)),
  );
  session.defaultSession.setPermissionCheckHandler((_wc, permission, requestingOrigin) =>
    permissionAllowed(permission, requestingOrigin),
  );
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    // No remote content: only our protocol, devtools and data/blob URLs.
    const ok = /^(keybridge|devtools|data|blob|chrome-extension):/i.test(details.url);
    callback({ cancel: !ok });
  });
  protocol.handle(APP_SCHEME, async (request) => {
    const file = rendererFileFor(rendererDir, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    if (!existsSync(file)) {
      return new Response(RENDERER_MISSING_PAGE, {
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': RENDERER_CSP },
      });
    }
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
          'content-security-policy': RENDERER_CSP,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

function wrapWindow(win: BrowserWindow): ShellWindow {
  return {
    contents: win.webContents,
    isDestroyed: () => win.isDestroyed(),
    isMinimized: () => win.isMinimized(),
    restore: () => win.restore(),
    show: () => win.show(),
    hide: () => win.hide(),
    focus: () => win.focus(),
    onClose: (listener) => win.on('close', listener),
    send: (channel, payload) => win.webContents.send(channel, payload),
  };
}

/** `codesign`'s description of the running app bundle (macOS), or null when it cannot be read. */
function codesignDescription(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      'codesign',
      ['--display', '--verbose=2', macAppBundle(process.execPath)],
      { timeout: 10_000 },
      (err, stdout, stderr) => resolve(err ? null : `${stdout}${stderr}`),
    );
  });
}

let appTray: AppTray | null = null;

const loginItem = createLoginItem({
  platform,
  execPath: loginExecutable(process.env, process.execPath),
  // Before the AppUserModelID was set, Electron named the Run value "electron.app.<name>".
  legacyRunNames: [`electron.app.${app.getName()}`],
  args: app.isPackaged ? [] : [app.getAppPath()],
  setLoginItemSettings: (s) => app.setLoginItemSettings(s),
  getLoginItemSettings: (o) => app.getLoginItemSettings(o),
});

/** Resolves once the app is up (null when another instance runs or start-up failed). */
export const started = runShell({
  app,
  ipcHandle: (channel, handler) =>
    ipcMain.handle(channel, (event, input: unknown) =>
      handler({ sender: event.sender, senderUrl: event.senderFrame?.url }, input),
    ),
  createWindow: () =>
    wrapWindow(
      createMainWindow({ preloadPath, url: APP_ENTRY_URL, preloadArgument: preloadChannelArgument() }),
    ),
  createTray: (state, handlers) => {
    appTray = new AppTray(
      state,
      handlers,
      trayIconDir({
        isPackaged: app.isPackaged,
        resourcesPath: process.resourcesPath,
        appRoot: app.getAppPath(),
      }),
    );
    return appTray;
  },
  trayUnavailable: async () => {
    const host = await checkTrayHost({ platform });
    return host.present ? null : host.detail;
  },
  notify: (title, body) => {
    const route = notificationRoute({
      platform,
      portable: Boolean(process.env.PORTABLE_EXECUTABLE_FILE),
      hasTray: appTray !== null,
      toastsSupported: Notification.isSupported(),
    });
    if (route === 'toast') new Notification({ title, body }).show();
    else if (route === 'balloon') appTray?.notify(title, body);
  },
  openedAtLogin: () => platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true,
  onBeforeQuitForUpdate: (listener) => {
    autoUpdater.on('before-quit-for-update', listener);
  },
  createServices: () =>
    createAppServices({
      dataDir: app.getPath('userData'),
      createProxy: defaultCreateProxy,
      mode: 'desktop',
      version: app.getVersion(),
      versions: { electron: process.versions.electron, chrome: process.versions.chrome },
      resolveProxy: (url) => session.defaultSession.resolveProxy(url),
      setLaunchAtLogin: (enabled) => loginItem.setEnabled(enabled),
    }),
  createUpdater: async () => {
    const macSignature = platform === 'darwin' && app.isPackaged ? await codesignDescription() : null;
    return canSelfUpdate({ isPackaged: app.isPackaged, env: process.env, platform, macSignature })
      ? electronUpdater.autoUpdater
      : null;
  },
  showAbout: () => {
    const about = aboutContent({
      version: app.getVersion(),
      versions: process.versions,
      isPackaged: app.isPackaged,
      resourcesPath: process.resourcesPath,
      appRoot: app.getAppPath(),
    });
    void dialog
      .showMessageBox({
        type: 'info',
        title: about.title,
        message: about.message,
        detail: about.detail,
        buttons: about.buttons,
      })
      .then(({ response }) => {
        if (response === 1) void shell.openPath(about.notices);
        if (response === 2) void shell.openPath(about.license);
      });
  },
  loginItem,
  argv: process.argv,
  onReady: hardenSession,
  fatal: (title, message) => dialog.showErrorBox(title, message),
});
