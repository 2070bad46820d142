/**
 * The life of a converted stream, the same in every dialect: after an error nothing more is
 * written, the end is written once, and an upstream whose events cannot be read or that stops
 * before its answer is complete ends the stream with an error event. The codecs' state machines
 * give only what their dialect writes or reads.
 */
import { ProxyError } from '../canonical/errors.js';
import { type JsonObject, parseJsonObject } from '../canonical/json.js';
import type { StreamEvent, WireEvent } from '../canonical/types.js';
import type { OutboundEvent, ResponseEncodeContext, StreamDecoder, StreamEncoder } from './types.js';

/** What the shared part of an encoder keeps in its state. */
export interface EncoderLife {
  failed: boolean;
  ended: boolean;
}

/** A canonical event other than an error (errors go to `EncoderSteps.streamError`). */
export type ContentEvent = Exclude<StreamEvent, { type: 'error' }>;

export interface EncoderSteps<S extends EncoderLife> {
  init(ctx: ResponseEncodeContext & { includeUsage?: boolean }): S;
  /** Writes the client events for one canonical event. */
  event(state: S, event: ContentEvent, out: OutboundEvent[]): void;
  /** Writes what was held back when an error ends the stream (absent: nothing is held back). */
  flush?(state: S, out: OutboundEvent[]): void;
  /** The dialect's events for an error in the middle of a stream (`DialectCodec.encodeStreamError`). */
  streamError(err: ProxyError): OutboundEvent[];
  /** Writes the end of a stream that did not fail. */
  finish(state: S, out: OutboundEvent[]): void;
}

/** A stream encoder from its dialect's steps. */
export function streamEncoder<S extends EncoderLife>(steps: EncoderSteps<S>): StreamEncoder<S> {
  return {
    init: steps.init,
    encode(state, event) {
      if (state.failed || state.ended) return [];
      const out: OutboundEvent[] = [];
      if (event.type !== 'error') steps.event(state, event, out);
      else {
        state.failed = true;
        steps.flush?.(state, out);
        out.push(...steps.streamError(ProxyError.fromInfo(event.error)));
      }
      return out;
    },
    end(state) {
      if (state.ended) return [];
      state.ended = true;
      if (state.failed) return [];
      const out: OutboundEvent[] = [];
      steps.finish(state, out);
      return out;
    },
  };
}

/** The error event that ends a stream whose upstream failed in a way the upstream's words do not say. */
export function upstreamStreamError(message: string, hint: string): StreamEvent {
  return { type: 'error', error: { status: 502, kind: 'upstream', message, hint } };
}

/** What the shared part of a decoder keeps in its state. */
export interface DecoderLife {
  failed: boolean;
  /** The upstream said its stream is over: what follows is ignored. */
  done: boolean;
}

export interface JsonDecoderSteps<S extends DecoderLife> {
  init(): S;
  /** The error told when an event is not JSON: message and hint. */
  unreadable: { message: string; hint: string };
  /** The message told when the stream stops before its answer is complete. */
  cutShort: string;
  /** The events of data that is not a JSON object but means something (OpenAI's `[DONE]`). */
  text?(state: S, data: string): StreamEvent[] | undefined;
  /** The canonical events of one event's JSON object. */
  payload(state: S, payload: JsonObject, event: WireEvent): StreamEvent[];
  /** Writes what the upstream's end closes; false when the answer was not complete. */
  end(state: S, out: StreamEvent[]): boolean;
  /** The decoder's byte check for events that carry content only (StreamDecoder.onlyContent). */
  onlyContent?: StreamDecoder<S>['onlyContent'];
}

/** A decoder of a stream whose events each carry one JSON object (SSE data), from its steps. */
export function jsonStreamDecoder<S extends DecoderLife>(steps: JsonDecoderSteps<S>): StreamDecoder<S> {
  return {
    init: steps.init,
    decode(state, event) {
      const data = event.data.trim();
      if (state.failed || state.done || data === '') return [];
      const special = steps.text?.(state, data);
      if (special) return special;
      const payload = parseJsonObject(data);
      if (!payload) {
        state.failed = true;
        return [upstreamStreamError(steps.unreadable.message, steps.unreadable.hint)];
      }
      return steps.payload(state, payload, event);
    },
    end(state) {
      if (state.failed) return [];
      const out: StreamEvent[] = [];
      if (!steps.end(state, out)) {
        state.failed = true;
        out.push(upstreamStreamError(steps.cutShort, 'The connection to the AI service dropped; try again.'));
      }
      return out;
    },
    ...(steps.onlyContent ? { onlyContent: steps.onlyContent } : {}),
  };
}
