import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../../proxy-core/src/canonical/types.js';
import { anthropicCodec } from '../../../proxy-core/src/dialects/anthropic/index.js';
import { openaiCodec } from '../../../proxy-core/src/dialects/openai/index.js';
import { createCodecSet } from '../../../proxy-core/src/dialects/registry.js';
import type { StreamDecoder } from '../../../proxy-core/src/dialects/types.js';
import { RecordBuilder } from '../../../proxy-core/src/observability/recorder.js';
import { StreamTap } from '../../../proxy-core/src/server/stream-relay.js';

// The passthrough's tap reads a raw OpenAI SSE stream for the log. Once the first token is logged
// it skips content-only events unparsed; whatever the log shows must not change, however the
// upstream's bytes are split across reads and whatever line ends it uses.
const base = '"id":"c1","object":"chat.completion.chunk","model":"gpt-x"';
const content = (text: string) =>
  `data: {${base},"choices":[{"index":0,"delta":{"content":${JSON.stringify(text)}},"finish_reason":null}],"usage":null}`;
const role = `data: {${base},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}`;
const finish = `data: {${base},"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":null}`;
const usage = `data: {${base},"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}`;
const done = 'data: [DONE]';
const says = (lines: string[], eol = '\n') =>
  Buffer.from(lines.map((l) => `${l}${eol}${eol}`).join(''), 'utf8');
const texts = ['Bonjour — ', '日本語の', 'the "usage" and "error" words', '“quotes”'];

function tapOf(stream: Buffer, cuts: number[], inner: StreamDecoder<unknown> = openaiCodec.streamDecoder) {
  let now = 0;
  const record = new RecordBuilder(
    { method: 'POST', path: '/v1/chat/completions', dialect: 'openai', endpoint: 'chat' },
    () => now++,
    () => {},
  );
  const decoded: WireEvent[] = [];
  const counting: StreamDecoder<unknown> = {
    init: () => inner.init(),
    decode: (s, ev) => {
      decoded.push(ev);
      return inner.decode(s, ev);
    },
    end: (s) => inner.end(s),
    onlyContent: inner.onlyContent,
  };
  const tap = new StreamTap(counting, record);
  let at = 0;
  for (const c of [...cuts, stream.length]) {
    tap.peekSse(stream.subarray(at, c));
    at = c;
  }
  const tail = tap.endSse() ?? tap.end().error;
  return { record: record.record, decoded, tap, tail };
}

describe('the passthrough tap skips content-only events once the first token is logged', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    it(`logs the same usage, model and first token at every split point (${JSON.stringify(eol)})`, () => {
      const stream = says([role, ...texts.map(content), finish, usage, done], eol);
      for (let cut = 0; cut <= stream.length; cut++) {
        const { record, tail, tap } = tapOf(stream, [cut]);
        expect(record.usage).toEqual({ inputTokens: 9, outputTokens: 4 });
        expect(record.responseModel).toBe('gpt-x');
        expect(record.ttftMs).toBe(1);
        expect(tap.error).toBeUndefined();
        expect(tail).toBeUndefined();
      }
    });
  }

  it('parses only the events that may matter when the stream comes whole', () => {
    const { decoded } = tapOf(says([role, ...texts.map(content), finish, usage, done]), []);
    // role chunk (no token yet), the first content chunk (the first token), then finish, usage, [DONE]
    expect(decoded.map((e) => e.data)).toEqual(
      [role, content(texts[0]!), finish, usage, done].map((l) => l.slice(6)),
    );
  });

  it('still reads every event under random splits', () => {
    const stream = says([role, ...texts.map(content), finish, usage, done], '\r\n');
    for (let run = 0; run < 200; run++) {
      const cuts = [
        ...new Set(Array.from({ length: 6 }, () => Math.floor(Math.random() * stream.length))),
      ].sort((a, b) => a - b);
      const { record, tail } = tapOf(stream, cuts);
      expect(record.usage).toEqual({ inputTokens: 9, outputTokens: 4 });
      expect(tail).toBeUndefined();
    }
  });

  it('notices a stream that ends without a finish, and a content event cut short', () => {
    const cutShort = tapOf(says([role, content('a'), content('b')]), []);
    expect(cutShort.tail?.message).toMatch(/ended before the answer was complete/);
    const garbled = tapOf(
      says([role, content('a'), `${content('b').slice(0, -8)}`, finish, usage, done]),
      [],
    );
    expect(garbled.tap.error?.message).toMatch(/not valid JSON/);
  });

  it('notices an error event and an error member after the first token', () => {
    const err = `data: {"error":{"message":"overloaded","type":"server_error"}}`;
    const { tap } = tapOf(says([role, content('a'), content('b'), err]), []);
    expect(tap.error?.message).toMatch(/overloaded/);
  });

  it('reads a finish or usage written with spaces, and a second choice finishing', () => {
    const spaced = `data: {${base}, "choices": [{"index": 0, "delta": {}, "finish_reason" : "stop"}], "usage" : {"prompt_tokens": 2, "completion_tokens": 1}}`;
    const two = `data: {${base},"choices":[{"index":1,"delta":{"content":"x"},"finish_reason":null},{"index":0,"delta":{"content":"y"},"finish_reason":null}]}`;
    const { record, tail } = tapOf(says([role, content('a'), two, spaced, done]), []);
    expect(record.usage).toEqual({ inputTokens: 2, outputTokens: 1 });
    expect(tail).toBeUndefined();
  });
});

// Claude's stream (Anthropic Messages): content deltas are skipped, message_delta (usage, stop
// reason), message_stop and errors are read.
const anth = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}`;
const claude = [
  anth('message_start', {
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [],
      usage: { input_tokens: 7, output_tokens: 1 },
    },
  }),
  anth('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ...texts.map((text) => anth('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
  anth('content_block_stop', { index: 0 }),
  anth('message_delta', {
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: 5 },
  }),
  anth('message_stop', {}),
];

describe('the same for a Claude stream', () => {
  const decoders = {
    'Anthropic dialect': anthropicCodec.streamDecoder,
    'Anthropic wire (answer tool unwrapped)': createCodecSet().wire('anthropic').streamDecoder,
  };
  for (const [name, decoder] of Object.entries(decoders)) {
    for (const eol of ['\n', '\r\n']) {
      it(`${name}: the log's facts at every split point (${JSON.stringify(eol)})`, () => {
        const stream = says(
          claude.map((e) => e.replace(/\n/g, eol)),
          eol,
        );
        for (let cut = 0; cut <= stream.length; cut++) {
          const { record, tail, tap } = tapOf(stream, [cut], decoder);
          expect(record.usage).toMatchObject({ inputTokens: 7, outputTokens: 5 });
          expect(record.responseModel).toBe('claude-x');
          expect(record.ttftMs).toBe(1);
          expect(tap.error).toBeUndefined();
          expect(tail).toBeUndefined();
        }
      });
    }
    it(`${name}: skips the deltas after the first, still sees a cut-short delta and an error event`, () => {
      const whole = tapOf(says(claude), [], decoder);
      expect(whole.decoded.map((e) => e.event)).toEqual([
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const cut = claude[3]!.slice(0, -6);
      expect(
        tapOf(says([...claude.slice(0, 3), cut, ...claude.slice(4)]), [], decoder).tap.error?.message,
      ).toMatch(/not valid JSON/);
      const overloaded = anth('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
      expect(tapOf(says([...claude.slice(0, 4), overloaded]), [], decoder).tap.error?.message).toMatch(
        /Overloaded/,
      );
    });
  }
});
