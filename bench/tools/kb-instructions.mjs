// Instructions per request of the headless Keybridge alone (no reference proxy), counted by
// callgrind on its main thread: a warm-up, then batches of sequential requests, each batch's count
// read and zeroed with `callgrind_control -d` (as the bench's instructions section does). Quicker
// than the whole section when only Keybridge's before/after is wanted; ROOT may be another built
// checkout, so two builds are counted with the same tool. Build first (npm run build:main).
//   node bench/tools/kb-instructions.mjs [--root DIR] [--scenarios passthrough-stream,...]
//        [--warmup 1500] [--count 200] [--runs 2]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: fileURLToPath(new URL('../..', import.meta.url)) },
    scenarios: { type: 'string', default: 'passthrough,conversion,passthrough-stream' },
    warmup: { type: 'string', default: '1500' },
    count: { type: 'string', default: '200' },
    runs: { type: 'string', default: '2' },
  },
});
const lib = (f) => import(join(values.root, 'bench/lib', f));
const { startMock, startKeybridge, callgrindWrapper, dumpInstructions } = await lib('procs.mjs');
const { once, closePools } = await lib('client.mjs');
const { keybridgeConfig } = await lib('config.mjs');
const { openaiChatBody } = await lib('payloads.mjs');

const dir = mkdtempSync(join(tmpdir(), 'kb-instr-'));
const mock = await startMock({ intervalMs: 0 });
const kb = await startKeybridge(keybridgeConfig(mock.origin), { wrapper: callgrindWrapper(dir) });
const target = (model, opts) => ({
  name: 'keybridge',
  origin: kb.origin,
  path: '/v1/chat/completions',
  body: JSON.stringify(openaiChatBody(model, opts)),
});
const stream = { stream: true, maxTokens: 100 };
const all = {
  passthrough: target('oa-model'),
  conversion: target('claude-model'),
  'passthrough-stream': target('oa-model', stream),
  'conversion-stream': target('claude-model', stream),
};
const n = Number(values.count);
const out = {};
try {
  for (const kind of values.scenarios.split(',')) {
    const t = all[kind];
    if (!t) throw new Error(`unknown scenario ${kind}`);
    for (let i = 0; i < Number(values.warmup); i++) await once(t);
    const rows = [];
    for (let r = 0; r < Number(values.runs); r++) {
      dumpInstructions(dir, kb.pid); // zeroes the count
      for (let i = 0; i < n; i++) await once(t);
      rows.push(Math.round(dumpInstructions(dir, kb.pid) / n));
    }
    out[kind] = rows;
    console.log(kind, rows.join(' '));
  }
  console.log(values.root, JSON.stringify(out));
} finally {
  await closePools();
  await Promise.all([kb.stop(), mock.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
