import type { Provider } from '../providers/types.js';
import type { HttpClient } from '../transport/http-client.js';
import type { SecretRedactor } from './redactor.js';
import { redactSseBody, redactWireEvents } from './sse-redact.js';

/**
 * Where upstream words enter the proxy: every account's HTTP client and provider are wrapped so
 * that what an upstream says — error bodies, error events in streams, headers, network errors,
 * credential-test and model-list messages — is redacted before anything reads it.
 */

/** An account's HTTP client whose answers and failures come back redacted. */
export function redactingHttpClient(client: HttpClient, redactor: SecretRedactor): HttpClient {
  return {
    async send(req, opts) {
      let res: Awaited<ReturnType<HttpClient['send']>>;
      try {
        res = await client.send(req, opts);
      } catch (err) {
        throw redactor.thrown(err);
      }
      const headers = redactor.headers(res.headers);
      const ct = headers['content-type'];
      const type = Array.isArray(ct) ? ct.join(',') : (ct ?? '');
      if (/event-stream/i.test(type)) return { ...res, headers, body: redactSseBody(res.body, redactor) };
      return headers === res.headers ? res : { ...res, headers };
    },
    close: () => client.close(),
  };
}

/** A provider whose errors, stream error events, test results and list reasons are redacted. */
export function redactingProvider(provider: Provider, redactor: SecretRedactor): Provider {
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw redactor.thrown(err);
    }
  };
  const wrapped: Provider = {
    get kind() {
      return provider.kind;
    },
    get accountId() {
      return provider.accountId;
    },
    get rawStreamPassthrough() {
      return provider.rawStreamPassthrough;
    },
    get nativeStructuredOutput() {
      return provider.nativeStructuredOutput;
    },
    wireFor: (model) => provider.wireFor(model),
    prepareChat: (call) => guard(() => provider.prepareChat(call)),
    readStream: (body) => redactWireEvents(provider.readStream(body), redactor),
    listModels: async (signal) => {
      const listing = await guard(() => provider.listModels(signal));
      return listing.reason === undefined ? listing : { ...listing, reason: redactor.text(listing.reason) };
    },
    testCredential: async (signal) => redactor.value(await guard(() => provider.testCredential(signal))),
    mapError: (res, ctx) =>
      redactor.error(
        provider.mapError(
          { ...res, headers: redactor.headers(res.headers), body: redactor.text(res.body) },
          ctx,
        ),
      ),
  };
  if (provider.prepareCountTokens) {
    const count = provider.prepareCountTokens.bind(provider);
    wrapped.prepareCountTokens = (call) => guard(() => count(call));
  }
  if (provider.countTokensAnswer) {
    const answer = provider.countTokensAnswer.bind(provider);
    wrapped.countTokensAnswer = (upstream) => answer(upstream);
  }
  if (provider.prepareCompletions) {
    const complete = provider.prepareCompletions.bind(provider);
    wrapped.prepareCompletions = (body, model) => guard(() => complete(body, model));
  }
  if (provider.promptCacheTtl1h) {
    const ttl1h = provider.promptCacheTtl1h.bind(provider);
    wrapped.promptCacheTtl1h = (model) => ttl1h(model);
  }
  if (provider.close) {
    const close = provider.close.bind(provider);
    wrapped.close = () => close();
  }
  return wrapped;
}

/**
 * A whole upstream answer about to be relayed byte for byte (same-dialect passthrough): when it
 * is an error in disguise (some gateways answer 200 with an `"error"` member) or not JSON at all,
 * it is redacted; a normal answer is returned untouched, without a copy.
 */
export function redactRelayedAnswer(bytes: Buffer, redactor: SecretRedactor | undefined): Buffer {
  if (!redactor) return bytes;
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  const json = bytes[i] === 0x7b || bytes[i] === 0x5b;
  if (json && !bytes.includes('"error"')) return bytes;
  const text = bytes.toString('utf8');
  const red = redactor.text(text);
  return red === text ? bytes : Buffer.from(red, 'utf8');
}
