import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../../proxy-core/src/canonical/types.js';
import { openaiCodec } from '../../../proxy-core/src/dialects/openai/index.js';
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

function tapOf(stream: Buffer, cuts: number[]) {
  let now = 0;
  const record = new RecordBuilder(
    { method: 'POST', path: '/v1/chat/completions', dialect: 'openai', endpoint: 'chat' },
    () => now++,
    () => {},
  );
  const decoded: WireEvent[] = [];
  const inner = openaiCodec.streamDecoder;
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
