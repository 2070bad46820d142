/**
 * The redactor, fuzzed end to end (issue 15): any configured secret, at any position, in any
 * upstream status line, JSON or plain-text body (JSON-escaped any way an encoder may: `\/`,
 * `\u00XX`), SSE error event or header, in any provider's shape and through any client dialect,
 * never appears in the client's answer, the request record, the access log, the usage file, or
 * the window's live log and its export. Real proxy on 127.0.0.1, scripted upstream, fixed seed.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../app/services/redact.js';
import { openAppUsageStore, RequestLog } from '../../app/services/request-log.js';
import { UsageStore } from '../../proxy-core/src/observability/usage-store.js';
import { type RunningProxy, rawRequest, startProxy } from '../support/proxy-harness.js';
import {
  clientRequest,
  errorBody,
  findLeak,
  inBandError,
  KINDS,
  makeSecrets,
  type ScriptedAnswer,
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
let windowLog: RequestLog;
const windowEvents: string[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'kb-secrets-fuzz-'));
const accessLog = path.join(dir, 'access.jsonl');
const usageFile = path.join(dir, 'usage.json');

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  secrets = makeSecrets(upstream.sa);
  all = secretValues(secrets);
  usage = await UsageStore.open({ path: usageFile, flushDelayMs: 10 });
  px = await startProxy(secretsConfig(upstream.url, secrets, { logging: { accessLog } }));
  px.proxy.onRequest((r) => usage.record(r));
  // The window's side, as the app wires it: records into its request log, through its redactor.
  const redactor = new Redactor();
  for (const s of all) redactor.addSecret(s);
  windowLog = new RequestLog({
    usage: await openAppUsageStore({ dir }),
    redact: (r) => redactor.record(r),
  });
  windowLog.subscribe((r) => windowEvents.push(JSON.stringify(r)));
  px.proxy.onRequest((r) => windowLog.add(r));
}, 60_000);
afterAll(async () => {
  await px?.close();
  await usage?.close();
  await windowLog?.close();
  await upstream?.close();
});

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const text = fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength: 40 });

/** JSON text of a value, escaped the way some encoders do: `\/` for slashes, `\u00XX` for some characters. */
function escapeJson(json: string, how: 'plain' | 'slashes' | 'unicode', seed: number): string {
  if (how === 'slashes') return json.replace(/\//g, '\\/');
  if (how === 'plain') return json;
  // \u-escape roughly one character in three inside string literals (never quotes or backslashes).
  let inString = false;
  let escaped = false;
  let n = seed;
  let out = '';
  for (const ch of json) {
    if (inString && !escaped && ch !== '"' && ch !== '\\' && ch.charCodeAt(0) < 0x80 && n++ % 3 === 0) {
      out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
      continue;
    }
    out += ch;
    if (escaped) escaped = false;
    else if (ch === '\\') escaped = true;
    else if (ch === '"') inString = !inString;
  }
  return out;
}

type Carrier = 'status-line' | 'json-body' | 'plain-body' | 'sse-error' | 'header';

function answerFor(
  kind: UpstreamKind,
  carrier: Carrier,
  message: string,
  status: number,
  how: 'plain' | 'slashes' | 'unicode',
  seed: number,
  headerName: string,
): ScriptedAnswer {
  const oneLine = message.replace(/[\r\n]+/g, ' ');
  switch (carrier) {
    case 'status-line':
      return {
        status,
        reason: oneLine,
        headers: { 'content-type': 'application/json' },
        body: errorBody(kind, status, 'denied'),
      };
    case 'header':
      return {
        status,
        headers: { 'content-type': 'application/json', [headerName]: oneLine },
        body: errorBody(kind, status, 'denied'),
      };
    case 'plain-body':
      return { status, headers: { 'content-type': 'text/plain' }, body: message };
    case 'json-body':
      return {
        status,
        headers: { 'content-type': 'application/json' },
        body: escapeJson(errorBody(kind, status, message), how, seed),
      };
    default: {
      const a = inBandError(kind, message);
      if (Array.isArray(a.body) && kind !== 'bedrock')
        a.body = a.body.map((p) => escapeJson(String(p), how, seed));
      return a;
    }
  }
}

describe('any secret, anywhere an upstream can put it', () => {
  it('never reaches the client, the records, the logs, the usage file or the window', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          kind: fc.constantFrom(...KINDS),
          dialect: fc.constantFrom('openai' as const, 'anthropic' as const, 'gemini' as const),
          stream: fc.boolean(),
          carrier: fc.constantFrom<Carrier>('status-line', 'json-body', 'plain-body', 'sse-error', 'header'),
          secretIndex: fc.nat(),
          before: text,
          after: text,
          status: fc.constantFrom(400, 401, 403, 404, 422),
          how: fc.constantFrom('plain' as const, 'slashes' as const, 'unicode' as const),
          seed: fc.nat(2),
          headerName: fc.constantFrom(
            'x-request-id',
            'www-authenticate',
            'x-error-detail',
            'content-type',
            'retry-after',
          ),
        }),
        async (c) => {
          runs++;
          // A PEM key has line ends: it cannot sit in a status line or a header.
          const pool =
            c.carrier === 'status-line' || c.carrier === 'header'
              ? all.filter((s) => !s.includes('\n'))
              : all;
          const secret = pool[c.secretIndex % pool.length]!;
          const message = `${c.before}${secret}${c.after}`;
          const stream = c.carrier === 'sse-error' ? true : c.stream;
          upstream.script = (kind) =>
            answerFor(kind, c.carrier, message, c.status, c.how, c.seed, c.headerName);
          const { path: p, body } = clientRequest(c.dialect, `p-${c.kind}`, stream);
          const recordP = px.nextRecord();
          const r = await rawRequest(px.origin, {
            method: 'POST',
            path: p,
            headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
            body,
          });
          const record = await recordP;
          const seen = `${r.status} ${r.reason}\n${JSON.stringify(r.headers)}\n${r.body}`;
          expect(findLeak(seen, all), `client answer: ${seen}`).toBeUndefined();
          expect(findLeak(JSON.stringify(record), all), 'request record').toBeUndefined();
          expect(findLeak(windowEvents.at(-1) ?? '', all), 'window event').toBeUndefined();
        },
      ),
      { numRuns: 80, seed: 20261201 },
    );
    expect(runs).toBe(80);
    await usage.flush();
    expect(findLeak(readFileSync(accessLog, 'utf8'), all), 'access log').toBeUndefined();
    expect(findLeak(readFileSync(usageFile, 'utf8'), all), 'usage file').toBeUndefined();
    expect(findLeak(windowLog.export('jsonl').content, all), 'window export (JSONL)').toBeUndefined();
    expect(findLeak(windowLog.export('csv').content, all), 'window export (CSV)').toBeUndefined();
    expect(findLeak(JSON.stringify(windowLog.recent()), all), 'window live log').toBeUndefined();
  }, 180_000);
});
