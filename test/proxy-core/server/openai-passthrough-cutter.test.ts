import { describe, expect, it } from 'vitest';
import { UsageChunkCutter } from '../../../proxy-core/src/server/openai-passthrough.js';

// The bytes an OpenAI-compatible upstream streams when asked for usage: `"usage":null` in every
// chunk, then a usage-only chunk, then [DONE]. Non-ASCII text so reads can split a character.
const chunk = (content: string) =>
  `data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}],"usage":null}`;
const finish =
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}';
const usage =
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}';
const usageSpaced =
  'data: {"id":"c1", "choices": [], "usage" : {"prompt_tokens": 9, "completion_tokens": 3}}';

function stream(eol: string, usageLine = usage) {
  const events = [
    chunk('Bonjour — '),
    chunk('日本語の'),
    chunk('“quotes”'),
    finish,
    usageLine,
    'data: [DONE]',
  ];
  const bytes = (lines: string[]) => Buffer.from(lines.map((l) => `${l}${eol}${eol}`).join(''), 'utf8');
  return {
    whole: bytes(events),
    withoutUsage: bytes(events.filter((e) => e !== usageLine)),
  };
}

function run(input: Buffer, cuts: number[]): Buffer {
  const cutter = new UsageChunkCutter();
  const out: Buffer[] = [];
  let at = 0;
  for (const c of [...cuts, input.length]) {
    out.push(cutter.push(input.subarray(at, c)));
    at = c;
  }
  out.push(cutter.end());
  return Buffer.concat(out);
}

describe('UsageChunkCutter (relaying an OpenAI stream when the proxy asked for usage)', () => {
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ] as const) {
    it(`cuts only the usage-only chunk, at every split point (${name})`, () => {
      const { whole, withoutUsage } = stream(eol);
      expect(run(whole, [])).toEqual(withoutUsage);
      for (let i = 1; i < whole.length; i++) expect(run(whole, [i])).toEqual(withoutUsage);
    });

    it(`cuts it when every byte is its own read, and in random reads (${name})`, () => {
      const { whole, withoutUsage } = stream(eol);
      expect(
        run(
          whole,
          Array.from({ length: whole.length - 1 }, (_, i) => i + 1),
        ),
      ).toEqual(withoutUsage);
      let seed = 7;
      const rnd = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      for (let t = 0; t < 200; t++) {
        const cuts = [
          ...new Set(
            Array.from(
              { length: 1 + Math.floor(rnd() * 12) },
              () => 1 + Math.floor(rnd() * (whole.length - 1)),
            ),
          ),
        ].sort((a, b) => a - b);
        expect(run(whole, cuts)).toEqual(withoutUsage);
      }
    });
  }

  it('recognises a usage chunk written with spaces', () => {
    const { whole, withoutUsage } = stream('\n', usageSpaced);
    for (let i = 1; i < whole.length; i += 3) expect(run(whole, [i])).toEqual(withoutUsage);
  });

  it('passes a stream without a usage-only chunk through byte for byte', () => {
    const lines = [chunk('a'), finish, 'data: [DONE]'];
    const whole = Buffer.from(lines.map((l) => `${l}\n\n`).join(''));
    for (let i = 1; i < whole.length; i++) expect(run(whole, [i])).toEqual(whole);
    // usage beside content (continuous usage stats) is not a usage-only chunk: it stays
    const inline = Buffer.from(
      'data: {"choices":[{"index":0,"delta":{"content":"x"}}],"usage":{"prompt_tokens":1}}\n\n',
    );
    expect(run(inline, [40])).toEqual(inline);
    // a usage chunk with choices but no usage object stays too
    const noUsage = Buffer.from('data: {"choices":[],"usage":null}\n\n');
    expect(run(noUsage, [])).toEqual(noUsage);
  });

  it('passes whole reads on at once, without waiting for the next read', () => {
    const cutter = new UsageChunkCutter();
    const first = Buffer.from(`${chunk('a')}\n\n`);
    expect(cutter.push(first)).toEqual(first);
    // half an event is held until its blank line arrives
    const second = Buffer.from(`${chunk('b')}\n\n`);
    expect(cutter.push(second.subarray(0, 20))).toHaveLength(0);
    expect(cutter.push(second.subarray(20))).toEqual(second);
  });

  it('judges a last event that has no blank line, and keeps any other tail as it came', () => {
    expect(run(Buffer.from(`${chunk('a')}\n\n${usage}`), [30])).toEqual(Buffer.from(`${chunk('a')}\n\n`));
    const cutShort = Buffer.from(`${chunk('a')}\n\ndata: {"choi`);
    expect(run(cutShort, [10])).toEqual(cutShort);
  });

  it('lets an event too long to hold go unchecked, and cuts the usage chunk after it', () => {
    const big = chunk('x'.repeat(3 * 1024 * 1024));
    const whole = Buffer.from(`${big}\n\n${usage}\n\ndata: [DONE]\n\n`);
    const cuts = Array.from({ length: Math.floor(whole.length / 65536) }, (_, i) => (i + 1) * 65536);
    const cutter = new UsageChunkCutter();
    const out: Buffer[] = [];
    let at = 0;
    let maxHeld = 0;
    let sent = 0;
    for (const c of [...cuts, whole.length]) {
      const ready = cutter.push(whole.subarray(at, c));
      out.push(ready);
      sent += ready.length;
      at = c;
      maxHeld = Math.max(maxHeld, at - sent);
    }
    out.push(cutter.end());
    // (equals, not toEqual: a deep compare of 3 MB byte by byte takes seconds)
    expect(Buffer.concat(out).equals(Buffer.from(`${big}\n\ndata: [DONE]\n\n`))).toBe(true);
    expect(maxHeld).toBeLessThan(1.2 * 1024 * 1024);
  });
});
