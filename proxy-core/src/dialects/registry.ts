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

/** A wire codec whose decoders give the answer tool's input back as the message text. */
function unwrappingAnswerTool(codec: WireCodec): WireCodec {
  const inner = codec.streamDecoder;
  const streamDecoder: StreamDecoder<{ inner: unknown; answer: AnswerStreamState }> = {
    init: () => ({ inner: inner.init(), answer: createAnswerStreamState() }),
    decode: (s, ev) => unwrapAnswerEvents(s.answer, inner.decode(s.inner, ev)),
    end: (s) => unwrapAnswerEvents(s.answer, inner.end(s.inner)),
    // Skipped content deltas change nothing a log-only tap reads (usage, errors, the finish).
    onlyContent: inner.onlyContent,
  };
  return {
    ...codec,
    decodeResponse: (body) => unwrapAnswerTool(codec.decodeResponse(body)),
    streamDecoder: streamDecoder as StreamDecoder<unknown>,
  };
}

/**
 * Builds the codec set: the client dialects, and the wire formats providers bring (each codec
 * keyed by its `format`; the providers' registry assembles them). A wire whose encoder may turn a
 * response format into a forced answer tool (`codec.answerTool`: Claude) decodes that tool's input
 * back as the message text.
 */
export function createCodecSet(extraWire: readonly WireCodec[] = []): CodecSet {
  const extra = new Map<WireFormat, WireCodec>();
  for (const codec of extraWire) {
    if (codec.format in DIALECTS || extra.has(codec.format)) {
      throw new Error(`Two codecs for wire format ${codec.format}`);
    }
    extra.set(codec.format, codec);
  }
  const wires = new Map<WireFormat, WireCodec>();
  return {
    dialect: (d) => DIALECTS[d],
    wire: (f) => {
      const known = wires.get(f);
      if (known) return known;
      const codec = f in DIALECTS ? DIALECTS[f as Dialect] : extra.get(f);
      if (!codec) throw new Error(`No codec for wire format ${f}`);
      const wire = codec.answerTool ? unwrappingAnswerTool(codec) : codec;
      wires.set(f, wire);
      return wire;
    },
  };
}
