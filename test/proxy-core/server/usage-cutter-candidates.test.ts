import { describe, expect, it } from 'vitest';
import { UsageChunkCutter } from '../../../proxy-core/src/server/openai-passthrough.js';

// The cutter judges only the events that hold `"usage":{`, found around each candidate. These
// streams put candidates where finding their event is easy to get wrong.
const content = (text: string, extra = '') =>
  `data: {"id":"c1","choices":[{"index":0,"delta":{"content":${JSON.stringify(text)}},"finish_reason":null}]${extra}}`;
const usage = 'data: {"id":"c1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3}}';

function cut(input: string, at?: number): string {
  const c = new UsageChunkCutter();
  const bytes = Buffer.from(input, 'utf8');
  const parts = at === undefined ? [bytes] : [bytes.subarray(0, at), bytes.subarray(at)];
  return Buffer.concat([...parts.map((p) => c.push(p)), c.end()]).toString('utf8');
}

describe('UsageChunkCutter: candidates for the usage chunk', () => {
  it('keeps a content chunk that carries a usage object beside its choices, and cuts the usage-only one', () => {
    const kept = content('a', ',"usage":{"prompt_tokens":1}');
    const input = `${content('x')}\n\n${kept}\n\n${usage}\n\n${content('y')}\n\ndata: [DONE]\n\n`;
    const want = `${content('x')}\n\n${kept}\n\n${content('y')}\n\ndata: [DONE]\n\n`;
    for (let at = 1; at < input.length; at++) expect(cut(input, at)).toBe(want);
  });

  it('cuts exactly the usage event when blank lines run between events', () => {
    const input = `${content('x')}\n\n\n\n${usage}\n\n\n${content('y')}\n\n`;
    // (which blank line goes with the cut event depends on where reads split, as before)
    const want = `${content('x')}\n\n${content('y')}\n\n`;
    for (let at = 1; at < input.length; at++) expect(cut(input, at).replace(/\n{3,}/g, '\n\n')).toBe(want);
  });

  it('cuts a usage event that is first in the stream, and one whose text mentions "usage":{', () => {
    const mention = content('the "usage":{ word');
    const input = `${usage}\n\n${mention}\n\ndata: [DONE]\n\n`;
    expect(cut(input)).toBe(`${mention}\n\ndata: [DONE]\n\n`);
  });
});
