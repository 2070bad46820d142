/**
 * Credential files a config points to, read and validated the way `serve` reads them, so a
 * config `check` passes is one `serve` can use.
 */
import { loadServiceAccount, serviceAccountPath } from '../providers/vertex/service-account.js';
import { formatPath } from './format-path.js';
import type { KeybridgeConfig } from './schema.js';

/** Problems with the key files of the accounts `serve` would start, one line each. */
export function checkCredentialFiles(config: KeybridgeConfig, baseDir: string): string[] {
  const problems: string[] = [];
  config.accounts.forEach((account, i) => {
    if (!account.enabled || account.provider !== 'vertex' || account.serviceAccountFile === undefined) return;
    const loaded = loadServiceAccount(account, baseDir);
    if (loaded.ok) return;
    const where = formatPath(['accounts', i, 'serviceAccountFile']);
    const file = serviceAccountPath(account.serviceAccountFile, baseDir);
    problems.push(`${where} (${file}): ${loaded.error.userMessage}`);
  });
  return problems;
}
