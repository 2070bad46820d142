import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestRecordView } from '../../app/contract/index.js';
import { Redactor } from '../../app/services/redact.js';
import {
  type AppUsageStoreOptions,
  openAppUsageStore,
  RequestLog,
  type RequestLogOptions,
  toCsv,
} from '../../app/services/request-log.js';
import { emptyTotals } from '../../proxy-core/src/observability/usage-store.js';
import { testServices } from './support/services.js';

function record(i: number, over: Partial<RequestRecordView> = {}): RequestRecordView {
  return {
    id: `r${i}`,
    time: new Date(2026, 10, 23, 12, 0, i).toISOString(),
    dialect: 'openai',
    endpoint: 'chat',
    method: 'POST',
    path: '/v1/chat/completions',
    publicModel: 'claude-sonnet',
    account: 'vx',
    stream: true,
    passthrough: false,
    status: 200,
    latencyMs: 100 + i,
    usage: { inputTokens: 10, outputTokens: 5 },
    costUsd: 0.01,
    attempts: [],
    ...over,
  };
}

/** A day's totals in the usage file. */
const totals = (requests: number) => ({ ...emptyTotals(), requests });
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'kb-log-'));
const today = () => new Date(2026, 10, 23, 18, 0, 0);
const openLog = async (opts: Omit<RequestLogOptions, 'usage'> & AppUsageStoreOptions = {}) =>
  new RequestLog({ ...opts, usage: await openAppUsageStore(opts) });

describe('RequestLog', () => {
  it('keeps only the last N records, oldest first', async () => {
    const log = await openLog({ maxRecords: 3, now: today });
    for (let i = 1; i <= 5; i++) log.add(record(i));
    expect(log.recent().map((r) => r.id)).toEqual(['r3', 'r4', 'r5']);
    expect(log.recent(2).map((r) => r.id)).toEqual(['r4', 'r5']);
    log.setLimits({ maxRecords: 1 });
    expect(log.recent().map((r) => r.id)).toEqual(['r5']);
    expect(log.clear()).toBe(1);
    expect(log.recent()).toEqual([]);
  });

  it('masks a secret in a record before the ring, the subscribers, the export and the usage see it', async () => {
    const key = `sk-proj-${'k7Q'.repeat(10)}`;
    const redactor = new Redactor();
    redactor.addSecret(key);
    const dir = tmp();
    const log = await openLog({ dir, now: today, redact: (r) => redactor.record(r) });
    const seen: string[] = [];
    log.subscribe((r) => seen.push(JSON.stringify(r)));
    log.add(
      record(1, {
        publicModel: key,
        error: { message: `Incorrect API key provided: ${key}`, hint: `also AIza${'x1'.repeat(15)}` },
        attempts: [
          { account: 'vx', provider: 'openai', upstreamModel: 'm', latencyMs: 1, error: { message: key } },
        ],
      }),
    );
    await log.close();
    const everything = [
      ...seen,
      JSON.stringify(log.recent()),
      log.export('jsonl').content,
      log.export('csv').content,
      readFileSync(path.join(dir, 'usage.json'), 'utf8'),
    ].join('\n');
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(`AIza${'x1'.repeat(15)}`);
    expect(log.recent()[0]!.error?.message).toBe('Incorrect API key provided: sk-p…Qk7Q');
  });

  it('tells subscribers about each record until they unsubscribe', async () => {
    const log = await openLog({ now: today });
    const seen: string[] = [];
    const off = log.subscribe((r) => seen.push(r.id));
    log.add(record(1));
    off();
    log.add(record(2));
    expect(seen).toEqual(['r1']);
  });

  it('aggregates usage per model and per day, and keeps it across restarts', async () => {
    const dir = tmp();
    const log = await openLog({ dir, now: today });
    log.add(record(1));
    log.add(record(2, { publicModel: 'gemini-pro', costUsd: null }));
    log.add(
      record(3, { status: 429, usage: undefined, costUsd: undefined, error: { message: 'rate limited' } }),
    );
    log.clear();
    await log.close();

    const again = await openLog({ dir, now: today });
    const u = again.usage(7);
    expect(u.perDay).toHaveLength(7);
    expect(u.to).toBe('2026-11-23');
    expect(u.totals).toMatchObject({
      requests: 3,
      errors: 1,
      inputTokens: 20,
      outputTokens: 10,
      unpricedRequests: 1,
    });
    expect(u.totals.costUsd).toBeCloseTo(0.01);
    expect(u.perModel.find((m) => m.model === 'claude-sonnet')).toMatchObject({ requests: 2, errors: 1 });
    expect(u.perDay.at(-1)).toMatchObject({ day: '2026-11-23', requests: 3 });
  });

  it('drops days older than the retention period and survives a damaged usage file', async () => {
    const dir = tmp();
    writeFileSync(
      path.join(dir, 'usage.json'),
      JSON.stringify({
        version: 1,
        days: {
          '2025-01-01': { total: totals(9), byModel: { m: totals(9) }, byAccount: {} },
          '2026-11-22': { total: totals(1), byModel: { m: totals(1) }, byAccount: {} },
        },
      }),
    );
    const log = await openLog({ dir, now: today, retentionDays: 30 });
    expect(log.usage(3650).totals.requests).toBe(1);

    const broken = tmp();
    writeFileSync(path.join(broken, 'usage.json'), '{not json');
    const errors: string[] = [];
    const fresh = await openLog({ dir: broken, now: today, onError: (m) => errors.push(m) });
    expect(fresh.usage(1).totals.requests).toBe(0);
    expect(errors[0]).toMatch(/could not be read/);
  });

  it('exports JSONL and CSV that spreadsheets open safely', async () => {
    const log = await openLog({ now: today });
    log.add(record(1));
    log.add(record(2, { error: { message: '=HYPERLINK("x"), "quoted"' }, status: 500 }));
    const jsonl = log.export('jsonl');
    expect(jsonl.filename).toMatch(/\.jsonl$/);
    expect(
      jsonl.content
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(['r1', 'r2']);
    const csv = log.export('csv');
    const lines = csv.content.trim().split('\r\n');
    expect(lines[0]).toMatch(/^time,client,endpoint,model,account/);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain(`"'=HYPERLINK(""x""), ""quoted"""`);
    expect(toCsv([])).toBe(`${lines[0]}\r\n`);
    const dir = tmp();
    writeFileSync(path.join(dir, 'x.csv'), csv.content);
    expect(readFileSync(path.join(dir, 'x.csv'), 'utf8')).toBe(csv.content);
  });

  it('tells the user, in the app, when an unreadable usage file was set aside', async () => {
    const dataDir = tmp();
    // The per-model layout of early development builds is not read; it is kept, not lost.
    writeFileSync(
      path.join(dataDir, 'usage.json'),
      JSON.stringify({ version: 1, days: { '2026-11-22': { 'claude-sonnet': { requests: 1 } } } }),
    );
    const s = await testServices({ dataDir });
    try {
      const notices = await s.api.call('app.notices', {});
      expect(notices.ok).toBe(true);
      const list = notices.ok ? (notices.value as Array<{ level: string; message: string }>) : [];
      expect(list.find((n) => /could not be read/.test(n.message))).toMatchObject({ level: 'warning' });
      expect(readdirSync(dataDir).some((f) => f.startsWith('usage.json.corrupt-'))).toBe(true);
      const usage = await s.api.call('usage.summary', { days: 7 });
      expect(usage).toMatchObject({ ok: true, value: { totals: { requests: 0 } } });
    } finally {
      await s.shutdown(100);
    }
  });
});
