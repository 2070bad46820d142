import type { Dialect, WireFormat } from '../canonical/types.js';
import { anthropicCodec } from './anthropic/index.js';
import { geminiCodec } from './gemini/index.js';
import { openaiCodec } from './openai/index.js';
import type { CodecSet, DialectCodec, WireCodec } from './types.js';

const DIALECTS: Record<Dialect, DialectCodec> = {
  openai: openaiCodec,
  anthropic: anthropicCodec,
  gemini: geminiCodec,
};

/**
 * Builds the codec set: the client dialects, and the wire formats providers bring (each codec
 * keyed by its `format`; the providers' registry assembles them).
 */
export function createCodecSet(extraWire: readonly WireCodec[] = []): CodecSet {
  const extra = new Map<WireFormat, WireCodec>();
  for (const codec of extraWire) {
    if (codec.format in DIALECTS || extra.has(codec.format)) {
      throw new Error(`Two codecs for wire format ${codec.format}`);
    }
    extra.set(codec.format, codec);
  }
  return {
    dialect: (d) => DIALECTS[d],
    wire: (f) => {
      const codec = f in DIALECTS ? DIALECTS[f as Dialect] : extra.get(f);
      if (!codec) throw new Error(`No codec for wire format ${f}`);
      return codec;
    },
  };
}
