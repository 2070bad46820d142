import {
  type AnswerStreamState,
  createAnswerStreamState,
  unwrapAnswerEvents,
  unwrapAnswerTool,
} from '../canonical/structured-output.js';
import type { Dialect, WireFormat } from '../canonical/types.js';
import { anthropicCodec } from './anthropic/index.js';
import { geminiCodec } from './gemini/index.js';
import { openaiCodec } from './openai/index.js';
import type { CodecSet, DialectCodec, StreamDecoder, WireCodec } from './types.js';

const DIALECTS: Record<Dialect, DialectCodec> = {
  openai: openaiCodec,
  anthropic: anthropicCodec,
  gemini: geminiCodec,
};

/** Wire formats whose encoder may turn a response format into a forced answer tool (Claude). */
const ANSWER_TOOL_WIRES: ReadonlySet<WireFormat> = new Set(['anthropic', 'bedrock-converse']);

/** A wire codec whose decoders give the answer tool's input back as the message text. */
function unwrappingAnswerTool(codec: WireCodec): WireCodec {
  const inner = codec.streamDecoder;
  const streamDecoder: StreamDecoder<{ inner: unknown; answer: AnswerStreamState }> = {
    init: () => ({ inner: inner.init(), answer: createAnswerStreamState() }),
    decode: (s, ev) => unwrapAnswerEvents(s.answer, inner.decode(s.inner, ev)),
    end: (s) => unwrapAnswerEvents(s.answer, inner.end(s.inner)),
  };
  return {
    ...codec,
    decodeResponse: (body) => unwrapAnswerTool(codec.decodeResponse(body)),
    streamDecoder: streamDecoder as StreamDecoder<unknown>,
  };
}

/** Builds the codec set; wire formats that are not client dialects are passed in by providers. */
export function createCodecSet(extraWire: Partial<Record<WireFormat, WireCodec>> = {}): CodecSet {
  const wires = new Map<WireFormat, WireCodec>();
  return {
    dialect: (d) => DIALECTS[d],
    wire: (f) => {
      const known = wires.get(f);
      if (known) return known;
      const codec = f in DIALECTS ? DIALECTS[f as Dialect] : extraWire[f];
      if (!codec) throw new Error(`No codec for wire format ${f}`);
      const wire = ANSWER_TOOL_WIRES.has(f) ? unwrappingAnswerTool(codec) : codec;
      wires.set(f, wire);
      return wire;
    },
  };
}
