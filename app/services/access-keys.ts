/**
 * Keys for other people and apps (the Share screen): their secrets live in the vault (the OS
 * keychain, or the no-keychain choice), in one entry keyed by the key's name; their rules (models,
 * limits) live in the settings file. Nothing here logs or returns a key except to the caller.
 */
import { randomBytes } from 'node:crypto';
import { RESERVED_PREFIX, type SecretVault } from './secret-vault.js';

/** The vault entry holding every shared key: { [name]: key }. */
export const SHARE_KEYS_ENTRY = `${RESERVED_PREFIX}share-keys`;

/** A new key: 32 random bytes (256 bits), URL-safe, with a prefix that says whose it is. */
export function newShareKey(): string {
  return `kb-share-${randomBytes(32).toString('base64url')}`;
}

/** Every stored key by name (strings only; anything else in the entry is ignored). */
export async function readShareKeys(vault: SecretVault): Promise<Map<string, string>> {
  const entry = (await vault.get(SHARE_KEYS_ENTRY)) ?? {};
  const out = new Map<string, string>();
  for (const [name, key] of Object.entries(entry)) if (typeof key === 'string' && key) out.set(name, key);
  return out;
}

export async function writeShareKeys(vault: SecretVault, keys: Map<string, string>): Promise<void> {
  await vault.set(SHARE_KEYS_ENTRY, Object.fromEntries(keys));
}

/** The last four characters, for telling keys apart ("…x7Q2"). */
export function keyHint(key: string | undefined): string {
  return key ? `…${key.slice(-4)}` : '';
}
