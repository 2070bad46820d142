// CPU time (user+sys, from /proc) the headless Keybridge spends per request: sequential requests
// after a warm-up, three batches per scenario. A cheap before/after figure where valgrind cannot
// run (a loaded machine). Build first (npm run build:main).
//   node bench/tools/cpu-per-request.mjs [ROOT of a built checkout] [requests per batch]
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ?? fileURLToPath(new URL('../..', import.meta.url));
const lib = (f) => import(join(root, 'bench/lib', f));
const { startMock, startKeybridge, cpuMs } = await lib('procs.mjs');
const { once, closePools } = await lib('client.mjs');
const { keybridgeConfig } = await lib('config.mjs');
const { openaiChatBody } = await lib('payloads.mjs');
const mock = await startMock({ intervalMs: 0 });
const kb = await startKeybridge(keybridgeConfig(mock.origin));
const json = (b) => JSON.stringify(b);
const targets = {
  passthrough: {
    name: 'keybridge',
    origin: kb.origin,
    path: '/v1/chat/completions',
    body: json(openaiChatBody('oa-model')),
  },
  conversion: {
    name: 'keybridge',
    origin: kb.origin,
    path: '/v1/chat/completions',
    body: json(openaiChatBody('claude-model')),
  },
  'passthrough-stream': {
    name: 'keybridge',
    origin: kb.origin,
    path: '/v1/chat/completions',
    body: json(openaiChatBody('oa-model', { stream: true, maxTokens: 100 })),
  },
  'conversion-stream': {
    name: 'keybridge',
    origin: kb.origin,
    path: '/v1/chat/completions',
    body: json(openaiChatBody('claude-model', { stream: true, maxTokens: 100 })),
  },
};
const N = Number(process.argv[3] ?? 2000);
const out = {};
try {
  for (const [kind, t] of Object.entries(targets)) {
    for (let i = 0; i < 1500; i++) await once(t);
    const rows = [];
    for (let b = 0; b < 3; b++) {
      const c = () => {
        const x = cpuMs(kb.pid);
        return x.user + x.sys;
      };
      const c0 = c();
      for (let i = 0; i < N; i++) await once(t);
      rows.push(Math.round(((c() - c0) * 1000) / N));
    }
    rows.sort((a, b) => a - b);
    out[kind] = rows;
  }
  console.log(root, JSON.stringify(out));
} finally {
  await closePools();
  await Promise.all([kb.stop(), mock.stop()]);
}
