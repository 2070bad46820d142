import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { ProxyError } from '../canonical/errors.js';
import { createMediaFetcher } from '../canonical/inline-images.js';
import { ReasoningCache } from '../canonical/reasoning-cache.js';
import type { AccountConfig, KeybridgeConfig } from '../config/schema.js';
import { createCodecSet } from '../dialects/registry.js';
import { proxyMsg } from '../messages.js';
import { priceRecord } from '../observability/prices.js';
import type { RequestRecord } from '../observability/types.js';
import { promptCacheSettings } from '../providers/prompt-cache.js';
import {
  createProvider,
  createProviderShared,
  type ProviderShared,
  providerWireCodecs,
} from '../providers/registry.js';
import type { CredentialTestResult, ModelListing, Provider } from '../providers/types.js';
import {
  type AccountKeys,
  accountApiKeys,
  buildAccountKeys,
  leaseProvider,
} from '../routing/account-keys.js';
import { ModelCatalog } from '../routing/catalog.js';
import { redactorForConfig } from '../security/config-secrets.js';
import { PRIVATE_FILE_MODE, tightenFileModeSync } from '../security/private-file.js';
import { redactingHttpClient, redactingProvider } from '../security/redacting-upstream.js';
import type { SecretRedactor } from '../security/redactor.js';
import { createAccountHttpClient } from '../transport/account-http-client.js';
import type { HttpClient } from '../transport/http-client.js';
import { createOutboundDispatcher, resolveProxySetting } from '../transport/outbound-proxy.js';
import { readVersion } from '../version.js';
import { defaultHooks } from './conversion-hooks.js';
import { checkAccountLimit } from './limit-check.js';
import { authority, lanHosts, networkAddresses } from './listen-addresses.js';
import type {
  CreateProxyOptions,
  ListenInfo,
  ProxyHandle,
  ProxyStats,
  ProxyStatus,
  PublicModel,
} from './proxy-handle.js';
import { createRequestHandler } from './request-handler.js';
import { isLanBind, lanKeyProblem } from './security-gate.js';
import type { ServingState } from './serving-state.js';
import { SpendLimits } from './spend-limits.js';

/** Other devices could reach the proxy, but no (long enough) access key guards it. */
export class LanAccessKeyError extends Error {
  readonly code = 'LAN_ACCESS_KEY';
  constructor(
    readonly host: string,
    why: string,
  ) {
    super(
      `Listening on ${host} would let other devices on your network reach Keybridge, so ${why}. ` +
        'Set the access key, or listen on 127.0.0.1 only.',
    );
    this.name = 'LanAccessKeyError';
  }
}

/** The port is held by another program. */
export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`Port ${port} on ${host} is already in use by another program`);
    this.name = 'PortInUseError';
  }
}

interface Generation extends ServingState {
  /** Knows every secret of this configuration; everything an upstream says passes through it. */
  redactor: SecretRedactor;
  providers: Map<string, Provider>;
  keyed: Map<string, AccountKeys>;
  clients: HttpClient[];
  closeExtra(): Promise<void>;
  inflight: number;
  retired: boolean;
}

function buildGeneration(
  config: KeybridgeConfig,
  opts: CreateProxyOptions & {
    now: () => number;
    shared: ProviderShared;
    reasoning: ReasoningCache;
    spend: SpendLimits;
  },
): Generation {
  const providers = new Map<string, Provider>();
  const clients: HttpClient[] = [];
  const byAccount = new Map<string, HttpClient>();
  const keyed = new Map<string, AccountKeys>();
  const env = opts.env ?? process.env;
  const redactor = redactorForConfig(config, opts.baseDir ?? process.cwd());
  for (const account of config.accounts) {
    if (!account.enabled) continue;
    const http = redactingHttpClient(
      opts.httpClientFor?.(account, config) ??
        createAccountHttpClient(account.proxy, config.outboundProxy, config.timeouts, { env }),
      redactor,
    );
    clients.push(http);
    byAccount.set(account.id, http);
    const deps = { http, now: opts.now, baseDir: opts.baseDir ?? process.cwd() };
    const apiKeys = 'apiKey' in account ? accountApiKeys(account) : [];
    const keys = buildAccountKeys(
      account.id,
      apiKeys,
      (apiKey) =>
        redactingProvider(
          createProvider(
            apiKey === undefined ? account : ({ ...account, apiKey } as AccountConfig),
            deps,
            opts.shared,
          ),
          redactor,
        ),
      opts.now,
    );
    providers.set(account.id, keys.primary);
    keyed.set(account.id, keys);
  }
  const mediaDispatcher = createOutboundDispatcher(
    resolveProxySetting('inherit', config.outboundProxy),
    { connectMs: config.timeouts.connectMs },
    { env },
  );
  const fetchMedia = createMediaFetcher({ dispatcher: mediaDispatcher });
  const catalog = new ModelCatalog(config, providers, opts.now);
  return {
    config,
    redactor,
    catalog,
    providers,
    keyed,
    clients,
    closeExtra: async () => {
      await fetchMedia.close();
      await mediaDispatcher.close();
    },
    inflight: 0,
    retired: false,
    extraHosts: isLanBind(config.server) ? lanHosts() : new Set(),
    env: {
      codecs: createCodecSet(providerWireCodecs()),
      http: (id) => {
        const c = byAccount.get(id);
        if (!c) throw noAccountError(id);
        return c;
      },
      lease: (route) => {
        const k = keyed.get(route.account);
        if (!k) throw noAccountError(route.account);
        return leaseProvider(k);
      },
      timeouts: { firstByteMs: config.timeouts.firstByteMs, deadlineMs: config.timeouts.deadlineMs },
      hooks: opts.hooks ?? defaultHooks(opts.reasoning, fetchMedia),
      // Spend limits per account, before each try (an account over its limit lets the next route serve).
      beforeSend:
        opts.beforeSend ??
        (({ route }) => checkAccountLimit(config, opts.spend.ledger, opts.now(), route.account)),
      redactor,
      // fidelity: each account's choice for parameters its upstream cannot take.
      paramPolicy: (id) => config.accounts.find((a) => a.id === id)?.unsupportedParams ?? 'drop',
      // Issue 19 (caching): each account's promptCaching / promptCacheTtl.
      promptCache: (id) => promptCacheSettings(config.accounts.find((a) => a.id === id)),
    },
  };
}

async function closeGeneration(g: Generation): Promise<void> {
  const all = [...g.keyed.values()].flatMap((k) => (k.byKey.size ? [...k.byKey.values()] : [k.primary]));
  await Promise.allSettled(all.map((p) => p.close?.()));
  await Promise.allSettled(g.clients.map((c) => c.close()));
  await g.closeExtra().catch(() => undefined);
}

/** Creates the proxy: an HTTP server on loopback serving the three dialects from the configured accounts. */
export function createProxy(initial: KeybridgeConfig, options: CreateProxyOptions = {}): ProxyHandle {
  const now = options.now ?? Date.now;
  // Thinking signatures survive clients that drop them (OpenAI-style) for the life of the proxy.
  // Spend limits (issue 19): use per local day and month, kept across restarts and reconfigures.
  const spend = new SpendLimits({ path: options.ledgerPath, now, warn: options.warn });
  const opts = { ...options, now, spend, reasoning: new ReasoningCache(), shared: createProviderShared() };
  const version = readVersion();
  const listeners = new Set<(r: RequestRecord) => void>();
  const counters = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, activeStreams: 0 };
  let gen = buildGeneration(initial, opts);
  let inflight = 0;
  let servers: Server[] = [];
  const sockets = new Set<Socket>();
  let status: ProxyStatus = { state: 'stopped' };
  let startedAt = now();
  let accessLog: WriteStream | undefined;

  const retireIfIdle = (g: Generation) => {
    if (g.retired && g.inflight === 0) void closeGeneration(g);
  };

  const publish = (record: RequestRecord) => {
    // Second line: a record leaves for the access log and the listeners (usage file, the
    // window's live log) only redacted, whatever reached it.
    const r = gen.redactor.value(record);
    priceRecord(r);
    spend.count(r, gen.config);
    accessLog?.write(`${JSON.stringify(r)}\n`);
    for (const l of listeners) {
      try {
        l(r);
      } catch {
        // a listener's failure must not break serving
      }
    }
  };

  const handler = createRequestHandler({
    publish,
    now,
    version,
    startedAt: () => startedAt,
    counters,
    ledger: () => spend.ledger,
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const g = gen;
    g.inflight++;
    inflight++;
    res.on('close', () => {
      g.inflight--;
      inflight--;
      retireIfIdle(g);
    });
    handler(req, res, g).catch(() => {
      // Last resort: a bug in the handler must answer this request, not crash the process.
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end('{"error":{"type":"internal_error","message":"Keybridge failed to handle this request"}}');
      }
    });
  };

  function openAccessLog(config: KeybridgeConfig) {
    accessLog?.end();
    accessLog = undefined;
    if (config.logging.accessLog) {
      const file = resolve(options.baseDir ?? process.cwd(), config.logging.accessLog);
      mkdirSync(dirname(file), { recursive: true });
      tightenFileModeSync(file);
      accessLog = createWriteStream(file, { flags: 'a', mode: PRIVATE_FILE_MODE });
    }
  }

  function listenOne(host: string, port: number): Promise<Server> {
    const { headersTimeoutMs, keepAliveTimeoutMs } = gen.config.server;
    return new Promise((ok, fail) => {
      const server = createServer(
        {
          requestTimeout: 0,
          headersTimeout: headersTimeoutMs,
          keepAliveTimeout: keepAliveTimeoutMs,
          // Node checks the headers timeout on this interval (default 30 s): keep it finer than the timeout.
          connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(headersTimeoutMs / 4))),
        },
        onRequest,
      );
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      server.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') fail(new PortInUseError(host, port));
        else if (err.code === 'EACCES')
          fail(new Error(`Not allowed to listen on ${host}:${port} (choose a port above 1024)`));
        else fail(err);
      });
      server.listen({ host, port, ipv6Only: host.includes(':') }, () => {
        server.removeAllListeners('error');
        server.on('error', () => {});
        ok(server);
      });
    });
  }

  async function bind(config: KeybridgeConfig): Promise<ListenInfo> {
    const lan = isLanBind(config.server);
    const host = config.server.lan ? '0.0.0.0' : config.server.host;
    // Any bind other devices can reach needs a real access key, whatever setting asked for it.
    const problem = lan ? lanKeyProblem(config.server) : undefined;
    if (problem) throw new LanAccessKeyError(host, problem);
    const primary = await listenOne(host, config.server.port);
    const port = (primary.address() as AddressInfo).port;
    const bound = [primary];
    // Also answer on the IPv6 loopback (or all IPv6 addresses in LAN mode), so "localhost" works
    // whichever address family the client's resolver tries first.
    const second = config.server.lan ? '::' : host === '127.0.0.1' ? '::1' : undefined;
    if (second) {
      try {
        bound.push(await listenOne(second, port));
      } catch {
        // No IPv6 on this machine: IPv4 alone is fine.
      }
    }
    servers = bound;
    const addresses = bound.map((s) => {
      const a = s.address() as AddressInfo;
      return authority(a.address, a.port);
    });
    const wildcard = host === '0.0.0.0' || host === '::' || host === '';
    const shownHost = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const info: ListenInfo = { host, port, url: `http://${shownHost}:${port}/v1`, bound: addresses, lan };
    if (lan) {
      const ipv6 = bound.length > 1 || host === '::';
      const reachable = wildcard ? networkAddresses(ipv6 ? 'any' : 'IPv4') : [host];
      info.lanUrls = reachable.map((a) => `http://${authority(a, port)}/v1`);
    }
    return info;
  }

  async function unbind(drainMs: number): Promise<void> {
    const closing = servers.map((s) => new Promise<void>((ok) => s.close(() => ok())));
    for (const s of servers) s.closeIdleConnections();
    servers = [];
    const deadline = Date.now() + drainMs;
    // Every request in flight counts, whichever configuration generation it started under.
    while (inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    for (const s of sockets) s.destroy();
    await Promise.all(closing);
  }

  /** The provider of an enabled account in the current configuration. */
  const enabledProvider = (accountId: string) => {
    const provider = gen.providers.get(accountId);
    if (provider) return provider;
    throw new ProxyError('not_found', `No enabled account "${accountId}"`, {
      messageRef: proxyMsg('noEnabledAccount', { account: accountId }),
    });
  };

  const handle: ProxyHandle = {
    async start() {
      if (status.state === 'running' && status.listen) return status.listen;
      status = { state: 'starting' };
      try {
        openAccessLog(gen.config);
        const listen = await bind(gen.config);
        startedAt = now();
        status = { state: 'running', listen };
        return listen;
      } catch (err) {
        status = { state: 'error', error: (err as Error).message };
        throw err;
      }
    },
    async stop(stopOpts = {}) {
      if (status.state === 'stopped') return;
      status = { ...status, state: 'stopping' };
      await unbind(stopOpts.drainMs ?? 5_000);
      // Wait until the last lines are on disk: the CLI exits right after stop().
      const log = accessLog;
      accessLog = undefined;
      if (log) await new Promise<void>((done) => log.end(() => done()));
      await spend.flush();
      status = { state: 'stopped' };
    },
    async reconfigure(config) {
      const old = gen;
      const s = old.config.server;
      const n = config.server;
      const rebind =
        status.state === 'running' && (s.host !== n.host || s.port !== n.port || s.lan !== n.lan);
      gen = buildGeneration(config, opts);
      old.retired = true;
      retireIfIdle(old);
      openAccessLog(config);
      if (rebind) {
        await unbind(5_000);
        try {
          status = { state: 'running', listen: await bind(config) };
        } catch (err) {
          status = { state: 'error', error: (err as Error).message };
          throw err;
        }
      }
    },
    status: () => status,
    stats(): ProxyStats {
      return {
        startedAt: status.state === 'running' ? new Date(startedAt).toISOString() : undefined,
        requests: counters.requests,
        errors: counters.errors,
        inputTokens: counters.inputTokens,
        outputTokens: counters.outputTokens,
        activeStreams: counters.activeStreams,
      };
    },
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async listModels(): Promise<PublicModel[]> {
      await gen.catalog.discover();
      return gen.catalog.list().map((m) => ({
        id: m.id,
        routes: m.routes.map((r) => ({
          account: r.account,
          provider: r.provider.kind,
          upstreamModel: r.upstreamModel,
        })),
      }));
    },
    async listAccountModels(accountId): Promise<ModelListing> {
      return enabledProvider(accountId).listModels(AbortSignal.timeout(20_000));
    },
    async testAccount(accountId): Promise<CredentialTestResult> {
      return enabledProvider(accountId).testCredential(AbortSignal.timeout(30_000));
    },
    limits: () => spend.statuses(gen.config),
    onLimit: (listener) => spend.onLimit(listener),
    keyUsage: () => spend.keyUsage(gen.config),
    unpricedModels: () => spend.unpriced(),
  };
  return handle;
}

/** The error for a route naming an account this proxy does not have. */
function noAccountError(account: string): ProxyError {
  return new ProxyError('not_found', `No account "${account}"`, {
    messageRef: proxyMsg('noAccount', { account }),
  });
}
