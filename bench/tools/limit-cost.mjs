// The spend-limit work of one request, counted in instructions: the gate's key match, the check
// before sending and the count after (ledger + warnings), with limits and an access key configured
// (`on`) or none (`off`, what every request does anyway). Run under callgrind with N iterations and
// with 0; the difference of the main thread's counts over N is the cost per request, unaffected by
// how busy the machine is. Needs `npm run build:main`.
//   node bench/tools/limit-cost.mjs [--runs 3] [--count 20000] [--warmup 5000]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { callgrindTotal } from '../lib/procs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '../../dist/proxy-core/src');

async function work(mode, count, warmup) {
  const { parseConfig } = await import(join(dist, 'config/load.js'));
  const { checkRequest } = await import(join(dist, 'server/security-gate.js'));
  const { checkKeyModel, checkLimits } = await import(join(dist, 'server/limit-check.js'));
  const { LimitsLedger } = await import(join(dist, 'observability/limits-ledger.js'));
  const { accountLimit, globalLimit, keyLimit, limitPartId, statusesOf } = await import(
    join(dist, 'observability/limits.js')
  );
  const { BENCH_ACCESS_KEY, keybridgeConfig } = await import(join(here, '../lib/config.mjs'));
  // The bench's config without its Vertex account, whose RSA key generation costs a random number
  // of instructions (the prime search) and would swamp the difference.
  const raw = keybridgeConfig('http://127.0.0.1:9', { limits: mode === 'on' }, { vertex: false });
  const config = parseConfig(raw);
  const headers = { host: '127.0.0.1:5731', 'content-type': 'application/json' };
  if (mode === 'on') headers.authorization = `Bearer ${BENCH_ACCESS_KEY}`;
  const ledger = new LimitsLedger({});
  const routes = [{ account: 'oa' }];
  const catalog = { canonicalId: (id) => id };
  const query = new URLSearchParams();
  const gateOpts = { server: config.server, extraHosts: new Set() };
  const one = () => {
    const gate = checkRequest({ method: 'POST', headers, query, remoteAddress: '127.0.0.1' }, gateOpts);
    checkKeyModel(gate.accessKey, 'oa-model', catalog);
    checkLimits({ config, ledger, now: Date.now(), accessKey: gate.accessKey, routes });
    // what proxy.ts does with the finished record
    const key = gate.accessKey;
    ledger.add({ time: Date.now(), account: 'oa', accessKey: key?.name, tokens: 2200, costUsd: 0.0004 });
    for (const s of [globalLimit(config), accountLimit(config, 'oa'), key && keyLimit(config, key.name)]) {
      if (!s) continue;
      for (const st of statusesOf(s, ledger, Date.now(), 'warning')) ledger.notified(limitPartId(st));
    }
  };
  for (let i = 0; i < warmup + count; i++) one();
}

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    runs: { type: 'string', default: '3' },
    count: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '5000' },
    modes: { type: 'string', default: 'off,on' },
  },
});
if (values.child) {
  const [mode, count] = values.child.split(':');
  await work(mode, Number(count), Number(values.warmup));
} else {
  const count = Number(values.count);
  const counted = (mode, n) =>
    callgrindTotal(fileURLToPath(import.meta.url), ['--child', `${mode}:${n}`, '--warmup', values.warmup]);
  const out = {};
  for (const mode of values.modes.split(',')) {
    const per = [];
    for (let r = 0; r < Number(values.runs); r++)
      per.push(Math.round((counted(mode, count) - counted(mode, 0)) / count));
    out[mode] = per;
    console.error(`${mode}: ${per.join(', ')} instructions per request`);
  }
  console.log(JSON.stringify({ count, warmup: Number(values.warmup), instructionsPerRequest: out }, null, 2));
}
