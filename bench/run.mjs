// Keybridge benchmarks. Plain Node ESM: runs the compiled headless proxy (bin/keybridge.js →
// dist/), a lean mock upstream and the reference proxy as separate processes, all on 127.0.0.1.
//
//   npm run build && npm run bench -- [--only latency,throughput,streaming,memory,vertex,soak,instructions]
//                                       [--runs 5] [--count 1000] [--seconds 3]
//                                       [--soak-seconds 600] [--profile DIR] [--out FILE]
//
// Every figure is measured in the same run as its baselines (client → mock directly; client →
// reference proxy; client → Keybridge) and reported as the median over --runs runs.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  closePools,
  concurrentStreams,
  latency,
  median,
  once,
  throughput,
  timedStream,
} from './lib/client.mjs';
import { BENCH_ACCESS_KEY, keybridgeConfig } from './lib/config.mjs';
import { anthropicMessagesBody, longOpenaiChatBody, openaiChatBody } from './lib/payloads.mjs';
import {
  callgrindWrapper,
  dumpInstructions,
  hasValgrind,
  heapAfterGc,
  machine,
  rssMb,
  startKeybridge,
  startMock,
  startReference,
} from './lib/procs.mjs';

const { values: flags } = parseArgs({
  options: {
    only: { type: 'string', default: 'latency,throughput,streaming,memory,vertex' },
    runs: { type: 'string', default: '5' },
    count: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '3' },
    'soak-seconds': { type: 'string', default: '600' },
    'soak-concurrency': { type: 'string', default: '4' },
    profile: { type: 'string' },
    /** For profiling: load only these targets in the throughput section (e.g. keybridge). */
    targets: { type: 'string', default: 'direct,reference,keybridge' },
    out: { type: 'string' },
    /** Requests per measured batch in the instructions section (each under valgrind). */
    'instr-count': { type: 'string', default: '200' },
    /** Warm-up requests per target before counting (V8 must have optimised the hot paths). */
    'instr-warmup': { type: 'string', default: '3000' },
    /**
     * Scenarios of the throughput section; passthrough-stream (100 events, unpaced, on a mock of its
     * own) measures the relay of stream bytes.
     */
    'throughput-scenarios': { type: 'string', default: 'passthrough,conversion' },
    /** `on`: Keybridge runs with spend limits and an access key the client presents (see docs/performance.md). */
    limits: { type: 'string', default: 'off' },
    /** Scenarios of the instructions section. */
    'instr-scenarios': {
      type: 'string',
      default: 'passthrough,conversion,passthrough-stream,conversion-stream,conversion-long',
    },
  },
});
const sections = new Set(flags.only.split(','));
const LIMITS = flags.limits === 'on';
/** What the client sends Keybridge besides the body: the access key when limits are on. */
const kbHeaders = LIMITS ? { authorization: `Bearer ${BENCH_ACCESS_KEY}` } : undefined;
const RUNS = Number(flags.runs);
const COUNT = Number(flags.count);
const SECONDS = Number(flags.seconds);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const r3 = (n) => Math.round(n * 1000) / 1000;
const log = (...a) => console.error(...a);

const json = (o) => JSON.stringify(o);

/** The three targets of a scenario: mock directly, through the reference proxy, through Keybridge. */
function scenario(kind, env, opts = {}) {
  const { mock, ref, kb } = env;
  if (kind === 'passthrough') {
    return {
      direct: {
        name: 'direct',
        origin: mock.origin,
        path: '/v1/chat/completions',
        body: json(openaiChatBody('gpt-bench', opts)),
      },
      reference: {
        name: 'reference',
        origin: ref.origin,
        path: '/v1/chat/completions',
        body: json(openaiChatBody('gpt-bench', opts)),
      },
      keybridge: {
        name: 'keybridge',
        origin: kb.origin,
        path: '/v1/chat/completions',
        headers: kbHeaders,
        body: json(openaiChatBody('oa-model', opts)),
      },
    };
  }
  // conversion: the client speaks OpenAI to Keybridge, which speaks Anthropic to the mock; the
  // baselines send the Anthropic request the mock answers.
  const headers = { 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-bench' };
  return {
    direct: {
      name: 'direct',
      origin: mock.origin,
      path: '/v1/messages',
      headers,
      body: json(anthropicMessagesBody('claude-bench', opts)),
    },
    reference: {
      name: 'reference',
      origin: ref.origin,
      path: '/v1/messages',
      headers,
      body: json(anthropicMessagesBody('claude-bench', opts)),
    },
    keybridge: {
      name: 'keybridge',
      origin: kb.origin,
      path: '/v1/chat/completions',
      headers: kbHeaders,
      body: json(openaiChatBody('claude-model', opts)),
    },
  };
}

async function startAll(opts = {}) {
  const mock = await startMock({ intervalMs: opts.intervalMs ?? 1, tokenLifetimeS: opts.tokenLifetimeS });
  const ref = await startReference(mock.origin);
  const kb = await startKeybridge(keybridgeConfig(mock.origin, { limits: LIMITS }), {
    cpuProfDir: flags.profile,
    inspect: opts.inspect,
  });
  return {
    mock,
    ref,
    kb,
    async stop() {
      await closePools();
      await Promise.all([kb.stop(), ref.stop(), mock.stop()]);
    },
  };
}

async function warm(targets, n = 300) {
  for (const t of Object.values(targets)) for (let i = 0; i < n; i++) await once(t);
}

// ---------------------------------------------------------------- latency (concurrency 1)
async function benchLatency(env) {
  const out = {};
  for (const kind of ['passthrough', 'conversion']) {
    const targets = scenario(kind, env);
    await warm(targets);
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const row = await latency(targets, COUNT);
      runs.push(row);
      log(
        `latency ${kind} run ${r + 1}: ${Object.entries(row)
          .map(([k, v]) => `${k} p50 ${v.p50.toFixed(3)} p99 ${v.p99.toFixed(3)}`)
          .join(' | ')}`,
      );
    }
    const m = (target, p) => median(runs.map((x) => x[target][p]));
    const added = (base, p) => median(runs.map((x) => x.keybridge[p] - x[base][p]));
    out[kind] = {
      responseBytes: (await once(targets.keybridge)).bytes,
      p50: {
        direct: r3(m('direct', 'p50')),
        reference: r3(m('reference', 'p50')),
        keybridge: r3(m('keybridge', 'p50')),
      },
      p99: {
        direct: r3(m('direct', 'p99')),
        reference: r3(m('reference', 'p99')),
        keybridge: r3(m('keybridge', 'p99')),
      },
      addedVsDirect: { p50: r3(added('direct', 'p50')), p99: r3(added('direct', 'p99')) },
      addedVsReference: { p50: r3(added('reference', 'p50')), p99: r3(added('reference', 'p99')) },
      referenceAddedVsDirect: {
        p50: r3(median(runs.map((x) => x.reference.p50 - x.direct.p50))),
        p99: r3(median(runs.map((x) => x.reference.p99 - x.direct.p99))),
      },
    };
  }
  return out;
}

// ---------------------------------------------------------------- throughput (c=16, c=128)
async function benchThroughput(env, kinds) {
  const out = {};
  for (const kind of kinds) {
    const targets =
      kind === 'passthrough-stream'
        ? scenario('passthrough', env, { stream: true, maxTokens: 100 })
        : scenario(kind, env);
    out[kind] = {};
    for (const c of [16, 128]) {
      const runs = [];
      for (const t of Object.values(targets)) await throughput(t, c, 1); // warm the pools
      for (let r = 0; r < RUNS; r++) {
        const row = {};
        for (const [name, t] of Object.entries(targets)) {
          if (!flags.targets.split(',').includes(name)) continue;
          const proc = name === 'keybridge' ? env.kb : name === 'reference' ? env.ref : env.mock;
          const before = proc.cpuMs();
          row[name] = await throughput(t, c, SECONDS);
          const after = proc.cpuMs();
          // CPU the proxy process spent per request (µs), user and system
          row[name].cpuUsPerRequest = {
            user: Math.round(((after.user - before.user) * 1000) / row[name].done),
            sys: Math.round(((after.sys - before.sys) * 1000) / row[name].done),
          };
        }
        runs.push(row);
        log(
          `throughput ${kind} c=${c} run ${r + 1}: ${Object.entries(row)
            .map(
              ([k, v]) =>
                `${k} ${v.rps.toFixed(0)}/s cpu ${v.cpuUsPerRequest.user}+${v.cpuUsPerRequest.sys}µs${v.failed ? ` (${v.failed} failed)` : ''}`,
            )
            .join(' | ')}`,
        );
      }
      if (!runs[0].reference || !runs[0].keybridge || !runs[0].direct) {
        out[kind][`c${c}`] = runs;
        continue;
      }
      out[kind][`c${c}`] = {
        rps: {
          direct: Math.round(median(runs.map((x) => x.direct.rps))),
          reference: Math.round(median(runs.map((x) => x.reference.rps))),
          keybridge: Math.round(median(runs.map((x) => x.keybridge.rps))),
        },
        ratioToReference: r3(median(runs.map((x) => x.keybridge.rps / x.reference.rps))),
        cpuUsPerRequest: {
          reference: {
            user: median(runs.map((x) => x.reference.cpuUsPerRequest.user)),
            sys: median(runs.map((x) => x.reference.cpuUsPerRequest.sys)),
          },
          keybridge: {
            user: median(runs.map((x) => x.keybridge.cpuUsPerRequest.user)),
            sys: median(runs.map((x) => x.keybridge.cpuUsPerRequest.sys)),
          },
        },
        failed: runs.reduce((s, x) => s + x.keybridge.failed, 0),
      };
    }
  }
  return out;
}

// ---------------------------------------------------------------- streaming (1,000 events)
async function benchStreaming(env) {
  const out = {};
  for (const kind of ['passthrough', 'conversion']) {
    const targets = scenario(kind, env, { stream: true, maxTokens: 1000 });
    for (const t of Object.values(targets)) await timedStream(t);
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const row = {};
      for (const [name, t] of Object.entries(targets)) row[name] = await timedStream(t);
      runs.push(row);
      log(
        `stream ${kind} run ${r + 1}: ${Object.entries(row)
          .map(([k, v]) => `${k} ttft ${v.ttft.toFixed(3)} ev p99 ${v.p99.toFixed(3)} (${v.events})`)
          .join(' | ')}`,
      );
    }
    const m = (t, p) => r3(median(runs.map((x) => x[t][p])));
    out[kind] = {
      events: runs[0].keybridge.events,
      ttftMs: {
        direct: m('direct', 'ttft'),
        reference: m('reference', 'ttft'),
        keybridge: m('keybridge', 'ttft'),
      },
      eventDelayP50Ms: {
        direct: m('direct', 'p50'),
        reference: m('reference', 'p50'),
        keybridge: m('keybridge', 'p50'),
      },
      eventDelayP99Ms: {
        direct: m('direct', 'p99'),
        reference: m('reference', 'p99'),
        keybridge: m('keybridge', 'p99'),
      },
      addedTtftMs: r3(median(runs.map((x) => x.keybridge.ttft - x.direct.ttft))),
      shortStreams: await shortStreamTtft(kind, env),
      addedEventDelayP99Ms: r3(median(runs.map((x) => x.keybridge.p99 - x.direct.p99))),
      addedEventDelayP99VsReferenceMs: r3(median(runs.map((x) => x.keybridge.p99 - x.reference.p99))),
    };
  }
  return out;
}

/**
 * Time to first token on short streams (5 events), 40 rounds interleaved across the three targets:
 * less exposed to noise than the first event of a long stream.
 */
async function shortStreamTtft(kind, env) {
  const targets = scenario(kind, env, { stream: true, maxTokens: 5 });
  const ttft = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (let i = 0; i < 45; i++) {
    for (const [name, t] of Object.entries(targets)) {
      const r = await timedStream(t);
      if (i >= 5) ttft[name].push(r.ttft);
    }
  }
  const m = Object.fromEntries(Object.entries(ttft).map(([k, v]) => [k, r3(median(v))]));
  log(`stream ${kind} short-stream ttft medians: ${JSON.stringify(m)}`);
  return {
    ttftMedianMs: m,
    addedTtftMs: r3(m.keybridge - m.direct),
    addedTtftVsReferenceMs: r3(m.keybridge - m.reference),
  };
}

// ---------------------------------------------------------------- memory
async function sampleWhile(proc, promise, everyMs = 100) {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, proc.rssMb());
      await sleep(everyMs);
    }
  })();
  const result = await promise;
  running = false;
  await loop;
  return { peak, result };
}

async function benchMemory() {
  const env = await startAll();
  try {
    await sleep(3000);
    const idle = env.kb.rssMb();
    // baselines in the same run: the reference proxy idle, and a bare Node process
    const referenceIdle = env.ref.rssMb();
    const bare = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)']);
    await sleep(1000);
    const bareIdle = rssMb(bare.pid);
    bare.kill();
    const idleFds = env.kb.fdCount();
    // one request of each kind, then idle again: the "warmed-up" idle figure
    const pt = scenario('passthrough', env);
    const cv = scenario('conversion', env);
    await once(pt.keybridge);
    await once(cv.keybridge);
    await sleep(2000);
    const idleWarm = env.kb.rssMb();
    const streams = scenario('conversion', env, { stream: true, maxTokens: 1000 }).keybridge;
    const { peak, result } = await sampleWhile(env.kb, concurrentStreams(streams, 200));
    await closePools();
    await sleep(5000);
    const after = env.kb.rssMb();
    log(
      `memory: idle ${idle.toFixed(1)} MB, warm idle ${idleWarm.toFixed(1)} MB, 200 streams peak ${peak.toFixed(1)} MB (${result.ok} ok, ${result.failed} failed), after ${after.toFixed(1)} MB`,
    );
    return {
      idleRssMb: r3(idle),
      baselines: { bareNodeRssMb: r3(bareIdle), referenceProxyIdleRssMb: r3(referenceIdle) },
      idleFds,
      idleAfterFirstRequestsRssMb: r3(idleWarm),
      streams200: { peakRssMb: r3(peak), ok: result.ok, failed: result.failed, rssAfter5sMb: r3(after) },
    };
  } finally {
    await env.stop();
  }
}

// ---------------------------------------------------------------- Vertex token cache
async function benchVertex() {
  const out = {};
  for (const lifetime of [3600, 20]) {
    const env = await startAll({ tokenLifetimeS: lifetime });
    try {
      const target = {
        name: 'vertex',
        origin: env.kb.origin,
        path: '/v1/messages',
        headers: { 'anthropic-version': '2023-06-01', 'x-api-key': 'x' },
        body: json(anthropicMessagesBody('claude-vertex')),
      };
      const seconds = lifetime === 3600 ? 10 : 45;
      const r = await throughput(target, 16, seconds);
      const stats = await (await fetch(`${env.mock.origin}/__stats`)).json();
      out[`tokenLifetime${lifetime}s`] = {
        seconds,
        concurrency: 16,
        requests: r.done,
        failed: r.failed,
        tokenFetches: stats.tokenRequests,
        requestsPerTokenFetch: Math.round(r.done / Math.max(1, stats.tokenRequests)),
      };
      log(`vertex lifetime ${lifetime}s: ${r.done} requests, ${stats.tokenRequests} token fetches`);
    } finally {
      await env.stop();
    }
  }
  return out;
}

// ---------------------------------------------------------------- soak (mixed traffic)
async function benchSoak() {
  const seconds = Number(flags['soak-seconds']);
  const concurrency = Number(flags['soak-concurrency']);
  const env = await startAll({ inspect: true });
  try {
    const mixes = [
      scenario('passthrough', env).keybridge,
      scenario('conversion', env).keybridge,
      scenario('passthrough', env, { stream: true, maxTokens: 100 }).keybridge,
      scenario('conversion', env, { stream: true, maxTokens: 100 }).keybridge,
      {
        name: 'unknown-model',
        expectStatus: 404,
        origin: env.kb.origin,
        path: '/v1/chat/completions',
        body: json(openaiChatBody('no-such-model')),
      },
    ];
    const counts = { ok: 0, failed: 0, aborted: 0 };
    const samples = [];
    const gcStart = await heapAfterGc(env.kb);
    let gcWarm;
    const warmAt = Math.min(30, seconds / 4);
    const t0 = performance.now();
    const until = t0 + seconds * 1000;
    let i = 0;
    const worker = async () => {
      while (performance.now() < until) {
        const n = i++;
        const t = mixes[n % mixes.length];
        try {
          if (n % 17 === 0) {
            // a client that gives up mid-stream
            const ac = new AbortController();
            const p = fetch(`${env.kb.origin}/v1/chat/completions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: json(openaiChatBody('claude-model', { stream: true, maxTokens: 1000 })),
              signal: ac.signal,
            }).then(async (res) => {
              const reader = res.body.getReader();
              await reader.read();
              ac.abort();
            });
            await p.catch(() => undefined);
            counts.aborted++;
          } else if (t.body.includes('"stream":true')) {
            await timedStream(t, concurrency);
            counts.ok++;
          } else {
            await once(t, concurrency);
            counts.ok++;
          }
        } catch {
          counts.failed++;
        }
        await sleep(2); // mixed traffic, not a saturation test
      }
    };
    const sampler = (async () => {
      while (performance.now() < until) {
        samples.push({
          s: Math.round((performance.now() - t0) / 1000),
          rssMb: r3(env.kb.rssMb()),
          fds: env.kb.fdCount(),
        });
        log(
          `soak ${samples.at(-1).s}s rss ${samples.at(-1).rssMb} MB fds ${samples.at(-1).fds} (${counts.ok} ok, ${counts.failed} failed, ${counts.aborted} aborted)`,
        );
        if (!gcWarm && samples.at(-1).s >= warmAt) {
          gcWarm = await heapAfterGc(env.kb);
          log(
            `soak heap after GC at warm-up: ${gcWarm.heapUsedMb.toFixed(1)} MB (rss ${gcWarm.rssMb.toFixed(1)})`,
          );
        }
        await sleep(Math.min(10_000, (seconds * 1000) / 20));
      }
    })();
    await Promise.all([...Array.from({ length: concurrency }, worker), sampler]);
    await closePools();
    await sleep(10_000);
    const idleAfter = { rssMb: r3(env.kb.rssMb()), fds: env.kb.fdCount() };
    const gcAfter = await heapAfterGc(env.kb);
    const warm = samples.find((s) => s.s >= Math.min(30, seconds / 4)) ?? samples[0];
    return {
      seconds,
      concurrency,
      counts,
      rssAfterWarmupMb: warm.rssMb,
      rssPeakMb: Math.max(...samples.map((s) => s.rssMb)),
      rssLastSampleMb: samples.at(-1).rssMb,
      idleAfter10s: idleAfter,
      // heap after forced full GCs (DevTools protocol): before any traffic, after the warm-up, at the end
      heapAfterGcMb: {
        start: r3(gcStart.heapUsedMb),
        afterWarmup: r3(gcWarm?.heapUsedMb ?? Number.NaN),
        end: r3(gcAfter.heapUsedMb),
      },
      rssAfterGcMb: {
        start: r3(gcStart.rssMb),
        afterWarmup: r3(gcWarm?.rssMb ?? Number.NaN),
        end: r3(gcAfter.rssMb),
      },
      fdsAtWarmup: warm.fds,
      samples,
    };
  } finally {
    await env.stop();
  }
}

// ---------------------------------------------------------------- instructions per request
// The reference proxy and Keybridge each run under valgrind's callgrind, which counts the
// instructions a process executes. That count is far steadier than seconds, so it is the figure to
// compare before and after a change to the per-request work — run alone: under valgrind requests
// are ~50x slower, and timer-driven work (idle GC, keep-alive timers) lands in more of them when the
// machine is busy. (Not the same as time: cache misses and syscalls cost more than their
// instruction counts, so throughput stays the figure the targets are set in.)
async function benchInstructions() {
  if (!hasValgrind()) {
    log('instructions: skipped, valgrind is not installed (apt-get install valgrind)');
    return { skipped: 'valgrind not installed' };
  }
  const n = Number(flags['instr-count']);
  const dir = mkdtempSync(join(tmpdir(), 'keybridge-callgrind-'));
  const mock = await startMock({ intervalMs: 0 });
  const ref = await startReference(mock.origin, { wrapper: callgrindWrapper(dir) });
  const kb = await startKeybridge(keybridgeConfig(mock.origin, { limits: LIMITS }), {
    wrapper: callgrindWrapper(dir),
  });
  const env = { mock, ref, kb };
  const out = { requestsPerBatch: n };
  try {
    const kinds = [
      ['passthrough', {}],
      ['conversion', {}],
      ['passthrough-stream', { stream: true, maxTokens: 100 }],
      ['conversion-stream', { stream: true, maxTokens: 100 }],
      ['conversion-long', {}],
    ];
    const wanted = new Set(flags['instr-scenarios'].split(','));
    for (const [kind, opts] of kinds.filter(([k]) => wanted.has(k))) {
      const all = scenario(kind.replace(/-(stream|long)$/, ''), env, opts);
      const targets = { reference: all.reference, keybridge: all.keybridge };
      if (kind === 'conversion-long') {
        // a 130 KB chat of 100 exchanges; the reference proxy relays the same bytes
        const body = json(longOpenaiChatBody('claude-model'));
        targets.keybridge = { ...targets.keybridge, body };
        targets.reference = { ...targets.reference, path: '/v1/chat/completions', headers: {}, body };
      }
      // let V8 optimise the hot paths first: after 500 requests under valgrind much still ran in
      // the baseline compiler, and counts were 1.6× the steady state's
      await warm(targets, Number(flags['instr-warmup']));
      const runs = [];
      for (let r = 0; r < RUNS; r++) {
        const row = {};
        for (const [name, t] of Object.entries(targets)) {
          const pid = env[name === 'reference' ? 'ref' : 'kb'].pid;
          dumpInstructions(dir, pid); // zeroes the count
          for (let i = 0; i < n; i++) await once(t);
          row[name] = Math.round(dumpInstructions(dir, pid) / n);
        }
        runs.push(row);
        log(
          `instructions ${kind} run ${r + 1}: reference ${row.reference} | keybridge ${row.keybridge} per request (×${(row.keybridge / row.reference).toFixed(2)})`,
        );
      }
      out[kind] = {
        perRequest: {
          reference: median(runs.map((x) => x.reference)),
          keybridge: median(runs.map((x) => x.keybridge)),
        },
        ratio: r3(median(runs.map((x) => x.keybridge / x.reference))),
        runs,
      };
    }
    return out;
  } finally {
    await closePools();
    await Promise.all([kb.stop(), ref.stop(), mock.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main
const results = { machine: machine(), date: new Date().toISOString(), flags };
log('machine', results.machine);
if (sections.has('latency') || sections.has('throughput') || sections.has('streaming')) {
  const env = await startAll();
  try {
    if (sections.has('latency')) results.latency = await benchLatency(env);
    if (sections.has('throughput'))
      results.throughput = await benchThroughput(
        env,
        flags['throughput-scenarios'].split(',').filter((k) => k !== 'passthrough-stream'),
      );
    if (sections.has('streaming')) results.streaming = await benchStreaming(env);
  } finally {
    await env.stop();
  }
}
if (sections.has('throughput') && flags['throughput-scenarios'].split(',').includes('passthrough-stream')) {
  // streams back to back (the mock's 1 ms pacing would make this a measure of the pacing)
  const env = await startAll({ intervalMs: 0 });
  try {
    results.throughput = { ...results.throughput, ...(await benchThroughput(env, ['passthrough-stream'])) };
  } finally {
    await env.stop();
  }
}
if (sections.has('memory')) results.memory = await benchMemory();
if (sections.has('vertex')) results.vertex = await benchVertex();
if (sections.has('soak')) results.soak = await benchSoak();
if (sections.has('instructions')) results.instructions = await benchInstructions();

const text = JSON.stringify(results, null, 2);
if (flags.out) {
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, `${text}\n`);
}
console.log(text);
