// Instructions of each step of a conversion (OpenAI client → Anthropic upstream, the bench's
// request and 8 KB answer) and of the passthrough stream's per-read work (redactor, tap, usage
// cutter on the bench's 100-event stream), in-process, without sockets: each step is run N times and 0 times under
// callgrind and the difference of the main thread's counts is divided by N. Shows which step of the
// conversion costs what, steadily on a busy machine. Needs `npm run build:main`.
//   node bench/tools/conversion-stages.mjs [--count 3000] [--warmup 3000] [--stages a,b]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { answerText, openaiChatBody } from '../lib/payloads.mjs';
import { callgrindTotal } from '../lib/procs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '../../dist/proxy-core/src');

async function stages() {
  const { createCodecSet } = await import(join(dist, 'dialects/registry.js'));
  const codecs = createCodecSet();
  const openai = codecs.dialect('openai');
  const anthropic = codecs.wire('anthropic');
  const requestText = JSON.stringify(openaiChatBody('claude-model'));
  const request = JSON.parse(requestText);
  const canonical = openai.decodeRequest(request);
  const opts = { upstreamModel: 'claude-bench', providerKind: 'anthropic', nativeStructuredOutput: true };
  const encoded = anthropic.encodeRequest(canonical, opts);
  const answerBytes = Buffer.from(
    JSON.stringify({
      id: 'msg_bench',
      type: 'message',
      role: 'assistant',
      model: 'claude-bench',
      content: [{ type: 'text', text: answerText(8 * 1024) }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 42, output_tokens: 1800 },
    }),
  );
  const answer = JSON.parse(answerBytes.toString('utf8'));
  const utf8 = new TextDecoder();
  const decoded = anthropic.decodeResponse(answer);
  const out = openai.encodeResponse(decoded, { model: 'claude-model' });
  // the passthrough stream's per-read work: the bench mock's 100-event OpenAI stream in one read
  const { SseRedactor } = await import(join(dist, 'security/sse-redact.js'));
  const { SecretRedactor } = await import(join(dist, 'security/redactor.js'));
  const { StreamTap } = await import(join(dist, 'server/stream-relay.js'));
  const { UsageChunkCutter } = await import(join(dist, 'server/openai-passthrough.js'));
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'gpt-bench' };
  const frame = (o) => `data: ${JSON.stringify(o)}\n\n`;
  let text = '';
  for (let i = 0; i < 100; i++) {
    const delta = i === 0 ? { role: 'assistant', content: `t=${i}.123;` } : { content: `t=${i}.123;` };
    text += frame({ ...base, choices: [{ index: 0, delta, finish_reason: null }] });
  }
  text += frame({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  text += frame({
    ...base,
    choices: [],
    usage: { prompt_tokens: 42, completion_tokens: 100, total_tokens: 142 },
  });
  text += 'data: [DONE]\n\n';
  const streamBytes = Buffer.from(text);
  const secrets = new SecretRedactor(['sk-bench-0123456789abcdef', 'bench-anthropic-key-0123456789']);
  const record = { firstToken() {}, addUsage() {}, set() {} };
  return {
    'stream-redact': () => new SseRedactor(secrets).push(streamBytes),
    'stream-tap': () => {
      const tap = new StreamTap(openai.streamDecoder, record);
      tap.peekSse(streamBytes);
      return tap.endSse() ?? tap.end();
    },
    'stream-cut': () => new UsageChunkCutter().push(streamBytes),
    'parse-request': () => JSON.parse(requestText),
    'decode-request': () => openai.decodeRequest(request),
    'encode-request': () => anthropic.encodeRequest(canonical, opts),
    'stringify-request': () => Buffer.from(JSON.stringify(encoded), 'utf8'),
    'utf8-answer': () => answerBytes.toString('utf8'),
    'textdecoder-answer': () => utf8.decode(answerBytes),
    'parse-answer': () => JSON.parse(answerBytes.toString('utf8')),
    'read-usage': () => anthropic.readUsage(answer),
    'decode-answer': () => anthropic.decodeResponse(answer),
    'encode-answer': () => openai.encodeResponse(decoded, { model: 'claude-model' }),
    'stringify-answer': () => Buffer.from(JSON.stringify(out), 'utf8'),
  };
}

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    count: { type: 'string', default: '3000' },
    warmup: { type: 'string', default: '3000' },
    stages: { type: 'string' },
  },
});
if (values.child) {
  const [name, n] = values.child.split(':');
  const fn = (await stages())[name];
  let sink = 0;
  for (let i = 0; i < Number(values.warmup) + Number(n); i++) sink += fn() ? 1 : 0;
  if (sink < 0) console.log(sink);
} else {
  const names = values.stages ? values.stages.split(',') : Object.keys(await stages());
  const count = Number(values.count);
  const counted = (name, n) =>
    callgrindTotal(fileURLToPath(import.meta.url), ['--child', `${name}:${n}`, '--warmup', values.warmup]);
  for (const name of names) {
    const per = (counted(name, count) - counted(name, 0)) / count;
    console.log(`${name.padEnd(18)} ${Math.round(per).toLocaleString('en')} instructions`);
  }
}
