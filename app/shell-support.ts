/**
 * The decisions of the Electron shell, as plain functions (tested without Electron): which IPC
 * senders are trusted, how the app protocol maps URLs to renderer files, the CSP, what closing
 * the window does, and how quitting drains the proxy.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { channelForEvent, channelForMethod, EVENT_NAMES, METHOD_NAMES } from './contract/methods.js';

/** The renderer is served from this origin by a custom protocol (no file://, no remote content). */
export const APP_SCHEME = 'keybridge';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
/** Windows AppUserModelID: electron-builder.yml's appId, which the installer puts on its shortcuts. */
export const APP_USER_MODEL_ID = 'io.github.keybridge.app';

/**
 * How one notification reaches the user. Windows shows toasts only for an AppUserModelID that a
 * Start-menu shortcut carries: the installer's has ours, the portable .exe has none, so the portable
 * build uses the tray's balloon (Windows draws it as a toast from the tray icon). Never both.
 */
export function notificationRoute(o: {
  platform: NodeJS.Platform;
  portable: boolean;
  hasTray: boolean;
  toastsSupported: boolean;
}): 'toast' | 'balloon' | 'none' {
  const balloon = o.platform === 'win32' && o.hasTray;
  if (o.platform === 'win32' && o.portable && balloon) return 'balloon';
  if (o.toastsSupported) return 'toast';
  return balloon ? 'balloon' : 'none';
}

export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The preload's argument: every call and event channel, from the contract. */
export function preloadChannelArgument(): string {
  const spec = {
    methods: Object.fromEntries(METHOD_NAMES.map((m) => [m, channelForMethod(m)])),
    events: Object.fromEntries(EVENT_NAMES.map((e) => [e, channelForEvent(e)])),
  };
  return `--keybridge-channels=${encodeURIComponent(JSON.stringify(spec))}`;
}

/** Only our own page, in our own window, may call main. */
export function isTrustedSender(frameUrl: string | undefined, isMainWindow: boolean): boolean {
  if (!isMainWindow || !frameUrl) return false;
  try {
    const u = new URL(frameUrl);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** The only permission the window is given: writing the clipboard ("Copy endpoint" buttons). */
export const GRANTED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write'];

/**
 * The session's permission answer (both Electron's check and request handlers): only our own page
 * (the app protocol's origin) may write the clipboard; nothing else is granted to anyone.
 * `origin` is what Electron passes: a requesting origin ("keybridge://app/") or URL.
 */
export function permissionAllowed(permission: string, origin: string | undefined): boolean {
  if (!GRANTED_PERMISSIONS.includes(permission) || !origin) return false;
  try {
    const u = new URL(origin);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** The renderer file for an app-protocol URL, or null (outside the renderer dir, or not ours). */
export function rendererFileFor(rendererDir: string, requestUrl: string): string | null {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return null;
  }
  if (`${u.protocol}//${u.host}` !== APP_ORIGIN) return null;
  const root = path.resolve(rendererDir);
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  const file = path.resolve(root, `.${pathname}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  if (existsSync(file) && statSync(file).isFile()) return file;
  // Single-page app routes fall back to index.html; missing assets stay missing.
  return path.extname(pathname) ? null : path.join(root, 'index.html');
}

export interface CloseDecision {
  /** Keep the window's process alive: hide instead of closing. */
  hide: boolean;
  /** Tell the user, once, that the app is still in the tray. */
  showTrayNotice: boolean;
}

export function onWindowClose(state: {
  quitting: boolean;
  trayNoticeShown: boolean;
  hasTray: boolean;
}): CloseDecision {
  if (state.quitting || !state.hasTray) return { hide: false, showTrayNotice: false };
  return { hide: true, showTrayNotice: !state.trayNoticeShown };
}

/**
 * Quit sequence: the first quit request is held while the proxy drains its streams (up to
 * drainMs, then a little grace), then `exit` is called once. Later requests do nothing.
 */
export function createQuitSequence(opts: {
  shutdown: (drainMs: number) => Promise<void>;
  exit: (code: number) => void;
  drainMs?: number;
  graceMs?: number;
  log?: (message: string) => void;
}): { requestQuit(): boolean; readonly quitting: boolean } {
  const drainMs = opts.drainMs ?? 5000;
  const graceMs = opts.graceMs ?? 2000;
  let quitting = false;
  return {
    get quitting() {
      return quitting;
    },
    /** Returns true when the caller must prevent the default quit (we exit ourselves). */
    requestQuit() {
      if (quitting) return true;
      quitting = true;
      let done = false;
      const finish = (code: number) => {
        if (done) return;
        done = true;
        opts.exit(code);
      };
      const timer = setTimeout(() => {
        opts.log?.('Shutdown took too long; quitting anyway.');
        finish(0);
      }, drainMs + graceMs);
      timer.unref?.();
      opts
        .shutdown(drainMs)
        .then(() => finish(0))
        .catch((err) => {
          opts.log?.(`Shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
          finish(1);
        })
        .finally(() => clearTimeout(timer));
      return true;
    },
  };
}
