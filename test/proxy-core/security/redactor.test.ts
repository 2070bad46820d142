import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../../proxy-core/src/canonical/errors.js';
import { parseConfig } from '../../../proxy-core/src/config/load.js';
import { configSecrets, redactorForConfig } from '../../../proxy-core/src/security/config-secrets.js';
import { maskSecret, REDACTED, SecretRedactor } from '../../../proxy-core/src/security/redactor.js';
import { SseRedactor } from '../../../proxy-core/src/security/sse-redact.js';

const rand = (n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') =>
  Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');

const openaiKey = `sk-proj-${rand(40)}`;
const awsSecret = `${rand(18)}/${rand(10)}+${rand(10)}`;
const pem = `-----BEGIN PRIVATE KEY-----\n${rand(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/')}\n${rand(40)}==\n-----END PRIVATE KEY-----\n`;

describe('SecretRedactor', () => {
  it('masks a known secret as the window does: first four, last four', () => {
    const r = new SecretRedactor([openaiKey]);
    const out = r.text(`Incorrect API key provided: ${openaiKey}. See the docs.`);
    expect(out).toBe(
      `Incorrect API key provided: ${openaiKey.slice(0, 4)}…${openaiKey.slice(-4)}. See the docs.`,
    );
    expect(maskSecret('short-secret')).toBe(REDACTED);
  });

  it('finds a known secret in every escaped form, and keeps JSON valid', () => {
    const r = new SecretRedactor([awsSecret, pem]);
    const slashEscaped = awsSecret.replace(/\//g, '\\/');
    const unicode = [...awsSecret]
      .map((c, i) => (i % 3 ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
      .join('');
    const percent = encodeURIComponent(awsSecret);
    const doubled = JSON.stringify(JSON.stringify({ k: awsSecret, pem }));
    for (const text of [slashEscaped, unicode, percent, JSON.stringify({ pem }), doubled]) {
      const out = r.text(text);
      expect(out).not.toContain(awsSecret);
      expect(out).not.toContain(slashEscaped);
      expect(out).not.toContain(percent);
      expect(out).not.toContain(pem.split('\n')[1]);
    }
    const body = JSON.stringify({ error: { message: `bad signature for ${awsSecret}`, key: pem } });
    const out = JSON.parse(r.text(body.replace(/\//g, '\\/'))) as { error: { message: string; key: string } };
    expect(out.error.message).toMatch(/^bad signature for /);
    expect(out.error.key.trim()).toBe('[redacted private key]');
  });

  it('masks credential shapes it was never told about, and leaves prose alone', () => {
    const r = SecretRedactor.shapesOnly;
    const aws = `AKIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    const google = `AIza${rand(35)}`;
    const ant = `sk-ant-api03-${rand(60)}`;
    const text = `k=${aws} g=${google} a=${ant} Authorization: Bearer ya29.${rand(40)} url https://x.test/v1?key=${google}&alt=sse x-api-key: ${rand(30)} http://user:pw${rand(8)}@proxy:3128 ${pem}`;
    const out = r.text(text);
    for (const s of [aws, google, ant, pem.split('\n')[1]!]) expect(out).not.toContain(s);
    expect(out).toContain(`${aws.slice(0, 4)}…${aws.slice(-4)}`);
    expect(out).toContain('&alt=sse');
    expect(out).toContain('http://user:[redacted]@proxy:3128');
    const prose = 'Missing bearer or basic authentication in header; use Bearer authentication.';
    expect(r.text(prose)).toBe(prose);
  });

  it('redacts a ProxyError, keeping its class and fields', () => {
    const r = new SecretRedactor([openaiKey]);
    const err = new ProxyError('authentication', `bad key ${openaiKey}`, {
      status: 401,
      hint: `check ${openaiKey}`,
      account: 'main',
      retryable: true,
    });
    const out = r.error(err);
    expect(out).toBeInstanceOf(ProxyError);
    expect(out.message).not.toContain(openaiKey);
    expect(out.hint).not.toContain(openaiKey);
    expect(out.userMessage).not.toContain(openaiKey);
    expect(String(out.stack)).not.toContain(openaiKey);
    expect([out.status, out.kind, out.account, out.retryable]).toEqual([401, 'authentication', 'main', true]);
    const clean = new ProxyError('rate_limit', 'slow down');
    expect(r.error(clean)).toBe(clean);
  });
});

describe('configSecrets', () => {
  it('knows every secret of every account, the access key and a key file’s private key', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kb-secrets-'));
    const keyId = rand(40, '0123456789abcdef');
    writeFileSync(
      path.join(dir, 'sa.json'),
      JSON.stringify({
        type: 'service_account',
        private_key: pem,
        private_key_id: keyId,
        client_email: 'a@b.iam.gserviceaccount.com',
        project_id: 'p',
      }),
    );
    const values = {
      access: `kb-${rand(30)}`,
      pool: `sk-${rand(40)}`,
      akid: `ASIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
      session: rand(120),
      azure: rand(32, '0123456789abcdef'),
      header: rand(30),
      proxyPw: rand(16),
    };
    const config = parseConfig({
      server: { accessKey: values.access },
      outboundProxy: `http://me:${values.proxyPw}@corp:3128`,
      accounts: [
        {
          id: 'o',
          provider: 'openai',
          apiKey: openaiKey,
          apiKeys: [values.pool],
          headers: { 'X-Auth-Token': values.header, 'HTTP-Referer': 'https://app.test/path' },
        },
        {
          id: 'b',
          provider: 'bedrock',
          region: 'us-east-1',
          accessKeyId: values.akid,
          secretAccessKey: awsSecret,
          sessionToken: values.session,
        },
        {
          id: 'z',
          provider: 'azure',
          endpoint: 'https://r.openai.azure.com',
          apiKey: values.azure,
          deployments: ['d'],
        },
        { id: 'v', provider: 'vertex', region: 'us-east5', serviceAccountFile: 'sa.json' },
      ],
    });
    const found = configSecrets(config, dir);
    for (const v of [...Object.values(values), openaiKey, awsSecret, pem, keyId]) expect(found).toContain(v);
    expect(found).not.toContain('https://app.test/path');
    const r = redactorForConfig(config, dir);
    expect(r.text(`echo ${values.session} ${keyId} ${values.azure}`)).not.toMatch(
      new RegExp(`${values.session}|${keyId}|${values.azure}`),
    );
  });
});

describe('SseRedactor', () => {
  it('passes content events byte for byte and redacts error events, across any split', () => {
    const r = new SecretRedactor([openaiKey]);
    const content = `data: {"choices":[{"delta":{"content":"your key is ${openaiKey}"}}]}\n\n`;
    const error = `event: error\ndata: {"type":"error","error":{"message":"Incorrect API key provided: ${openaiKey}"}}\n\n`;
    const plain = `data: Incorrect API key provided: ${openaiKey}\r\n\r\n`;
    const input = Buffer.from(content + error + plain + content);
    for (const step of [1, 3, 7, 64, input.length]) {
      const s = new SseRedactor(r);
      const parts: Buffer[] = [];
      for (let i = 0; i < input.length; i += step) parts.push(s.push(input.subarray(i, i + step)));
      parts.push(s.end());
      const out = Buffer.concat(parts).toString('utf8');
      expect(out.startsWith(content)).toBe(true);
      expect(out.endsWith(content)).toBe(true);
      expect(out.split(openaiKey)).toHaveLength(3);
      expect(out).toContain(`Incorrect API key provided: ${maskSecret(openaiKey)}"}}`);
    }
  });
});
