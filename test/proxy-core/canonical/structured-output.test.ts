import { describe, expect, it } from 'vitest';
import {
  ANSWER_VALUE_TOOL,
  createAnswerStreamState,
  unwrapAnswerEvents,
  unwrapAnswerTool,
  withAnswerTool,
} from '../../../proxy-core/src/canonical/structured-output.js';
import type { CanonicalRequest, StreamEvent } from '../../../proxy-core/src/canonical/types.js';

// A schema whose top level is not an object (an array, a string, a choice) cannot be a tool's
// input: it rides in `{"value": …}`, and the client gets back only the value, whole or streamed.

const request = (schema: Record<string, unknown>): CanonicalRequest =>
  ({
    model: 'claude-3-5-haiku',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'List three cities' }] }],
    responseFormat: { type: 'json_schema', name: 'cities', schema },
  }) as unknown as CanonicalRequest;

/** The text a client sees when the tool input arrives cut at the given places. */
function streamed(args: string, cuts: number[]): string {
  const state = createAnswerStreamState();
  const events: StreamEvent[] = [{ type: 'tool_call_start', index: 0, id: 't1', name: ANSWER_VALUE_TOOL }];
  let from = 0;
  for (const cut of [...cuts, args.length]) {
    events.push({ type: 'tool_call_delta', index: 0, argumentsDelta: args.slice(from, cut) });
    from = cut;
  }
  events.push({ type: 'block_stop', index: 0 }, { type: 'finish', reason: 'tool_use' } as StreamEvent);
  const out = unwrapAnswerEvents(state, events);
  expect(out.at(-1)).toMatchObject({ type: 'finish', reason: 'end_turn' });
  return out.map((e) => (e.type === 'text_delta' ? e.text : '')).join('');
}

describe('structured output whose top level is not an object', () => {
  it('wraps array, string and choice schemas in an object tool input; leaves object schemas alone', () => {
    const list = { type: 'array', items: { type: 'string' } };
    const tool = withAnswerTool(request(list)).tools!.at(-1)!;
    expect(tool.name).toBe(ANSWER_VALUE_TOOL);
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: { value: list },
      required: ['value'],
      additionalProperties: false,
    });
    expect(withAnswerTool(request({ enum: ['yes', 'no'] })).tools!.at(-1)!.name).toBe(ANSWER_VALUE_TOOL);
    const obj = withAnswerTool(request({ properties: { a: { type: 'string' } } })).tools!.at(-1)!;
    expect(obj.name).not.toBe(ANSWER_VALUE_TOOL);
    expect(obj.parameters).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
  });

  it('a whole answer gives the value alone', () => {
    const res = unwrapAnswerTool({
      id: 'm1',
      model: 'claude',
      content: [
        { type: 'tool_call', id: 't1', name: ANSWER_VALUE_TOOL, arguments: '{"value": ["Paris", "Rome"]}' },
      ],
      finishReason: 'tool_use',
      usage: { inputTokens: 1, outputTokens: 1 },
    } as never);
    expect(res.content).toEqual([{ type: 'text', text: '["Paris","Rome"]' }]);
    expect(res.finishReason).toBe('end_turn');
  });

  it('a streamed answer gives exactly the value, wherever the upstream cut its pieces', () => {
    for (const args of ['{"value": ["Paris", "Rome"]}', ' { "value" : {"a": "}"} } ', '{"value":"yes"}']) {
      const value = JSON.parse(args).value;
      for (let i = 0; i <= args.length; i++) {
        for (let j = i; j <= args.length; j += 3) {
          const text = streamed(args, [i, j]);
          expect(JSON.parse(text), `cut at ${i} and ${j} of ${args}`).toEqual(value);
        }
      }
    }
  });

  it('an input not in the wrapped form reaches the client as the model wrote it', () => {
    expect(streamed('["Paris"]', [3])).toBe('["Paris"]');
  });
});
