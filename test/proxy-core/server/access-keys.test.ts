import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from '../../../proxy-core/src/config/load.js';
import { configSecrets, redactorForConfig } from '../../../proxy-core/src/security/config-secrets.js';
import { checkRequest } from '../../../proxy-core/src/server/security-gate.js';

// Keys for other people and apps (issue 19): config, secrecy and the gate.

const OWNER = 'owner-key-0123456789abcdef';
const ANNA = 'anna-key-0123456789abcdef';

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

describe('server.accessKeys in the config', () => {
  it('takes environment variables like other secrets, and refuses short, duplicate or nameless keys without echoing them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-keys-'));
    const file = join(dir, 'keybridge.yaml');
    writeFileSync(
      file,
      [
        'server:',
        '  accessKeys:',
        '    - name: Anna',
        `      key: $\{ANNA_KEY}`,
        '      models: [gpt-4.1]',
        '      limits: { dailyUsd: 1, monthlyTokens: 2000000 }',
        'limits: { monthlyUsd: 30 }',
      ].join('\n'),
    );
    const { config } = loadConfigFile(file, { ANNA_KEY: ANNA });
    expect(config.server.accessKeys).toEqual([
      { name: 'Anna', key: ANNA, models: ['gpt-4.1'], limits: { dailyUsd: 1, monthlyTokens: 2_000_000 } },
    ]);
    expect(config.limits).toEqual({ monthlyUsd: 30 });

    const bad = problems({
      server: {
        accessKey: OWNER,
        accessKeys: [
          { name: 'Anna', key: 'short-one' },
          { name: 'anna', key: ANNA },
          { name: 'Bob', key: OWNER },
          { name: ' ', key: 'x'.repeat(20) },
        ],
      },
      limits: { dailyUsd: -1 },
    });
    const text = bad.join('\n');
    expect(text).toContain('server.accessKeys[0].key: must be at least 16 characters');
    expect(text).toContain('server.accessKeys[1].name: another access key is already named "anna"');
    expect(text).toContain('server.accessKeys[2].key: is the same as another key');
    expect(text).toContain('server.accessKeys[3].name: needs a name');
    expect(text).toMatch(/limits\.dailyUsd/);
    expect(text).not.toContain(OWNER);
    expect(text).not.toContain('short-one');
  });

  it('the keys are secrets everywhere; their names and models are not', () => {
    const config = parseConfig({
      server: { accessKeys: [{ name: 'Anna', key: ANNA, models: ['gpt-4.1'] }] },
    });
    const found = configSecrets(config);
    expect(found).toContain(ANNA);
    expect(found).not.toContain('Anna');
    expect(found).not.toContain('gpt-4.1');
    expect(redactorForConfig(config).text(`Anna sent ${ANNA} for gpt-4.1`)).not.toContain(ANNA);
    expect(redactorForConfig(config).text(`Anna sent ${ANNA} for gpt-4.1`)).toMatch(
      /^Anna sent .* for gpt-4\.1$/,
    );
  });
});

describe('the gate and access keys', () => {
  const gate = (
    server: ReturnType<typeof parseConfig>['server'],
    headers: Record<string, string>,
    remote: string,
    query = '',
  ) =>
    checkRequest(
      {
        method: 'GET',
        headers: { host: '127.0.0.1:5731', ...headers },
        query: new URLSearchParams(query),
        remoteAddress: remote,
      },
      { server, extraHosts: new Set() },
    );

  it('off the loopback a valid key is required: the owner’s or an access key, wherever a key is read', () => {
    const server = parseConfig({
      server: { lan: true, accessKey: OWNER, accessKeys: [{ name: 'Anna', key: ANNA }] },
    }).server;
    const lan = '192.168.1.20';
    expect(() => gate(server, {}, lan)).toThrow(/Access key required/);
    expect(() => gate(server, { authorization: 'Bearer some-other-key-123456' }, lan)).toThrow(
      /Wrong access key/,
    );
    expect(gate(server, { authorization: `Bearer ${OWNER}` }, lan).accessKey).toBeUndefined();
    for (const [headers, query] of [
      [{ authorization: `Bearer ${ANNA}` }, ''],
      [{ 'x-api-key': ANNA }, ''],
      [{ 'x-goog-api-key': ANNA }, ''],
      [{}, `key=${ANNA}`],
    ] as const)
      expect(gate(server, headers, lan, query).accessKey?.name).toBe('Anna');
  });

  it('on the loopback no key or another key is the owner, and an access key is held to its rules', () => {
    const server = parseConfig({ server: { accessKeys: [{ name: 'Anna', key: ANNA }] } }).server;
    expect(gate(server, {}, '127.0.0.1').accessKey).toBeUndefined();
    expect(gate(server, { 'x-api-key': 'sillytavern-password' }, '127.0.0.1').accessKey).toBeUndefined();
    expect(gate(server, { 'x-api-key': ANNA }, '::1').accessKey?.name).toBe('Anna');
    // A key that only starts like Anna's is not hers.
    expect(gate(server, { 'x-api-key': `${ANNA}x` }, '127.0.0.1').accessKey).toBeUndefined();
  });
});
