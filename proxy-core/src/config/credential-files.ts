/**
 * Credential files a config points to, read and validated the way `serve` reads them, so a
 * config `check` passes is one `serve` can use.
 */
import { moduleFor } from '../providers/registry.js';
import { formatPath } from './format-path.js';
import type { KeybridgeConfig } from './schema.js';

/** Problems with the key files of the accounts `serve` would start, one line each. */
export function checkCredentialFiles(config: KeybridgeConfig, baseDir: string): string[] {
  const problems: string[] = [];
  config.accounts.forEach((account, i) => {
    if (!account.enabled) return;
    const found = moduleFor(account.provider)?.credentialFileProblem?.(account as never, baseDir);
    if (!found) return;
    problems.push(`${formatPath(['accounts', i, found.field])} (${found.file}): ${found.message}`);
  });
  return problems;
}
