import { ProxyError } from '../../canonical/errors.js';
import type { WireEvent } from '../../canonical/types.js';
import { proxyMsg } from '../../messages.js';
import {
  EventStreamFrameError,
  type EventStreamMessage,
  headerText,
  readEventStream,
} from '../../transport/aws-event-stream.js';
import { describeNetworkError } from '../../transport/undici-http-client.js';
import { type BedrockErrorContext, mapStreamException } from './map-error.js';

const utf8 = new TextDecoder('utf-8');

/**
 * One event-stream message → a wire event.
 * - InvokeModelWithResponseStream: `chunk` events carry `{"bytes": base64}` whose decoded text is
 *   an Anthropic Messages event; the wire event is that JSON text, named by its `type`.
 * - ConverseStream: the event name is `:event-type`, the data the payload JSON text.
 * - `:message-type: exception` / `error` frames throw a ProxyError.
 */
export function messageToWireEvent(msg: EventStreamMessage, ctx: BedrockErrorContext): WireEvent | undefined {
  const messageType = headerText(msg, ':message-type') ?? 'event';
  const payload = utf8.decode(msg.body);
  if (messageType === 'exception') {
    throw mapStreamException(headerText(msg, ':exception-type') ?? 'UnknownException', payload, ctx);
  }
  if (messageType === 'error') {
    const code = headerText(msg, ':error-code') ?? 'UnknownError';
    const message = headerText(msg, ':error-message') ?? payload;
    throw mapStreamException(code, JSON.stringify({ message }), ctx);
  }
  const eventType = headerText(msg, ':event-type');
  if (eventType === 'chunk') {
    let bytes: unknown;
    try {
      bytes = (JSON.parse(payload) as { bytes?: unknown }).bytes;
    } catch {
      bytes = undefined;
    }
    if (typeof bytes !== 'string') {
      throw new ProxyError('upstream', 'Bedrock sent a stream chunk without its content', {
        hint: 'Try again; if it keeps happening, report it together with the model id.',
        messageRef: proxyMsg('bedrockChunkEmpty'),
        hintRef: proxyMsg('bedrockChunkEmptyHint'),
        account: ctx.accountId,
        upstreamModel: ctx.upstreamModel,
      });
    }
    const data = Buffer.from(bytes, 'base64').toString('utf8');
    let type: string | undefined;
    try {
      const t = (JSON.parse(data) as { type?: unknown }).type;
      type = typeof t === 'string' ? t : undefined;
    } catch {
      type = undefined;
    }
    return type ? { event: type, data } : { data };
  }
  if (!eventType || payload.trim() === '') return undefined;
  return { event: eventType, data: payload };
}

function isAbort(err: unknown): boolean {
  const e = err as { name?: string; code?: string };
  return e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED' || e?.code === 'ABORT_ERR';
}

/** Any failure while reading a Bedrock stream → a ProxyError the pipeline can show. */
export function streamFailure(err: unknown, ctx: BedrockErrorContext, url: string): unknown {
  if (err instanceof ProxyError || isAbort(err)) return err;
  if (err instanceof EventStreamFrameError) {
    return new ProxyError('upstream', `Bedrock's answer stream broke: ${err.message}`, {
      hint: 'The answer was cut off. Try again; if it keeps happening, check your network or outbound proxy.',
      messageRef: proxyMsg('bedrockStreamBroke', { detail: err.message }),
      hintRef: proxyMsg('bedrockStreamBrokeHint'),
      account: ctx.accountId,
      upstreamModel: ctx.upstreamModel,
      cause: err,
    });
  }
  const net = describeNetworkError(err, url);
  return new ProxyError(net.kind, `${net.message} while the answer was streaming`, {
    hint: net.hint,
    retryable: net.retryable,
    // The window says the network failure in its own words (without "while streaming").
    messageRef: net.messageRef,
    hintRef: net.hintRef,
    account: ctx.accountId,
    upstreamModel: ctx.upstreamModel,
    cause: err,
  });
}

/** `provider.readStream` for Bedrock: event-stream body → wire events. */
export async function* readBedrockStream(
  body: AsyncIterable<Uint8Array>,
  ctx: BedrockErrorContext,
  url: string,
): AsyncIterable<WireEvent> {
  try {
    for await (const msg of readEventStream(body)) {
      const ev = messageToWireEvent(msg, ctx);
      if (ev) yield ev;
    }
  } catch (err) {
    throw streamFailure(err, ctx, url);
  }
}
