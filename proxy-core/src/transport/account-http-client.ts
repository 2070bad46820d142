import type { HttpClient } from './http-client.js';
import {
  type AccountProxySetting,
  createOutboundDispatcher,
  type OutboundDispatcherOptions,
  type OutboundProxySetting,
  resolveProxySetting,
} from './outbound-proxy.js';
import { createUndiciHttpClient } from './undici-http-client.js';

/** The per-attempt timeouts an account's client applies (the config's `timeouts` has these). */
export interface ConnectionTimeouts {
  /** TCP/TLS connect. */
  connectMs: number;
  /** From request sent to response headers. */
  firstByteMs: number;
  /** Longest silence between two chunks of a response body. */
  idleMs: number;
}

/**
 * The HttpClient for one account (ProviderDeps.http): its outbound proxy (its own setting, or the
 * global one for "inherit") and the configured timeouts — connect, time to first byte, idle gap.
 * Closing the client closes its connections.
 */
export function createAccountHttpClient(
  accountProxy: AccountProxySetting | undefined,
  globalProxy: OutboundProxySetting,
  timeouts: ConnectionTimeouts,
  opts: OutboundDispatcherOptions = {},
): HttpClient {
  const dispatcher = createOutboundDispatcher(
    resolveProxySetting(accountProxy, globalProxy),
    { connectMs: timeouts.connectMs },
    opts,
  );
  const client = createUndiciHttpClient({
    dispatcher,
    connectTimeoutMs: timeouts.connectMs,
    headersTimeoutMs: timeouts.firstByteMs,
    bodyTimeoutMs: timeouts.idleMs,
  });
  return {
    send: (req, sendOpts) => client.send(req, sendOpts),
    async close() {
      await client.close();
      await dispatcher.close();
    },
  };
}
