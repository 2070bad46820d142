import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectCredential, validateCoreAccount } from '../../app/services/account-fields.js';
import { ConfigError, loadConfigFile } from '../../proxy-core/src/config/load.js';

/** gcloud's application_default_credentials.json, as `gcloud auth application-default login` writes it. */
const gcloudLogin = {
  account: '',
  client_id: '764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com',
  client_secret: 'd-FL95Q19q7MQmFpd7hHD0Ty',
  quota_project_id: 'my-project',
  refresh_token: '1//0gfake-refresh-token',
  type: 'authorized_user',
  universe_domain: 'googleapis.com',
};

const WHAT = 'This is a personal gcloud login file (type "authorized_user"), not a service-account key';
const INSTEAD =
  'Keybridge needs a service-account key instead. In the Google Cloud console open IAM & Admin → Service Accounts, pick the account, then Keys → Add key → Create new key → JSON, and paste the whole downloaded file.';

describe('a gcloud login file is named the same way everywhere', () => {
  it('in the window, when it is pasted', () => {
    const found = detectCredential(JSON.stringify(gcloudLogin, null, 2));
    expect(found.provider).toBeNull();
    expect(found.summary).toBe(`${WHAT}.`);
    expect(found.errors).toEqual([
      { path: 'text', message: INSTEAD, messageRef: { code: 'saUserLoginHint' } },
    ]);
  });

  it('in the window, when an account is saved with it', () => {
    const errors = validateCoreAccount({
      id: 'v',
      provider: 'vertex',
      serviceAccount: JSON.stringify(gcloudLogin),
    });
    expect(errors).toEqual([
      {
        path: 'serviceAccount',
        message: `${WHAT} — ${INSTEAD}`,
        messageRef: { code: 'saUserLogin' },
        hintRef: { code: 'saUserLoginHint' },
      },
    ]);
  });

  it('by check and serve, when a config points to it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-keyfile-'));
    writeFileSync(join(dir, 'adc.json'), JSON.stringify(gcloudLogin));
    const cfg = join(dir, 'k.yaml');
    writeFileSync(cfg, 'accounts:\n  - id: v\n    provider: vertex\n    serviceAccountFile: adc.json\n');
    let issues: string[] = [];
    try {
      loadConfigFile(cfg, {});
    } catch (err) {
      if (err instanceof ConfigError) issues = err.issues;
    }
    expect(issues).toEqual([
      `accounts[0].serviceAccountFile (${join(dir, 'adc.json')}): ${WHAT} — ${INSTEAD}`,
    ]);
  });
});
