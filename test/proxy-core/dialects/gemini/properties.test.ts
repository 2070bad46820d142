import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../../../proxy-core/src/canonical/errors.js';
import type {
  CanonicalRequest,
  Message,
  Part,
  StreamEvent,
} from '../../../../proxy-core/src/canonical/types.js';
import { geminiCodec } from '../../../../proxy-core/src/dialects/gemini/index.js';
import { foldEvents } from './fold-events.js';

const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');
const sig = fc.base64String({ minLength: 4, maxLength: 24 }).filter((s) => s.length > 0);
const argsObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const toolName = fc.constantFrom('weather', 'search', 'roll_dice');

const userPart: fc.Arbitrary<Part> = fc.oneof(
  text.map((t): Part => ({ type: 'text', text: t })),
  fc
    .base64String({ minLength: 4, maxLength: 16 })
    .map((d): Part => ({ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: d } })),
  fc
    .base64String({ minLength: 4, maxLength: 16 })
    .map(
      (d): Part => ({ type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: d } }),
    ),
);

/** Assistant content in the form the Gemini codec keeps exactly (signature carriers follow text). */
const assistantSegment: fc.Arbitrary<Part[]> = fc.oneof(
  text.map((t): Part[] => [{ type: 'text', text: t }]),
  fc.tuple(text, sig).map(([t, s]): Part[] => [
    { type: 'text', text: t },
    { type: 'thinking', text: '', signature: s },
  ]),
  fc
    .tuple(text, fc.option(sig, { nil: undefined }))
    .map(([t, s]): Part[] => [
      s ? { type: 'thinking', text: t, signature: s } : { type: 'thinking', text: t },
    ]),
  fc
    .tuple(toolName, argsObject, fc.option(sig, { nil: undefined }))
    .map(([name, args, s]): Part[] => [
      { type: 'tool_call', id: 'x', name, arguments: JSON.stringify(args), ...(s ? { signature: s } : {}) },
    ]),
);

/**
 * On the Gemini wire, thought parts in a row are one block until one carries a signature (a
 * streamed thought arrives in pieces): the form the codec keeps has one part per such run.
 */
function oneBlockPerThought(parts: Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    const prev = out.at(-1);
    if (p.type === 'thinking' && prev?.type === 'thinking' && prev.text !== '' && !prev.signature) {
      out[out.length - 1] = {
        ...prev,
        text: prev.text + p.text,
        ...(p.signature ? { signature: p.signature } : {}),
      };
    } else out.push(p);
  }
  return out;
}

const resultText = fc.oneof(
  text.filter((t) => !t.trim().startsWith('{')),
  argsObject
    .filter((o) => !(Object.keys(o).length === 1 && ('result' in o || 'error' in o)))
    .map((o) => JSON.stringify(o)),
);

const round = fc.record({
  user: fc.array(userPart, { minLength: 1, maxLength: 3 }),
  assistant: fc
    .array(assistantSegment, { minLength: 1, maxLength: 3 })
    .map((s) => oneBlockPerThought(s.flat())),
  results: fc.array(fc.tuple(resultText, fc.boolean()), { minLength: 4, maxLength: 4 }),
});

const conversation = fc.tuple(fc.array(round, { minLength: 1, maxLength: 4 }), text).map(([rounds, last]) => {
  const messages: Message[] = [];
  let callNo = 0;
  let pending: Array<{ id: string }> = [];
  const answer = (results: Array<[string, boolean]>): Part[] =>
    pending.map((c, i) => {
      const [t, isError] = results[i % results.length] as [string, boolean];
      return {
        type: 'tool_result',
        toolCallId: c.id,
        content: [{ type: 'text', text: t }],
        ...(isError ? { isError } : {}),
      };
    });
  for (const r of rounds) {
    messages.push({ role: 'user', content: [...answer(r.results), ...r.user] });
    const assistant = r.assistant.map((p) => (p.type === 'tool_call' ? { ...p, id: `orig_${callNo++}` } : p));
    pending = assistant.filter((p): p is Extract<Part, { type: 'tool_call' }> => p.type === 'tool_call');
    messages.push({ role: 'assistant', content: assistant });
  }
  messages.push({ role: 'user', content: [...answer([['done', false]]), { type: 'text', text: last }] });
  return messages;
});

/** Replaces call ids by their order of appearance and fills in tool names, so ids can be compared. */
function normaliseIds(messages: Message[]): Message[] {
  const ids = new Map<string, string>();
  const names = new Map<string, string>();
  for (const m of messages) {
    for (const p of m.content) {
      if (p.type === 'tool_call') {
        ids.set(p.id, `C${ids.size}`);
        names.set(p.id, p.name);
      }
    }
  }
  return messages.map((m) => ({
    ...m,
    content: m.content.map((p): Part => {
      if (p.type === 'tool_call') return { ...p, id: ids.get(p.id) ?? '?' };
      if (p.type === 'tool_result') {
        return { ...p, toolCallId: ids.get(p.toolCallId) ?? '?', name: p.name ?? names.get(p.toolCallId) };
      }
      return p;
    }),
  }));
}

describe('Gemini codec properties', () => {
  it('decode(encode(request)) keeps every part, every setting and which call each result answers', () => {
    fc.assert(
      fc.property(
        conversation,
        fc.array(text, { maxLength: 2 }),
        fc.record(
          {
            temperature: fc.double({ min: 0, max: 2, noNaN: true }),
            topP: fc.double({ min: 0, max: 1, noNaN: true }),
            topK: fc.integer({ min: 1, max: 100 }),
            maxTokens: fc.integer({ min: 1, max: 65536 }),
            seed: fc.integer({ min: 0, max: 1000 }),
          },
          { requiredKeys: [] },
        ),
        (messages, system, params) => {
          const req: CanonicalRequest = {
            model: 'gemini-2.5-flash',
            system: system.map((t) => ({ type: 'text', text: t })),
            messages,
            stream: false,
            ...params,
          };
          const body = geminiCodec.encodeRequest(req, { upstreamModel: 'gemini-2.5-flash' });
          const back = geminiCodec.decodeRequest(JSON.parse(JSON.stringify(body)), {
            pathModel: 'gemini-2.5-flash',
          });
          expect(normaliseIds(back.messages)).toEqual(normaliseIds(messages));
          expect(back.system).toEqual(req.system);
          expect(back).toMatchObject(params);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random JSON never crashes decodeRequest: a canonical request or a 400', () => {
    const partLike = fc.dictionary(
      fc.constantFrom(
        'text',
        'thought',
        'inlineData',
        'inline_data',
        'functionCall',
        'functionResponse',
        'fileData',
        'thoughtSignature',
      ),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const bodyLike = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          contents: fc.oneof(
            fc.jsonValue(),
            fc.array(
              fc.record(
                { role: fc.jsonValue(), parts: fc.oneof(fc.jsonValue(), fc.array(partLike)) },
                { requiredKeys: [] },
              ),
            ),
          ),
          systemInstruction: fc.jsonValue(),
          system_instruction: fc.jsonValue(),
          tools: fc.jsonValue(),
          toolConfig: fc.jsonValue(),
          generationConfig: fc.oneof(
            fc.jsonValue(),
            fc.dictionary(
              fc.constantFrom('temperature', 'thinkingConfig', 'stopSequences', 'responseSchema'),
              fc.jsonValue(),
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(bodyLike, (body) => {
        try {
          const req = geminiCodec.decodeRequest(body, { pathModel: 'gemini-2.5-pro' });
          expect(Array.isArray(req.messages)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(ProxyError);
          expect((err as ProxyError).status).toBe(400);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('random upstream answers decode to well-formed canonical answers or a readable error', () => {
    const part = fc.dictionary(
      fc.constantFrom(
        'text',
        'thought',
        'thoughtSignature',
        'functionCall',
        'inlineData',
        'fileData',
        'executableCode',
      ),
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record(
          { name: fc.jsonValue(), args: fc.jsonValue(), mimeType: fc.jsonValue(), data: fc.jsonValue() },
          { requiredKeys: [] },
        ),
      ),
    );
    const answer = fc.record(
      {
        candidates: fc.oneof(
          fc.jsonValue(),
          fc.array(
            fc.record(
              {
                content: fc.oneof(fc.jsonValue(), fc.record({ parts: fc.array(part) })),
                finishReason: fc.jsonValue(),
              },
              { requiredKeys: [] },
            ),
          ),
        ),
        usageMetadata: fc.jsonValue(),
        responseId: fc.jsonValue(),
        promptFeedback: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    const wellFormed = (parts: Part[]) => {
      for (const p of parts) {
        if (p.type === 'text' || p.type === 'thinking') expect(typeof p.text).toBe('string');
        if (p.type === 'tool_call') expect(() => JSON.parse(p.arguments)).not.toThrow();
      }
    };
    fc.assert(
      fc.property(answer, (body) => {
        try {
          const res = geminiCodec.decodeResponse(body);
          wellFormed(res.content);
          expect(typeof res.id).toBe('string');
        } catch (err) {
          expect(err).toBeInstanceOf(ProxyError);
        }
        const dec = geminiCodec.streamDecoder;
        const s = dec.init();
        const events = [...dec.decode(s, { data: JSON.stringify(body) }), ...dec.end(s)];
        wellFormed(foldEvents(events).content);
      }),
      { numRuns: 1000 },
    );
  });

  it('random stream data never throws from the stream decoder', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.jsonValue().map((v) => JSON.stringify(v)),
          ),
        ),
        (lines) => {
          const dec = geminiCodec.streamDecoder;
          const s = dec.init();
          for (const data of lines) dec.decode(s, { data });
          dec.end(s);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a canonical stream encoded as Gemini SSE decodes back to the same blocks and finish', () => {
    const block = fc.oneof(
      fc.array(text, { minLength: 1, maxLength: 3 }).map((d) => ({ kind: 'text' as const, deltas: d })),
      fc
        .tuple(fc.array(text, { minLength: 1, maxLength: 3 }), sig)
        .map(([d, s]) => ({ kind: 'thinking' as const, deltas: d, sig: s })),
      fc.tuple(toolName, argsObject).map(([name, args]) => ({ kind: 'tool' as const, name, args })),
    );
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 5 }), (blocks) => {
        // adjacent text blocks would merge in Gemini's stream: keep one kind per neighbour
        const kept = blocks.filter((b, i) => i === 0 || b.kind === 'tool' || b.kind !== blocks[i - 1]?.kind);
        const events: StreamEvent[] = [{ type: 'start', id: 'r', model: 'm' }];
        kept.forEach((b, index) => {
          if (b.kind === 'tool') {
            events.push({ type: 'tool_call_start', index, id: `t${index}`, name: b.name });
            events.push({ type: 'tool_call_delta', index, argumentsDelta: JSON.stringify(b.args) });
          } else {
            for (const d of b.deltas)
              events.push({ type: b.kind === 'text' ? 'text_delta' : 'thinking_delta', index, text: d });
            if (b.kind === 'thinking') events.push({ type: 'signature', index, signature: b.sig });
          }
          events.push({ type: 'block_stop', index });
        });
        const hasTool = kept.some((b) => b.kind === 'tool');
        events.push({ type: 'finish', reason: hasTool ? 'tool_use' : 'end_turn' });
        events.push({ type: 'usage', usage: { inputTokens: 3, outputTokens: 4 } });

        const enc = geminiCodec.streamEncoder;
        const es = enc.init({ model: 'm' });
        const wire = [...events.flatMap((e) => enc.encode(es, e)), ...enc.end(es)];
        const dec = geminiCodec.streamDecoder;
        const ds = dec.init();
        const back = foldEvents([...wire.flatMap((w) => dec.decode(ds, w)), ...dec.end(ds)]);
        const want = foldEvents(events);
        const strip = (parts: Part[]) => parts.map((p) => (p.type === 'tool_call' ? { ...p, id: '' } : p));
        expect(strip(back.content)).toEqual(strip(want.content));
        expect(back.finish).toBe(want.finish);
        expect(back.usage).toEqual({ inputTokens: 3, outputTokens: 4 });
        expect(back.errors).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
