/** The About dialog's text and the files it opens (pure; main.ts shows it with Electron's dialog). */
import path from 'node:path';

export interface AboutInput {
  version: string;
  versions: { electron?: string; chrome?: string; node?: string };
  isPackaged: boolean;
  resourcesPath: string;
  appRoot: string;
}

export interface AboutContent {
  title: string;
  message: string;
  detail: string;
  /** Button labels; index 1 opens `notices`, index 2 opens `license`. */
  buttons: [string, string, string];
  notices: string;
  license: string;
}

export function aboutContent(input: AboutInput): AboutContent {
  const { electron, chrome, node } = input.versions;
  const runtime = [electron && `Electron ${electron}`, chrome && `Chromium ${chrome}`, node && `Node ${node}`]
    .filter(Boolean)
    .join(' · ');
  return {
    title: 'About Keybridge',
    message: `Keybridge ${input.version}`,
    detail: [
      'Your own cloud AI accounts behind one local endpoint.',
      runtime,
      'Released under the MIT licence by the Keybridge contributors.',
      'Keybridge includes open-source software; their licences are in the third-party notices.',
    ]
      .filter(Boolean)
      .join('\n\n'),
    buttons: ['OK', 'Third-party notices', 'Licence'],
    // Packaged: extraResources beside app.asar; in a checkout: the repository's copies.
    notices: input.isPackaged
      ? path.join(input.resourcesPath, 'THIRD_PARTY_NOTICES.txt')
      : path.join(input.appRoot, 'build', 'THIRD_PARTY_NOTICES.txt'),
    license: input.isPackaged
      ? path.join(input.resourcesPath, 'LICENSE.txt')
      : path.join(input.appRoot, 'LICENSE'),
  };
}

/**
 * Whether this build can update itself: packaged, not the Windows portable .exe (electron-updater
 * supports the installer, the dmg/zip, AppImage and deb, not the portable build), and on macOS
 * signed with a Developer ID: Squirrel.Mac installs an update only when its code signature
 * satisfies the running app's designated requirement, which an ad-hoc or missing signature never
 * does — such a build would download updates it can never install.
 * `macSignature` is `codesign --display --verbose=2` output for the app bundle (see
 * macSignatureOf), or null when it could not be read.
 */
export function canSelfUpdate(opts: {
  isPackaged: boolean;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  macSignature?: string | null;
}): boolean {
  if (!opts.isPackaged || opts.env.PORTABLE_EXECUTABLE_DIR !== undefined) return false;
  if ((opts.platform ?? process.platform) !== 'darwin') return true;
  return macSignedForUpdates(opts.macSignature ?? null);
}

/** True when codesign's description names a Developer ID Application authority (not ad hoc). */
export function macSignedForUpdates(codesignOutput: string | null): boolean {
  if (!codesignOutput) return false;
  if (/^Signature=adhoc$/m.test(codesignOutput) || /flags=0x[0-9a-f]*\([^)]*adhoc/i.test(codesignOutput))
    return false;
  return (
    /^Authority=Developer ID Application: /m.test(codesignOutput) &&
    !/^TeamIdentifier=not set$/m.test(codesignOutput)
  );
}

/** The .app bundle around a macOS executable (…/Keybridge.app/Contents/MacOS/Keybridge). */
export function macAppBundle(execPath: string): string {
  return path.resolve(execPath, '..', '..', '..');
}
