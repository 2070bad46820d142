import { accumulatedResponse, accumulateEvent, createAccumulator } from '../canonical/accumulate-stream.js';
import { toProxyError } from '../canonical/errors.js';
import { isJsonObject } from '../canonical/json.js';
import type { StreamEvent } from '../canonical/types.js';
import { notJsonError, readAnswer } from './attempt.js';
import type { Outcome, Relay } from './pipeline-types.js';
import { sendJson } from './respond.js';
import { noteAnswer, runStream, StreamTap, streamWriter } from './stream-relay.js';

/**
 * The converted relay: the upstream's answer in its wire format is decoded to the canonical form
 * (dialects/<wire>/response-to-canonical, stream-to-canonical) and encoded in the client's
 * dialect (canonical-to-response, canonical-to-stream).
 */

/** A whole answer. */
export async function relayConvertedWhole(r: Relay): Promise<Outcome> {
  const bytes = await readAnswer(r.attempt, r.upstream, r.env);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw notJsonError(r.attempt);
  }
  if (isJsonObject(json)) noteAnswer(r, json);
  let out: Record<string, unknown>;
  try {
    const canonical = r.wireCodec.decodeResponse(json);
    r.env.hooks.onResponse?.(canonical);
    out = r.clientCodec.encodeResponse(canonical, { model: r.ctx.canonical.model });
  } catch (err) {
    throw toProxyError(err);
  }
  r.ctx.record.firstToken();
  sendJson(r.ctx.res, 200, out, r.attempt.responseHeaders);
  return { status: 200 };
}

/** A stream: wire events → canonical events → the client's events, as they come. */
export function relayConvertedStream(r: Relay): Promise<Outcome> {
  const writer = streamWriter(r);
  const tap = new StreamTap(r.wireCodec.streamDecoder, r.ctx.record);
  const encoder = r.clientCodec.streamEncoder;
  const enc = encoder.init({ model: r.ctx.canonical.model, includeUsage: r.ctx.canonical.includeUsage });
  // The whole answer is gathered only for a hook that wants it (remembering thinking signatures).
  const acc = r.env.hooks.onResponse ? createAccumulator() : undefined;
  const send = (events: StreamEvent[]) => {
    if (acc) for (const ev of events) accumulateEvent(acc, ev);
    return writer.events(events.flatMap((ev) => encoder.encode(enc, ev)));
  };
  return runStream(r, {
    writer,
    tap,
    async pump() {
      for await (const wev of r.attempt.provider.readStream(r.upstream.response.body)) {
        await send(tap.decode(wev));
        if (writer.closed) break;
      }
      await send(tap.end().events);
    },
    // The encoder ends the stream: after the error it writes nothing that claims a normal stop
    // (no message_stop, finishReason or [DONE]).
    fail: (pe) =>
      writer.events([...encoder.encode(enc, { type: 'error', error: pe.toInfo() }), ...encoder.end(enc)]),
    async close() {
      await writer.events(encoder.end(enc));
      if (acc && !tap.error) r.env.hooks.onResponse?.(accumulatedResponse(acc));
    },
  });
}
