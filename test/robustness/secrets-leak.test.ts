/**
 * Secrets never cross a boundary (issue 15, item 1): an upstream that echoes the account's own
 * credentials — in its status line, its error body, a header or an error event in the middle of
 * a stream — in the shape of every provider, through every client dialect. The credential must
 * not reach the client (status line, headers, body, streamed or not), the request record (error
 * and attempts[], also after a failover that succeeded), the access log or the usage file; the
 * user still reads what went wrong, with the key masked as the window masks it. The files are
 * private to the user (0600), and tightened when they already existed with wider modes.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageStore } from '../../proxy-core/src/observability/usage-store.js';
import { maskSecret } from '../../proxy-core/src/security/redactor.js';
import { type RunningProxy, rawRequest, startProxy } from '../support/proxy-harness.js';
import {
  clientRequest,
  errorBody,
  findLeak,
  goodAnswer,
  inBandError,
  KINDS,
  makeSecrets,
  ownSecrets,
  type ScriptedUpstream,
  type Secrets,
  secretsConfig,
  secretValues,
  startScriptedUpstream,
  type UpstreamKind,
} from './secrets-support.js';

let upstream: ScriptedUpstream;
let px: RunningProxy;
let secrets: Secrets;
let all: string[];
let usage: UsageStore;
const dir = mkdtempSync(path.join(os.tmpdir(), 'kb-secrets-'));
const accessLog = path.join(dir, 'access.jsonl');
const usageFile = path.join(dir, 'usage.json');

const publicModel = (kind: UpstreamKind) => `p-${kind}`;
const echo = (kind: UpstreamKind) =>
  `Incorrect API key provided: ${ownSecrets(kind, secrets).join(' and ')}.`;

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  secrets = makeSecrets(upstream.sa);
  all = secretValues(secrets);
  // Files left by an older version, readable by everyone: they must be made private.
  writeFileSync(accessLog, '', { mode: 0o644 });
  writeFileSync(usageFile, JSON.stringify({ version: 1, days: {} }), { mode: 0o644 });
  usage = await UsageStore.open({ path: usageFile, flushDelayMs: 10 });
  px = await startProxy(secretsConfig(upstream.url, secrets, { logging: { accessLog } }));
  px.proxy.onRequest((r) => usage.record(r));
}, 60_000);
afterAll(async () => {
  await px?.close();
  await usage?.close();
  await upstream?.close();
});

/** Sends one client request and returns everything the client saw as one text. */
async function ask(dialect: 'openai' | 'anthropic' | 'gemini', model: string, stream: boolean) {
  const { path: p, body } = clientRequest(dialect, model, stream);
  const recordP = px.nextRecord();
  const r = await rawRequest(px.origin, {
    method: 'POST',
    path: p,
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body,
  });
  const record = await recordP;
  const seen = `${r.status} ${r.reason}\n${JSON.stringify(r.headers)}\n${r.body}`;
  return { r, record, seen };
}

describe('an upstream that echoes the key', () => {
  for (const kind of KINDS) {
    for (const dialect of ['openai', 'anthropic', 'gemini'] as const) {
      it(`${kind}, ${dialect} client: 401 with the key in the status line, body and a header`, async () => {
        upstream.script = (k) => ({
          status: 401,
          reason: `Unauthorized ${ownSecrets(k, secrets)[0]}`,
          headers: {
            'content-type': 'application/json',
            'x-echo-key': ownSecrets(k, secrets)[0]!,
            'www-authenticate': `Bearer realm="api", error="invalid_token" key=${ownSecrets(k, secrets)[0]}`,
          },
          body: errorBody(k, 401, echo(k)),
        });
        for (const stream of [false, true]) {
          const { r, record, seen } = await ask(dialect, publicModel(kind), stream);
          expect(r.status).toBeGreaterThanOrEqual(400);
          expect(findLeak(seen, all), seen).toBeUndefined();
          expect(findLeak(JSON.stringify(record), all)).toBeUndefined();
          expect(record.attempts.length).toBeGreaterThan(0);
          // The user still learns what happened, with the key recognisable by its ends.
          if (kind === 'openai' || kind === 'anthropic' || kind === 'google') {
            expect(r.body).toContain('Incorrect API key provided');
            expect(r.body).toContain(maskSecret(ownSecrets(kind, secrets)[0]!));
          }
        }
      });

      it(`${kind}, ${dialect} client: an error event mid-stream that carries the key`, async () => {
        upstream.script = (k) => inBandError(k, echo(k));
        const { seen, record } = await ask(dialect, publicModel(kind), true);
        // After content: an error event in the stream; before any (Bedrock's exception frame
        // comes first here): an error answer. Either way, no key.
        expect(findLeak(seen, all), seen).toBeUndefined();
        expect(record.error, JSON.stringify(record)).toBeDefined();
        expect(findLeak(JSON.stringify(record), all)).toBeUndefined();
      });
    }
  }

  it('a plain-text 401 and a stream of stray text are redacted too', async () => {
    upstream.script = () => ({
      status: 401,
      headers: { 'content-type': 'text/plain' },
      body: `Incorrect API key provided: ${secrets.openai}`,
    });
    const a = await ask('openai', 'p-openai', false);
    expect(findLeak(a.seen, all), a.seen).toBeUndefined();
    expect(a.r.reason).toContain('Incorrect API key provided');

    upstream.script = () => ({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: [
        `data: Incorrect API key provided: ${secrets.openai}\n\n`,
        `: ${secrets.openaiPool}\n\n`,
        'data: [DONE]\n\n',
      ],
    });
    const b = await ask('openai', 'p-openai', true);
    expect(findLeak(b.seen, all), b.seen).toBeUndefined();
  });

  it('a 200 that is an error in disguise, relayed byte for byte, is redacted too', async () => {
    upstream.script = (k) => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: errorBody(k, 200, echo(k)),
    });
    for (const [dialect, kind] of [
      ['openai', 'openai'],
      ['anthropic', 'anthropic'],
      ['gemini', 'google'],
    ] as const) {
      const { seen, record } = await ask(dialect, publicModel(kind), false);
      expect(findLeak(seen, all), seen).toBeUndefined();
      expect(findLeak(JSON.stringify(record), all)).toBeUndefined();
    }
  });

  it('the legacy completions relay: an echoing 401, a disguised 200 and a streamed error event', async () => {
    const answers = [
      (k: UpstreamKind) => ({
        status: 401,
        headers: { 'content-type': 'application/json' },
        body: errorBody(k, 401, echo(k)),
      }),
      (k: UpstreamKind) => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: errorBody(k, 200, echo(k)),
      }),
      (k: UpstreamKind) => inBandError(k, echo(k)),
    ];
    for (const [i, answer] of answers.entries()) {
      upstream.script = answer;
      const recordP = px.nextRecord();
      const r = await rawRequest(px.origin, {
        method: 'POST',
        path: '/v1/completions',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'p-openai', prompt: 'Hi', stream: i === 2 }),
      });
      const record = await recordP;
      const seen = `${r.status} ${r.reason}\n${JSON.stringify(r.headers)}\n${r.body}`;
      expect(findLeak(seen, all), seen).toBeUndefined();
      expect(findLeak(JSON.stringify(record), all)).toBeUndefined();
    }
  });

  it('every key of a pool, echoed in turn, stays masked (and the pool says so plainly)', async () => {
    upstream.script = (_k, seen) => ({
      status: 401,
      headers: { 'content-type': 'application/json' },
      body: errorBody(
        'openai',
        401,
        `Incorrect API key provided: ${String(seen.headers.authorization).slice(7)}`,
      ),
    });
    for (let i = 0; i < 3; i++) {
      const { seen, record } = await ask('openai', 'p-pool', false);
      expect(findLeak(seen, [...all, `${secrets.openaiPool}x2`]), seen).toBeUndefined();
      expect(findLeak(JSON.stringify(record), [...all, `${secrets.openaiPool}x2`])).toBeUndefined();
    }
  });

  it('a request that succeeded by failover keeps no key in attempts[]', async () => {
    upstream.script = (k) =>
      k === 'openai'
        ? { status: 401, headers: { 'content-type': 'application/json' }, body: errorBody(k, 401, echo(k)) }
        : goodAnswer(k);
    for (const dialect of ['openai', 'anthropic'] as const) {
      const { r, record, seen } = await ask(dialect, 'p-failover', false);
      expect(r.status).toBe(200);
      expect(record.attempts.length).toBeGreaterThanOrEqual(2);
      expect(record.attempts[0]!.error?.message).toContain('Incorrect API key provided');
      expect(findLeak(JSON.stringify(record), all)).toBeUndefined();
      expect(findLeak(seen, all)).toBeUndefined();
    }
  });

  it('the access log and the usage file hold no key and are private to the user', async () => {
    await usage.flush();
    const log = readFileSync(accessLog, 'utf8');
    expect(log.split('\n').length).toBeGreaterThan(40);
    expect(log).toContain('Incorrect API key provided');
    expect(findLeak(log, all)).toBeUndefined();
    expect(findLeak(readFileSync(usageFile, 'utf8'), all)).toBeUndefined();
    if (process.platform !== 'win32') {
      expect(statSync(accessLog).mode & 0o777).toBe(0o600);
      expect(statSync(usageFile).mode & 0o777).toBe(0o600);
    }
  });

  it('a new access log file is created 0600', async () => {
    if (process.platform === 'win32') return;
    const fresh = path.join(dir, 'sub', 'fresh.jsonl');
    const other = await startProxy({ logging: { accessLog: fresh } });
    await rawRequest(other.origin, { path: '/healthz' });
    await other.close();
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
  });
});
