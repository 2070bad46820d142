// Starting and watching the bench's child processes (mock, reference proxy, Keybridge headless).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Spawns `node args…` and resolves with the port found by `portOf` on a stdout line. */
function startChild(name, args, portOf, extraNodeArgs = [], wrapper = []) {
  const command = [...wrapper, process.execPath, ...extraNodeArgs, ...args];
  const child = spawn(command[0], command.slice(1), {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  return new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const port = portOf(line);
      if (port) {
        ok({
          name,
          pid: child.pid,
          origin: `http://127.0.0.1:${port}`,
          port,
          rssMb: () => rssMb(child.pid),
          fdCount: () => fdCount(child.pid),
          cpuMs: () => cpuMs(child.pid),
          /** The inspector WebSocket URL when started with --inspect (for heap figures). */
          inspectorUrl: () => /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(stderr)?.[0],
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 8000).unref();
            }),
        });
      }
    });
    child.once('exit', (code) => fail(new Error(`${name} exited (${code}): ${stderr}`)));
  });
}

export function startMock(opts = {}) {
  const args = [join(ROOT, 'bench/lib/mock-upstream.mjs')];
  if (opts.intervalMs !== undefined) args.push('--interval-ms', String(opts.intervalMs));
  if (opts.tokenLifetimeS !== undefined) args.push('--token-lifetime-s', String(opts.tokenLifetimeS));
  return startChild('mock', args, (l) => JSON.parse(l).port);
}

export function startReference(upstream, { wrapper } = {}) {
  return startChild(
    'reference',
    [join(ROOT, 'bench/lib/reference-proxy.mjs'), '--upstream', upstream],
    (l) => JSON.parse(l).port,
    [],
    wrapper,
  );
}

/** The real headless CLI (bin/keybridge.js → dist/), as a user would run it. */
export function startKeybridge(config, { cpuProfDir, inspect, wrapper } = {}) {
  const file = join(tmpdir(), `keybridge-bench-${process.pid}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(config));
  const nodeArgs = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
  if (inspect) nodeArgs.push('--inspect=127.0.0.1:0');
  return startChild(
    'keybridge',
    [join(ROOT, 'bin/keybridge.js'), 'serve', '--config', file, '--port', '0'],
    (l) => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(l);
      return m ? Number(m[1]) : undefined;
    },
    nodeArgs,
    wrapper,
  );
}

/**
 * Wraps a child in valgrind's callgrind, which counts the instructions the process executes: a
 * figure far steadier than seconds (but timer-driven work still lands in it, so run it alone). Each
 * `dumpInstructions(pid)` returns the main thread's count since the previous dump and zeroes it.
 */
export function callgrindWrapper(dir) {
  // Threads apart: the count read is the main thread's (JavaScript, parsing, scavenges), without
  // V8's background compiler and GC threads, whose work lands at random moments.
  return [
    'valgrind',
    '--tool=callgrind',
    `--callgrind-out-file=${join(dir, 'cg.%p')}`,
    '--separate-threads=yes',
  ];
}

export function dumpInstructions(dir, pid) {
  const before = new Set(readdirSync(dir));
  execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
  // With --separate-threads one file per thread (cg.PID.N-TT): thread 01 is the main thread.
  const dump = readdirSync(dir).find(
    (f) => !before.has(f) && f.startsWith(`cg.${pid}.`) && f.endsWith('-01'),
  );
  if (!dump) throw new Error(`callgrind wrote no dump for ${pid}`);
  const text = readFileSync(join(dir, dump), 'utf8');
  const m = /^(?:totals|summary): (\d+)/m.exec(text);
  if (!m) throw new Error(`no totals in ${dump}`);
  return Number(m[1]);
}

/**
 * Runs `node script …args` to its end under callgrind and returns the instructions its main thread
 * executed (for in-process counts: run the work N times and 0 times and take the difference).
 */
export function callgrindTotal(script, args) {
  const dir = mkdtempSync(join(tmpdir(), 'kb-callgrind-'));
  try {
    const [valgrind, ...opts] = callgrindWrapper(dir);
    execFileSync(valgrind, [...opts, process.execPath, script, ...args], { stdio: 'ignore' });
    const main = readdirSync(dir).find((f) => f.endsWith('-01'));
    if (!main) throw new Error('callgrind wrote no dump for the main thread');
    const m = /^(?:totals|summary): (\d+)/m.exec(readFileSync(join(dir, main), 'utf8'));
    if (!m) throw new Error(`no totals in ${main}`);
    return Number(m[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function hasValgrind() {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Resident set size of a process, in MB (from /proc). */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** User and system CPU time a process has used so far, in ms (from /proc/PID/stat). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 10; // USER_HZ is 100 on Linux
  return { user: Number(fields[11]) * tick, sys: Number(fields[12]) * tick };
}

/**
 * Forces a full GC in a process started with --inspect and returns its heap and RSS afterwards
 * (MB), through the DevTools protocol.
 */
export async function heapAfterGc(proc) {
  const { default: WebSocket } = await import('ws');
  const url = proc.inspectorUrl();
  if (!url) throw new Error('not started with --inspect');
  const ws = new WebSocket(url);
  await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
  let id = 0;
  const call = (method) =>
    new Promise((ok) => {
      const my = ++id;
      const onMessage = (m) => {
        const msg = JSON.parse(String(m));
        if (msg.id === my) {
          ws.off('message', onMessage);
          ok(msg.result);
        }
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id: my, method }));
    });
  await call('HeapProfiler.collectGarbage');
  await call('HeapProfiler.collectGarbage');
  const usage = await call('Runtime.getHeapUsage');
  ws.close();
  await new Promise((r) => setTimeout(r, 500));
  return {
    heapUsedMb: usage.usedSize / 1048576,
    heapTotalMb: usage.totalSize / 1048576,
    rssMb: proc.rssMb(),
  };
}

export function fdCount(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  const mem = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  return {
    cpu: model,
    cores: (cpuinfo.match(/^processor\s*:/gm) ?? []).length,
    memGb: Math.round(mem / 1024 / 1024),
    node: process.version,
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
  };
}
