/**
 * Launch at login. macOS and Windows: Electron's app.setLoginItemSettings (passed in). Linux: an
 * XDG autostart entry (~/.config/autostart/keybridge.desktop) — plain Node, tested directly.
 * On Windows and Linux the app is started with --hidden, so it opens to the tray; macOS ignores
 * arguments for login items (the shell asks app.getLoginItemSettings().wasOpenedAtLogin there).
 *
 * The executable is the one that will still be there at the next login: the Windows portable
 * build runs from a temporary folder its launcher deletes on exit, so main passes
 * PORTABLE_EXECUTABLE_FILE (the .exe the user keeps); an AppImage passes APPIMAGE.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const HIDDEN_ARG = '--hidden';

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  /** The executable to start (see loginExecutable). */
  execPath: string;
  /** Arguments before --hidden (e.g. the app path when run unpackaged). */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /**
   * Windows: Run-key names earlier versions registered under (Electron names the value after the
   * AppUserModelID, which was Electron's default before main set the installer's). Removed when the
   * item is set, so an upgraded Keybridge is not started twice at login.
   */
  legacyRunNames?: string[];
  setLoginItemSettings?: (s: { openAtLogin: boolean; path?: string; args?: string[]; name?: string }) => void;
  getLoginItemSettings?: (o?: { path?: string; args?: string[] }) => { openAtLogin: boolean };
}

/** The executable a login item must start: the portable .exe or the AppImage, not the unpacked copy. */
export function loginExecutable(env: NodeJS.ProcessEnv, execPath: string): string {
  return env.PORTABLE_EXECUTABLE_FILE || env.APPIMAGE || execPath;
}

export interface LoginItem {
  isEnabled(): boolean;
  setEnabled(enabled: boolean): Promise<void>;
}

export function autostartFile(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(config, 'autostart', 'keybridge.desktop');
}

/** Quotes one Exec argument per the Desktop Entry spec. */
export function quoteExecArg(arg: string): string {
  if (!/[\s"'\\`$<>|&;*?#()~]/.test(arg) && arg.length > 0) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function desktopEntry(execPath: string, args: string[]): string {
  const exec = [execPath, ...args].map(quoteExecArg).join(' ').replace(/%/g, '%%');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Keybridge',
    'Comment=Local endpoint for your cloud AI accounts',
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    'Hidden=false',
    '',
  ].join('\n');
}

export function createLoginItem(deps: LoginItemDeps): LoginItem {
  const args = [...(deps.args ?? []), HIDDEN_ARG];
  if (deps.platform === 'linux') {
    const file = autostartFile(deps.env);
    return {
      isEnabled: () => existsSync(file) && !/^Hidden=true$/m.test(readFileSync(file, 'utf8')),
      async setEnabled(enabled) {
        if (!enabled) {
          rmSync(file, { force: true });
          return;
        }
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, desktopEntry(deps.execPath, args), { mode: 0o644 });
      },
    };
  }
  // Windows keys the Run entry by path + args (path defaults to the running executable, which
  // for the portable build is a temporary copy); macOS takes neither.
  const where = deps.platform === 'win32' ? { path: deps.execPath, args } : {};
  return {
    isEnabled: () => deps.getLoginItemSettings?.(where).openAtLogin ?? false,
    async setEnabled(enabled) {
      const set = deps.setLoginItemSettings;
      if (!set) throw new Error('Launch at login is not available on this system.');
      if (deps.platform === 'win32') {
        for (const name of deps.legacyRunNames ?? []) set({ openAtLogin: false, name });
      }
      set({ openAtLogin: enabled, ...where });
    },
  };
}
