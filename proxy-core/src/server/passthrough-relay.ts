import type { ProxyError } from '../canonical/errors.js';
import { peekJsonMembers } from '../canonical/json.js';
import { notJsonError, readAnswer } from './attempt.js';
import { UsageChunkCutter } from './openai-passthrough.js';
import type { Outcome, Relay } from './pipeline-types.js';
import { noteAnswer, runStream, StreamTap, streamWriter } from './stream-relay.js';

/**
 * The passthrough relay: the client speaks the upstream's wire format, so the upstream's answer
 * goes to the client as it came (redacted), and the log only taps it for usage, the model, the
 * first token and in-band errors.
 */

/** A whole answer: its bytes untouched; only the members the log needs are read. */
export async function relayPassthroughWhole(r: Relay): Promise<Outcome> {
  const bytes = await readAnswer(r.attempt, r.upstream, r.env);
  const answer = peekJsonMembers(bytes, r.clientCodec.answerMembers);
  if (!answer) throw notJsonError(r.attempt);
  noteAnswer(r, answer);
  r.ctx.record.firstToken();
  const ct = r.upstream.response.headers['content-type'];
  r.ctx.res.writeHead(200, {
    'content-type': typeof ct === 'string' ? ct : 'application/json',
    'content-length': String(bytes.length),
    ...r.attempt.responseHeaders,
  });
  r.ctx.res.end(bytes);
  return { status: 200 };
}

/**
 * A stream. `cutUsage` is set when the proxy asked for usage the client did not ask for: the
 * usage-only event is cut out of what is relayed.
 */
export function relayPassthroughStream(r: Relay, cutUsage: boolean): Promise<Outcome> {
  const usageOnly = cutUsage ? r.clientCodec.streamUsage?.isUsageOnly : undefined;
  // Same framing as the client's (SSE): the bytes go on as they come.
  if (r.attempt.provider.rawStreamPassthrough && r.ctx.streamMode === 'sse') return relayBytes(r, usageOnly);
  return relayEvents(r, usageOnly);
}

const BLANK_LINE = Buffer.from('\n\n');

/** Relays the upstream's bytes untouched; a side parser taps them for the log. */
function relayBytes(r: Relay, usageOnly?: (data: string) => boolean): Promise<Outcome> {
  const writer = streamWriter(r);
  const tap = new StreamTap(r.wireCodec.streamDecoder, r.ctx.record);
  const cutter = usageOnly ? new UsageChunkCutter(usageOnly) : undefined;
  const flushHeld = async () => {
    const held = cutter?.end();
    if (held?.length) await writer.raw(held);
  };
  /** Ends the stream with an error; the blank line first ends whatever event the raw bytes left open. */
  const endWithError = async (pe: ProxyError) => {
    await writer.raw(BLANK_LINE);
    await writer.events(r.clientCodec.encodeStreamError(pe));
  };
  return runStream(r, {
    writer,
    tap,
    async pump() {
      for await (const chunk of r.upstream.response.body) {
        tap.peekSse(chunk);
        const out = cutter ? cutter.push(chunk) : chunk;
        if (out.length > 0) await writer.raw(out);
        if (writer.closed) break;
      }
      await flushHeld();
      // An upstream stream cut short (or that was never SSE) is told to the client, not ended as if whole.
      let tailError = tap.endSse();
      tailError = tap.end().error ?? tailError;
      if (tailError && writer.committed) await endWithError(tailError);
    },
    async fail(pe) {
      await flushHeld();
      await endWithError(pe);
    },
  });
}

function isJson(data: string): boolean {
  try {
    JSON.parse(data);
    return true;
  } catch {
    return false;
  }
}

/** Relays the upstream's events one by one, re-framed (Bedrock's event stream, Gemini's JSON array). */
function relayEvents(r: Relay, usageOnly?: (data: string) => boolean): Promise<Outcome> {
  const writer = streamWriter(r);
  const tap = new StreamTap(r.wireCodec.streamDecoder, r.ctx.record);
  const codec = r.clientCodec;
  return runStream(r, {
    writer,
    tap,
    async pump() {
      for await (const wev of r.attempt.provider.readStream(r.upstream.response.body)) {
        tap.decode(wev);
        if (usageOnly?.(wev.data)) continue;
        if (tap.error && wev.data !== '[DONE]' && !isJson(wev.data)) {
          // An event the upstream garbled (cut short, not JSON) is replaced by a clear error.
          if (writer.committed) await writer.events(codec.encodeStreamError(tap.error));
          break;
        }
        await writer.events([wev.event ? { event: wev.event, data: wev.data } : { data: wev.data }]);
        if (writer.closed) break;
      }
      // Passthrough relays only the upstream's own events: say so when its stream ended early.
      const tail = tap.end().error;
      if (tail && writer.committed) await writer.events(codec.encodeStreamError(tail));
    },
    fail: (pe) => writer.events(codec.encodeStreamError(pe)),
  });
}
