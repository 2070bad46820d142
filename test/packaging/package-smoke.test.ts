/**
 * Packaging smoke test: packs the app for Linux as a directory with a stand-in Electron (no Electron
 * binary on these machines) and inspects what a user would get inside resources/.
 */

import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import asar from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ASAR_BUDGET_BYTES,
  ensureMainBuilt,
  ensureRendererBuilt,
  type PackagedApp,
  packageLinuxDir,
} from './support.js';

const rendererMissing = ensureRendererBuilt();
if (rendererMissing) console.warn(`Packaging smoke test skipped: ${rendererMissing}`);

describe.skipIf(rendererMissing !== null)('packaged app (electron-builder --linux dir)', () => {
  let work: string;
  let app: PackagedApp;
  let files: string[];

  beforeAll(() => {
    const started = Date.now();
    ensureMainBuilt();
    work = mkdtempSync(path.join(tmpdir(), 'keybridge-pack-'));
    app = packageLinuxDir(work);
    files = asar
      .listPackage(app.asar, { isPack: false })
      .map((f) => f.replaceAll('\\', '/').replace(/^\//, ''));
    console.log(`packaging smoke: built and packed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const has = (file: string) => files.includes(file);
  const readJson = (file: string) => JSON.parse(asar.extractFile(app.asar, file).toString('utf8'));

  it('packs the main process, its preload, the settings window and proxy-core', () => {
    const pkg = readJson('package.json') as { main: string };
    expect(pkg.main).toBe('dist/app/main.js');
    expect(has(pkg.main)).toBe(true);
    // main.ts loads these relative to dist/app/: ./preload.cjs and ../../renderer/dist
    expect(has('dist/app/preload.cjs')).toBe(true);
    expect(has('renderer/dist/index.html')).toBe(true);
    expect(files.some((f) => /^renderer\/dist\/assets\/.+\.js$/.test(f))).toBe(true);
    expect(has('dist/proxy-core/src/index.js')).toBe(true);
    expect(has('dist/app/services/app-services.js')).toBe(true);
  });

  it('packs the production dependencies and no development ones', () => {
    for (const dep of [
      'undici',
      'zod',
      'conf',
      'electron-updater',
      '@napi-rs/keyring',
      'google-auth-library',
    ]) {
      expect(has(`node_modules/${dep}/package.json`), dep).toBe(true);
    }
    for (const dev of [
      'electron',
      'vitest',
      'vite',
      'typescript',
      'react',
      '@biomejs/biome',
      'playwright-core',
    ]) {
      expect(has(`node_modules/${dev}/package.json`), dev).toBe(false);
    }
  });

  it('keeps the keychain native module on disk, outside the asar', () => {
    const nodeFiles = files.filter((f) => f.endsWith('.node'));
    expect(nodeFiles.length).toBeGreaterThan(0);
    for (const f of nodeFiles) {
      expect(f).toMatch(/^node_modules\/@napi-rs\/keyring-linux-[^/]+\/.+\.node$/);
      expect(existsSync(path.join(`${app.asar}.unpacked`, f)), `${f} unpacked`).toBe(true);
      expect(statSync(path.join(`${app.asar}.unpacked`, f)).size).toBeGreaterThan(100_000);
    }
  });

  it('packs no tests, benchmarks, TypeScript sources or source maps', () => {
    const offenders = files.filter(
      (f) =>
        /\.(ts|tsx|mts|cts|map)$/.test(f) ||
        /^(test|bench|app|proxy-core|scripts|docs|\.github|renderer\/src)\//.test(f) ||
        /(^|\/)(test|tests|__tests__)\//.test(f),
    );
    expect(offenders).toEqual([]);
  });

  it(`stays under the size budget (${ASAR_BUDGET_BYTES / 1024 / 1024} MB)`, () => {
    const size = statSync(app.asar).size;
    console.log(
      `packaging smoke: app.asar is ${(size / 1024 / 1024).toFixed(2)} MB, ${files.length} entries`,
    );
    expect(size).toBeLessThan(ASAR_BUDGET_BYTES);
  });

  it('ships the licence, third-party notices, tray icons and the update feed beside the asar', () => {
    const notices = readFileSync(path.join(app.resources, 'THIRD_PARTY_NOTICES.txt'), 'utf8');
    expect(notices).toContain('undici');
    expect(notices).toMatch(/MIT License|Permission is hereby granted/);
    expect(readFileSync(path.join(app.resources, 'LICENSE.txt'), 'utf8')).toContain('Keybridge contributors');
    const tray = readdirSync(path.join(app.resources, 'tray'));
    for (const state of ['running', 'stopped', 'error']) {
      expect(tray, state).toContain(`tray-${state}.png`);
      expect(tray, state).toContain(`tray-${state}@2x.png`);
      expect(tray, state).toContain(`tray-${state}Template.png`);
      expect(tray, state).toContain(`tray-${state}Template@2x.png`);
    }
    expect(readFileSync(path.join(app.resources, 'app-update.yml'), 'utf8')).toContain('provider: github');
    expect(existsSync(path.join(app.appOutDir, 'keybridge'))).toBe(true);
    // Only the languages the app speaks keep their Chromium locale files.
    expect(readdirSync(path.join(app.appOutDir, 'locales')).sort()).toEqual([
      'en-US.pak',
      'zh-CN.pak',
      'zh-TW.pak',
    ]);
  });

  it('the packed code runs from the package alone: proxy answers /healthz, app services load', async () => {
    // Unpack the asar (plus its unpacked native files) somewhere with no node_modules above it, so
    // every import must be satisfied by what was packed. Electron-only files are not loaded here.
    const root = path.join(work, 'extracted');
    asar.extractAll(app.asar, root);
    cpSync(`${app.asar}.unpacked`, root, { recursive: true });
    const script = `
      const root = ${JSON.stringify(root)};
      const load = (f) => import(new URL('file://' + root + '/' + f).href);
      for (const f of ['dist/app/services/app-services.js', 'dist/app/dev-host/index.js', 'dist/app/headless-ui.js',
                       'dist/app/services/update-service.js', 'dist/app/about.js', 'dist/app/tray-icon.js']) await load(f);
      const { createRequire } = await import('node:module');
      await import(createRequire(root + '/dist/app/main.js').resolve('electron-updater'));
      await import(createRequire(root + '/dist/app/main.js').resolve('@napi-rs/keyring'));
      const { main } = await load('dist/proxy-core/src/cli.js');
      await main(['serve', '--port', '0']);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        const onData = (d: Buffer) => {
          output += d.toString();
          const m = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
          if (m?.[1]) resolve(m[1]);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', (code) => reject(new Error(`the packed proxy exited (${code}):\n${output}`)));
      });
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(200);
    } finally {
      child.kill();
    }
  }, 60_000);
});
