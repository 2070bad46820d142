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

/** Builds the codec set; wire formats that are not client dialects are passed in by providers. */
export function createCodecSet(extraWire: Partial<Record<WireFormat, WireCodec>> = {}): CodecSet {
  return {
    dialect: (d) => DIALECTS[d],
    wire: (f) => {
      const codec = f in DIALECTS ? DIALECTS[f as Dialect] : extraWire[f];
      if (!codec) throw new Error(`No codec for wire format ${f}`);
      return codec;
    },
  };
}
