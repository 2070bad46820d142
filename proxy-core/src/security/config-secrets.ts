import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { KeybridgeConfig } from '../config/schema.js';
import { SecretRedactor } from './redactor.js';

/** Config fields whose values are secrets, whatever the provider (keys, key pools, tokens, passwords). */
const SECRET_FIELD =
  /^(?:api[-_]?keys?|keys?|access[-_]?keys?|access[-_]?key[-_]?id|secret[-_]?access[-_]?key|secret|secrets|session[-_]?token|token|password|private[-_]?key|private[-_]?key[-_]?id|credentials?)$/i;
/** Header names (custom upstream headers) whose values are credentials. */
const SECRET_HEADER = /auth|key|token|secret|cookie|signature|session/i;
/** Query parameters that carry credentials in a URL. */
const SECRET_PARAM = /^(?:key|api[-_]?key|apikey|token|access_token|sig|signature)$/i;

function addStrings(value: unknown, out: string[], depth = 0): void {
  if (depth > 8) return;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) addStrings(v, out, depth + 1);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) addStrings(v, out, depth + 1);
}

/** The private key and its id from a service-account key (JSON text or object). */
function addServiceAccount(value: unknown, out: string[]): void {
  let sa: unknown = value;
  if (typeof value === 'string') {
    try {
      sa = JSON.parse(value);
    } catch {
      out.push(value);
      return;
    }
  }
  if (!sa || typeof sa !== 'object') return;
  const o = sa as Record<string, unknown>;
  for (const field of ['private_key', 'private_key_id']) {
    const v = o[field];
    if (typeof v === 'string') {
      out.push(v);
      // A key pasted double-escaped has literal `\n`; the provider repairs it, the text keeps it.
      if (!v.includes('\n') && v.includes('\\n')) out.push(v.replace(/\\n/g, '\n'));
    }
  }
}

/** The password and credential parameters of a URL (outbound proxy, base URL). */
function addUrlSecrets(value: unknown, out: string[]): void {
  if (typeof value !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return;
  try {
    const u = new URL(value);
    if (u.password) out.push(u.password, decodeURIComponent(u.password));
    for (const [k, v] of u.searchParams) if (SECRET_PARAM.test(k)) out.push(v);
  } catch {
    // not a URL: nothing to add
  }
}

function collect(node: unknown, out: string[], baseDir: string, depth: number): void {
  if (depth > 8 || !node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const v of node) collect(v, out, baseDir, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'models' || k === 'aliases') continue;
    // Keys for other people and apps: the key is a secret; its name, models and limits are not.
    if (k === 'accessKeys' && Array.isArray(v)) {
      for (const entry of v)
        if (entry && typeof entry === 'object') addStrings((entry as { key?: unknown }).key, out);
    } else if (k === 'serviceAccount') addServiceAccount(v, out);
    else if (k === 'serviceAccountFile' && typeof v === 'string') {
      try {
        addServiceAccount(readFileSync(isAbsolute(v) ? v : resolve(baseDir, v), 'utf8'), out);
      } catch {
        // unreadable: the provider reports it; there is no key to learn
      }
    } else if (k === 'headers' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [name, hv] of Object.entries(v)) if (SECRET_HEADER.test(name)) addStrings(hv, out);
    } else if (SECRET_FIELD.test(k)) addStrings(v, out);
    else if (typeof v === 'string') addUrlSecrets(v, out);
    else collect(v, out, baseDir, depth + 1);
  }
}

/**
 * Every secret in a configuration: API keys and key pools, AWS access key id, secret and session
 * token, Bedrock API keys, the service-account private key and its id (inline or from its file),
 * Azure keys, credential headers, passwords in proxy URLs, the server's access key and the keys
 * given to other people and apps (`server.accessKeys[].key`, not their names).
 */
export function configSecrets(
  config: Pick<KeybridgeConfig, 'server' | 'accounts' | 'outboundProxy'>,
  baseDir = process.cwd(),
): string[] {
  const out: string[] = [];
  collect({ server: config.server, accounts: config.accounts }, out, baseDir, 0);
  addUrlSecrets(config.outboundProxy, out);
  return out;
}

/** The redactor for a configuration (rebuilt with it on every reconfigure). */
export function redactorForConfig(
  config: Pick<KeybridgeConfig, 'server' | 'accounts' | 'outboundProxy'>,
  baseDir?: string,
): SecretRedactor {
  return new SecretRedactor(configSecrets(config, baseDir));
}
