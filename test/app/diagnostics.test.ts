import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppLog } from '../../app/services/app-log.js';
import { buildDiagnostics } from '../../app/services/diagnostics.js';
import { REDACTED, Redactor } from '../../app/services/redact.js';
import { DEFAULT_SETTINGS } from '../../app/services/settings-store.js';

// Planted secrets, generated at test time.
const rand = (n: number) =>
  Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join(
    '',
  );
const awsId = `AKIA${rand(16)}`;
const awsSecret = `${rand(20)}/${rand(19)}`;
const openaiKey = `sk-proj-${rand(32)}`;
const googleKey = `AIza${rand(35)}`;
const pem = `-----BEGIN PRIVATE KEY-----\n${rand(60)}\n${rand(60)}\n-----END PRIVATE KEY-----\n`;
const opaque = `opaque-${rand(24)}`;

describe('Redactor', () => {
  it('removes known values, secret-named fields and credential shapes', () => {
    const r = new Redactor();
    r.addSecret(opaque);
    r.addSecret(pem);
    const text = r.text(
      `id=${awsId} key ${openaiKey} g ${googleKey} o ${opaque} url http://u:${opaque}@proxy:8080 ?key=${googleKey}&x=1 Bearer ${opaque} ${JSON.stringify(pem)}`,
    );
    for (const s of [awsId, openaiKey, googleKey, opaque, pem, JSON.stringify(pem).slice(1, -1)]) {
      expect(text).not.toContain(s);
    }
    expect(text).toContain(REDACTED);
    expect(text).toContain('&x=1');
    // Long secrets keep their ends, as the window shows them: recognisable, not usable.
    expect(text).toContain(`${openaiKey.slice(0, 4)}…${openaiKey.slice(-4)}`);
    expect(text).toContain(`${opaque.slice(0, 4)}…${opaque.slice(-4)}`);
    const v = r.value({
      apiKey: 'whatever-value',
      nested: { secretAccessKey: awsSecret, region: 'us-east-1' },
      n: 3,
    });
    expect(v).toEqual({ apiKey: REDACTED, nested: { secretAccessKey: REDACTED, region: 'us-east-1' }, n: 3 });
  });
});

describe('Redactor in the window’s answers', () => {
  it('masks known secrets in an answer but lets the access key through where the answer shows it', () => {
    const r = new Redactor();
    const access = `kb-${rand(30)}`;
    r.addSecret(opaque);
    r.addAccessKey(access);
    const sa = JSON.stringify({ type: 'service_account', private_key: pem, private_key_id: rand(40) });
    r.addSecret(sa);
    const answer = {
      key: access,
      note: `x ${opaque} y`,
      nested: [pem.trim()],
      url: `https://u:p@h/?key=${rand(20)}`,
    };
    const forConnect = r.answer(answer, true);
    expect(forConnect.key).toBe(access);
    expect(forConnect.note).toBe(`x ${opaque.slice(0, 4)}…${opaque.slice(-4)} y`);
    expect(forConnect.nested[0]).toBe('[redacted private key]');
    // The window shows the user's own settings (a proxy URL with its password): shapes stay.
    expect(forConnect.url).toBe(answer.url);
    expect(r.answer(answer).key).not.toContain(access);
    const clean = { a: 'nothing here' };
    expect(r.answer(clean)).toBe(clean);
  });
});

describe('AppLog', () => {
  it('rotates its file, keeps N old ones and never writes a secret', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kb-applog-'));
    const redactor = new Redactor();
    redactor.addSecret(opaque);
    const log = new AppLog({ dir, redactor, maxBytes: 400, keep: 2 });
    for (let i = 0; i < 40; i++) log.info(`line ${i} with ${opaque}`, { apiKey: openaiKey });
    log.error(`upstream said no for ${awsId}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['keybridge.1.log', 'keybridge.2.log', 'keybridge.log']);
    const all = files.map((f) => readFileSync(path.join(dir, f), 'utf8')).join('');
    expect(all).not.toContain(opaque);
    expect(all).not.toContain(openaiKey);
    expect(all).not.toContain(awsId);
    expect(log.recentProblems()).toHaveLength(1);
    expect(log.tail(1)[0]).toMatch(/ERROR upstream said no/);
  });
});

describe('Copy diagnostics', () => {
  it('gathers versions, settings and recent errors with every planted secret redacted', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kb-diag-'));
    const redactor = new Redactor();
    for (const s of [awsSecret, pem, opaque]) redactor.addSecret(s);
    const log = new AppLog({ dir, redactor });
    log.error(`Bedrock refused ${awsId}/${awsSecret}`);
    const text = buildDiagnostics(
      {
        appInfo: {
          name: 'Keybridge',
          version: '1.2.3',
          mode: 'desktop',
          platform: 'linux',
          arch: 'x64',
          versions: { node: '22.0.0', electron: '45.0.0' },
          dataDir: dir,
          secretStorage: 'keychain',
        },
        settings: {
          ...DEFAULT_SETTINGS,
          outboundProxy: { mode: 'custom', url: `http://me:${opaque}@corp:3128` },
          hasAccessKey: true,
        },
        accounts: [
          {
            id: 'aws',
            provider: 'bedrock',
            enabled: true,
            settings: { region: 'us-west-2', note: `pasted ${openaiKey} by mistake` },
            secrets: { accessKeyId: 'AKIA…ABCD' },
            secretStorage: 'keychain',
            missingSecrets: [],
          },
        ],
        status: {
          state: 'error',
          error: `bad key ${googleKey}`,
          stats: { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, activeStreams: 0 },
        },
        recentProblems: log.recentProblems(),
        logTail: log.tail(),
        extra: { serviceAccount: { private_key: pem } },
        now: new Date('2026-11-23T00:00:00Z'),
      },
      redactor,
    );
    expect(text).toContain('1.2.3');
    expect(text).toContain('us-west-2');
    expect(text).toContain('45.0.0');
    expect(text).toContain('Bedrock refused');
    for (const s of [
      awsId,
      awsSecret,
      pem,
      opaque,
      openaiKey,
      googleKey,
      ...pem.split('\n').filter((l) => l.length > 20),
    ]) {
      expect(text).not.toContain(s);
    }
  });
});
