// Profiles Keybridge alone under load: starts the mock and Keybridge (with --cpu-prof into DIR),
// runs `seconds` of requests from 8 concurrent clients, stops, and leaves the .cpuprofile for
// bench/tools/profile-summary.mjs. `events` > 0 streams that many events; 0 asks for whole answers.
//   node bench/tools/profile-load.mjs DIR [passthrough|conversion|conversion-long] [seconds] [events]
// (conversion-long: a 130 KB SillyTavern chat of 100 exchanges)
import { closePools, throughput } from '../lib/client.mjs';
import { keybridgeConfig } from '../lib/config.mjs';
import { longOpenaiChatBody, openaiChatBody } from '../lib/payloads.mjs';
import { startKeybridge, startMock } from '../lib/procs.mjs';

const [dir, kind = 'passthrough', seconds = '10', events = '100'] = process.argv.slice(2);
if (!dir)
  throw new Error('usage: profile-load.mjs DIR [passthrough|conversion|conversion-long] [seconds] [events]');
const mock = await startMock({ intervalMs: 0 });
const kb = await startKeybridge(keybridgeConfig(mock.origin), { cpuProfDir: dir });
const target = {
  name: 'keybridge',
  origin: kb.origin,
  path: '/v1/chat/completions',
  body: JSON.stringify(
    (kind === 'conversion-long' ? longOpenaiChatBody : openaiChatBody)(
      kind.startsWith('conversion') ? 'claude-model' : 'oa-model',
      Number(events) > 0 ? { stream: true, maxTokens: Number(events) } : {},
    ),
  ),
};
const r = await throughput(target, 8, Number(seconds));
console.error(`${kind}: ${r.done} requests (${events} events each), ${r.failed} failed`);
await closePools();
await Promise.all([kb.stop(), mock.stop()]);
