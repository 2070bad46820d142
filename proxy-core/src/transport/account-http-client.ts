import type { TimeoutsConfig } from '../config/schema.js';
import type { HttpClient } from './http-client.js';
import {
  type AccountProxySetting,
  createOutboundDispatcher,
  type OutboundDispatcherOptions,
  type OutboundProxySetting,
  resolveProxySetting,
} from './outbound-proxy.js';
import { createUndiciHttpClient } from './undici-http-client.js';

/**
 * The HttpClient for one account (ProviderDeps.http): its outbound proxy (its own setting, or the
 * global one for "inherit") and the configured timeouts — connect, time to first byte, idle gap.
 * Closing the client closes its connections.
 */
export function createAccountHttpClient(
  accountProxy: AccountProxySetting | undefined,
  globalProxy: OutboundProxySetting,
  timeouts: Pick<TimeoutsConfig, 'connectMs' | 'firstByteMs' | 'idleMs'>,
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
