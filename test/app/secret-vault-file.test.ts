/**
 * Keys without a keychain: the user's choice between "this session only" and "a file in the data
 * folder only you can read". The real "no Secret Service" case runs in a child process with no
 * D-Bus session (the keyring library keeps its bus per process); the rest use a keytar that fails
 * the way the real one does, or works, to show the keys moving into a keychain that appears.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SECRETS_FILE_NAME, SecretFile } from '../../app/services/secret-file.js';
import { type KeytarApi, loadKeyringKeytar, SecretVault } from '../../app/services/secret-vault.js';
import { memoryKeytar } from './support/services.js';

const vaultModule = fileURLToPath(new URL('../../app/services/secret-vault.ts', import.meta.url));
const fileModule = fileURLToPath(new URL('../../app/services/secret-file.ts', import.meta.url));
const modeOf = (f: string) => statSync(f).mode & 0o777;
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'kb-vault-'));

/** A keytar that fails as @napi-rs/keyring does on a Linux box with no session bus. */
const noBus: KeytarApi = {
  getPassword: async () => {
    throw new Error('Platform secure storage failure: zbus error: Failed to connect to address');
  },
  setPassword: async () => {
    throw new Error('Platform secure storage failure: zbus error: Failed to connect to address');
  },
  deletePassword: async () => {
    throw new Error('Platform secure storage failure: zbus error: Failed to connect to address');
  },
  findCredentials: async () => {
    throw new Error('Platform secure storage failure: zbus error: Failed to connect to address');
  },
};

describe('with no Secret Service (real keyring library, no D-Bus, in a child process)', () => {
  it('the file option keeps keys across restarts, in a 0600 file holding only secrets', () => {
    const dir = tmp();
    const script = `
      import { SecretVault } from ${JSON.stringify(vaultModule)};
      import { SecretFile } from ${JSON.stringify(fileModule)};
      const dir = ${JSON.stringify(dir)};
      const open = (fallback) => SecretVault.open({ service: 'KeybridgeTestNoBus', file: SecretFile.inDataDir(dir), fallback });
      const first = await open('file');
      await first.set('my-deepseek', { apiKey: 'sk-kept-across-restarts-123456' });
      const again = await open('file');
      const sessionOnly = await open('session');
      console.log(JSON.stringify({
        status: first.status(),
        back: await again.get('my-deepseek'),
        list: await again.list(),
        sessionSees: await sessionOnly.get('my-deepseek'),
      }));
    `;
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '--experimental-strip-types', '-e', script],
      {
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/keybridge-test-bus' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const result = JSON.parse(out.trim().split('\n').pop()!);
    const file = path.join(dir, SECRETS_FILE_NAME);
    expect(result.status).toMatchObject({ backend: 'file', reasonCode: 'no-bus', file });
    expect(result.status.reason).toMatch(/No system keychain is available: .*D-Bus.*kept in .*secrets\.json/);
    // A restart (a new vault over the same folder) has the key back.
    expect(result.back).toEqual({ apiKey: 'sk-kept-across-restarts-123456' });
    expect(result.list).toEqual(['my-deepseek']);
    // Choosing "this session only" never reads the file.
    expect(result.sessionSees).toBeNull();
    expect(modeOf(file)).toBe(0o600);
    // Only secrets: one entry per vault entry, nothing else (no settings, no labels).
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      keybridgeSecrets: 1,
      entries: { 'my-deepseek': JSON.stringify({ apiKey: 'sk-kept-across-restarts-123456' }) },
    });
  });
});

describe('the secrets file', () => {
  it('is created 0600 and set back to 0600 on every write and read when someone loosened it', async () => {
    const dir = tmp();
    const warnings: string[] = [];
    const file = SecretFile.inDataDir(dir, (m) => warnings.push(m));
    const vault = await SecretVault.open({ keytar: noBus, file, fallback: 'file' });
    await vault.set('a', { apiKey: 'sk-aaaaaaaaaaaa' });
    expect(modeOf(file.path)).toBe(0o600);

    chmodSync(file.path, 0o644);
    await vault.set('b', { apiKey: 'sk-bbbbbbbbbbbb' });
    // Written atomically: a new 0600 file replaced the loosened one.
    expect(modeOf(file.path)).toBe(0o600);

    chmodSync(file.path, 0o644);
    const reopened = await SecretVault.open({ keytar: noBus, file, fallback: 'file' });
    expect(modeOf(file.path)).toBe(0o600);
    expect(warnings.some((w) => /had mode 644.*now 600/.test(w))).toBe(true);
    expect(await reopened.get('b')).toEqual({ apiKey: 'sk-bbbbbbbbbbbb' });
    await reopened.delete('a');
    expect(modeOf(file.path)).toBe(0o600);
    expect(Object.keys(JSON.parse(readFileSync(file.path, 'utf8')).entries)).toEqual(['b']);
    // No temporary files are left beside it.
    expect(readdirSync(dir)).toEqual([SECRETS_FILE_NAME]);
  });

  it('a write that fails keeps the old key and says so with a hint', async () => {
    const dir = tmp();
    const notADir = path.join(dir, 'not-a-folder');
    writeFileSync(notADir, 'x');
    const vault = await SecretVault.open({
      keytar: noBus,
      file: SecretFile.inDataDir(notADir),
      fallback: 'session',
    });
    await vault.set('a', { apiKey: 'sk-in-memory-1234' });
    await expect(vault.setFallback('file')).rejects.toMatchObject({
      code: 'secrets_file',
      message: expect.stringMatching(/Could not save the secrets file/),
      hint: expect.any(String),
    });
    expect(vault.backend).toBe('session');
    expect(await vault.get('a')).toEqual({ apiKey: 'sk-in-memory-1234' });
  });

  it('choosing the file keeps keys already in it and never writes over a damaged one', async () => {
    const dir = tmp();
    const file = SecretFile.inDataDir(dir);
    const earlier = await SecretVault.open({ keytar: noBus, file, fallback: 'file' });
    await earlier.set('kept', { apiKey: 'sk-kept-from-before-1234' });
    // Settings reset to "this session only" while the file still holds a key:
    const vault = await SecretVault.open({ keytar: noBus, file, fallback: 'session' });
    await vault.set('new', { apiKey: 'sk-new-this-session-1234' });
    await vault.setFallback('file');
    expect(await vault.get('kept')).toEqual({ apiKey: 'sk-kept-from-before-1234' });
    expect([...file.read().keys()].sort()).toEqual(['kept', 'new']);

    writeFileSync(file.path, '{ damaged', { mode: 0o600 });
    const another = await SecretVault.open({ keytar: noBus, file, fallback: 'session' });
    await expect(another.setFallback('file')).rejects.toMatchObject({ code: 'secrets_file' });
    expect(readFileSync(file.path, 'utf8')).toBe('{ damaged');
    expect(another.backend).toBe('session');
  });

  it('a damaged file is left alone and the session is used', async () => {
    const dir = tmp();
    const file = SecretFile.inDataDir(dir);
    writeFileSync(file.path, '{ not json', { mode: 0o600 });
    const logs: string[] = [];
    const vault = await SecretVault.open({
      keytar: noBus,
      file,
      fallback: 'file',
      log: (_l, m) => logs.push(m),
    });
    expect(vault.backend).toBe('session');
    expect(logs.join('\n')).toMatch(/not readable JSON.*session only/s);
    expect(readFileSync(file.path, 'utf8')).toBe('{ not json');
  });
});

describe('switching', () => {
  it('session → file writes this session’s keys; file → session deletes the file', async () => {
    const dir = tmp();
    const file = SecretFile.inDataDir(dir);
    const vault = await SecretVault.open({ keytar: noBus, file, fallback: 'session' });
    expect(vault.status()).toMatchObject({ backend: 'session', reasonCode: 'no-bus', file: file.path });
    expect(vault.status().reason).toMatch(/only until Keybridge quits/);
    await vault.set('a', { apiKey: 'sk-moved-to-file-1234' });
    expect(file.exists()).toBe(false);

    const toFile = await vault.setFallback('file');
    expect(toFile.backend).toBe('file');
    expect(toFile.reason).toMatch(/D-Bus.*kept in/);
    expect(modeOf(file.path)).toBe(0o600);
    const restarted = await SecretVault.open({ keytar: noBus, file, fallback: 'file' });
    expect(await restarted.get('a')).toEqual({ apiKey: 'sk-moved-to-file-1234' });

    const back = await vault.setFallback('session');
    expect(back.backend).toBe('session');
    expect(file.exists()).toBe(false);
    expect(await vault.get('a')).toEqual({ apiKey: 'sk-moved-to-file-1234' });
  });

  it('when a keychain appears, the keys in the file move into it and the file is deleted', async () => {
    const dir = tmp();
    const file = SecretFile.inDataDir(dir);
    const without = await SecretVault.open({ keytar: noBus, file, fallback: 'file' });
    await without.set('my-claude', { apiKey: 'sk-ant-moving-123456' });
    await without.set('_keybridge.access-key', { accessKey: 'kb-access-123456' });

    const keytar = memoryKeytar();
    const withKeychain = await SecretVault.open({ keytar, service: 'KB', file, fallback: 'file' });
    expect(withKeychain.status()).toEqual({ backend: 'keychain' });
    expect(file.exists()).toBe(false);
    expect(JSON.parse(keytar.entries.get('KB\u0000my-claude')!)).toEqual({ apiKey: 'sk-ant-moving-123456' });
    expect(await withKeychain.get('_keybridge.access-key')).toEqual({ accessKey: 'kb-access-123456' });
    expect(await withKeychain.list()).toEqual(['my-claude']);
    // With a keychain, the choice changes nothing.
    expect((await withKeychain.setFallback('file')).backend).toBe('keychain');
    expect(file.exists()).toBe(false);
  });
});

describe('with the real keychain (gnome-keyring under dbus-run-session, as in CI)', async () => {
  const service = `KeybridgeFileTest-${process.pid}`;
  const probe = await SecretVault.open({ service });
  const haveKeychain = probe.backend === 'keychain';
  if (!haveKeychain && process.env.CI) throw new Error(`CI is set but no keychain: ${probe.status().reason}`);

  it.skipIf(!haveKeychain)(
    'keys kept in the file while there was none move into it, and the file goes',
    async () => {
      const dir = tmp();
      const file = SecretFile.inDataDir(dir);
      const before = await SecretVault.open({ keytar: noBus, service, file, fallback: 'file' });
      await before.set('my-ollama', { apiKey: 'ollama-key-moving-123456' });
      expect(file.exists()).toBe(true);

      const vault = await SecretVault.open({ service, file, fallback: 'file' });
      try {
        expect(vault.backend).toBe('keychain');
        expect(file.exists()).toBe(false);
        // Straight from the keychain, not from the vault's memory:
        const raw = await loadKeyringKeytar().getPassword(service, 'my-ollama');
        expect(JSON.parse(raw!)).toEqual({ apiKey: 'ollama-key-moving-123456' });
      } finally {
        await vault.delete('my-ollama');
      }
    },
  );
});
