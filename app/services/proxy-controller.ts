/**
 * ProxyController: runs proxy-core inside the app. Builds its config from settings + keychain
 * secrets, starts and stops it, follows settings changes with `reconfigure` (streams in flight
 * carry on; proxy-core rebinds only when host/port change), reports its status, and moves to the
 * next free port when the wanted one is taken — telling the user which one it took.
 */
import net from 'node:net';
import type {
  KeybridgeConfig,
  LimitStatus,
  ListenInfo,
  ProxyHandle,
  RequestRecord,
} from '../../proxy-core/src/index.js';
import { appMsg, type MessageRef, messageRefSchema, type ProxyStatusView } from '../contract/index.js';

/** proxy-core's createProxy, as the app calls it (ledgerPath: where spend-limit usage persists). */
export type CreateProxy = (config: KeybridgeConfig, options?: { ledgerPath?: string }) => ProxyHandle;

/** Thrown by a config builder when the saved setup cannot make a valid config. */
export class ConfigProblem extends Error {
  readonly hint?: string;
  readonly messageRef?: MessageRef;
  readonly hintRef?: MessageRef;
  constructor(message: string, hint?: string, refs: { message?: MessageRef; hint?: MessageRef } = {}) {
    super(message);
    this.name = 'ConfigProblem';
    this.hint = hint;
    this.messageRef = refs.message;
    this.hintRef = refs.hint;
  }
}

export interface ProxyControllerOptions {
  createProxy: CreateProxy;
  /** Builds the current config (settings + vault secrets + outbound proxy). */
  buildConfig: () => Promise<KeybridgeConfig>;
  /** How many ports to try from the wanted one (wanted, wanted+1, …). */
  portAttempts?: number;
  /** How long a stop lets in-flight requests finish. */
  drainMs?: number;
  /** Whether host:port can be bound; defaults to a real bind test. */
  isPortFree?: (host: string, port: number) => Promise<boolean>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

type StatusCore = Omit<ProxyStatusView, 'stats'>;

export class ProxyController {
  readonly #opts: Required<Omit<ProxyControllerOptions, 'log'>> & Pick<ProxyControllerOptions, 'log'>;
  #handle: ProxyHandle | null = null;
  #unsubscribeRecords: (() => void) | null = null;
  #status: StatusCore = { state: 'stopped' };
  /** The port the user asked for (the bound one may differ). */
  #wantedPort: number | null = null;
  #bound: { host: string; port: number; lan: boolean } | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #statusListeners = new Set<(s: ProxyStatusView) => void>();
  readonly #recordListeners = new Set<(r: RequestRecord) => void>();
  readonly #limitListeners = new Set<(s: LimitStatus) => void>();

  constructor(opts: ProxyControllerOptions) {
    this.#opts = {
      ...opts,
      portAttempts: opts.portAttempts ?? 10,
      drainMs: opts.drainMs ?? 5000,
      isPortFree: opts.isPortFree ?? canBind,
    };
  }

  status(): ProxyStatusView {
    const stats = this.#handle?.stats() ?? {
      requests: 0,
      errors: 0,
      inputTokens: 0,
      outputTokens: 0,
      activeStreams: 0,
    };
    return { ...this.#status, stats: { ...stats } };
  }

  /** The running proxy, for calls that need it (models, tests); null when stopped. */
  handle(): ProxyHandle | null {
    return this.#status.state === 'running' ? this.#handle : null;
  }

  onStatus(listener: (s: ProxyStatusView) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  onRequest(listener: (r: RequestRecord) => void): () => void {
    this.#recordListeners.add(listener);
    return () => this.#recordListeners.delete(listener);
  }

  /** A limit crossed 80 % or was reached (proxy-core says so once per limit and period). */
  onLimit(listener: (s: LimitStatus) => void): () => void {
    this.#limitListeners.add(listener);
    return () => this.#limitListeners.delete(listener);
  }

  start(): Promise<ProxyStatusView> {
    return this.#serial(() => this.#start());
  }

  stop(drainMs?: number): Promise<ProxyStatusView> {
    return this.#serial(() => this.#stop(drainMs ?? this.#opts.drainMs));
  }

  restart(): Promise<ProxyStatusView> {
    return this.#serial(async () => {
      await this.#stop(this.#opts.drainMs);
      return this.#start();
    });
  }

  /**
   * Follows a settings/accounts change. Running: reconfigures in place (rebinding only when the
   * address changed). In the error state: tries to start again, since the change may be the fix.
   * Stopped: nothing to do.
   */
  apply(): Promise<ProxyStatusView> {
    return this.#serial(async () => {
      if (this.#status.state === 'error') return this.#start();
      if (this.#status.state !== 'running' || !this.#handle) return this.status();
      return this.#reconfigure(this.#handle);
    });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  #set(core: StatusCore): ProxyStatusView {
    this.#status = core;
    const view = this.status();
    for (const l of this.#statusListeners) l(view);
    return view;
  }

  async #start(): Promise<ProxyStatusView> {
    if (this.#status.state === 'running' && this.#handle) return this.status();
    this.#set({ state: 'starting' });
    let config: KeybridgeConfig;
    try {
      config = await this.#opts.buildConfig();
    } catch (err) {
      return this.#fail(err);
    }
    const wanted = config.server.port;
    this.#wantedPort = wanted;
    const got = await this.#startOnFreePort(config, wanted);
    if ('handle' in got) {
      this.#attach(got.handle);
      this.#bound = { host: config.server.host, port: got.listen.port, lan: config.server.lan };
      this.#opts.log?.('info', `Proxy listening on ${got.listen.url}`);
      return this.#set(runningStatus(got.listen, wanted));
    }
    const lastErr = got.error;
    if (lastErr !== null && !isAddressInUse(lastErr)) return this.#fail(lastErr);
    const last = wanted + this.#opts.portAttempts - 1;
    return this.#fail(
      new ConfigProblem(
        `Ports ${wanted} to ${last} are all in use by other programs, so the proxy could not start.`,
        'Close the program using that port, or choose another port in Settings.',
        { message: appMsg('portsAllTaken', { from: wanted, to: last }), hint: appMsg('portsAllTakenHint') },
      ),
      lastErr,
    );
  }

  /**
   * Starts a proxy with `config` on the first free port from `wanted` on (up to portAttempts); a
   * failure other than "port taken" ends the search. Answers the running proxy, or the last error.
   */
  async #startOnFreePort(
    config: KeybridgeConfig,
    wanted: number,
  ): Promise<{ handle: ProxyHandle; listen: ListenInfo } | { error: unknown }> {
    const host = bindHost(config);
    let error: unknown = null;
    for (const port of candidatePorts(wanted, this.#opts.portAttempts)) {
      if (port !== 0 && !(await this.#opts.isPortFree(host, port))) {
        error = portTakenError(port);
        continue;
      }
      const handle = this.#opts.createProxy({ ...config, server: { ...config.server, port } });
      try {
        return { handle, listen: await handle.start() };
      } catch (err) {
        error = err;
        await handle.stop({ drainMs: 0 }).catch(() => {});
        if (!isAddressInUse(err)) break;
      }
    }
    return { error };
  }

  async #reconfigure(handle: ProxyHandle): Promise<ProxyStatusView> {
    let config: KeybridgeConfig;
    try {
      config = await this.#opts.buildConfig();
    } catch (err) {
      // Keep serving with the previous config; tell the user why the change did not apply.
      const problem = describe(err);
      this.#opts.log?.('warn', `Settings change not applied: ${problem.message}`);
      return this.#set({
        ...this.#status,
        error: problem.message,
        hint: problem.hint,
        errorRef: problem.messageRef,
        hintRef: problem.hintRef,
      });
    }
    const wanted = config.server.port;
    const samePlace =
      this.#bound !== null &&
      this.#bound.host === config.server.host &&
      this.#bound.lan === config.server.lan &&
      wanted === this.#wantedPort;
    if (samePlace && this.#bound) {
      // Same address as before: keep the port actually bound, even if it moved at start.
      await handle.reconfigure({
        ...config,
        server: { ...config.server, port: wanted === 0 ? 0 : this.#bound.port },
      });
      const listen = handle.status().listen;
      return this.#set(
        listen ? runningStatus(listen, wanted) : { ...this.#status, error: undefined, errorRef: undefined },
      );
    }
    if (this.#bound && wanted === this.#bound.port) {
      // Same port, other interfaces (LAN on/off): the port must be freed first. Streams drain.
      await this.#stop(this.#opts.drainMs);
      return this.#start();
    }
    // New port: a new proxy is started there first, then the old one stops accepting and
    // drains its streams in the background, so a port change never cuts a reply in progress.
    const got = await this.#startOnFreePort(config, wanted);
    if ('handle' in got) {
      this.#wantedPort = wanted;
      this.#retire(handle);
      this.#attach(got.handle);
      this.#bound = { host: config.server.host, port: got.listen.port, lan: config.server.lan };
      this.#opts.log?.('info', `Proxy moved to ${got.listen.url}`);
      return this.#set(runningStatus(got.listen, wanted));
    }
    const lastErr = got.error;
    const problem = describe(lastErr);
    this.#opts.log?.('warn', `Could not move the proxy to port ${wanted}: ${problem.message}`);
    const listen = handle.status().listen;
    return this.#set({
      ...(listen ? runningStatus(listen, this.#wantedPort ?? wanted) : this.#status),
      error: `Could not move to port ${wanted}: ${problem.message}`,
      hint: 'The proxy keeps running on its current port. Choose another port in Settings.',
      errorRef: isAddressInUse(lastErr)
        ? appMsg('portMoveAllTaken', { port: wanted, to: wanted + this.#opts.portAttempts - 1 })
        : appMsg('portMoveFailed', { port: wanted, detail: problem.message }),
      hintRef: appMsg('portMoveFailedHint'),
    });
  }

  /** Lets a replaced proxy finish its streams, forwarding their records until it has stopped. */
  #retire(old: ProxyHandle): void {
    const unsubscribe = this.#unsubscribeRecords;
    this.#unsubscribeRecords = null;
    this.#handle = null;
    old
      .stop({ drainMs: this.#opts.drainMs })
      .catch((err) =>
        this.#opts.log?.('warn', `The previous proxy did not stop cleanly: ${describe(err).message}`),
      )
      .finally(() => unsubscribe?.());
  }

  async #stop(drainMs: number): Promise<ProxyStatusView> {
    const handle = this.#handle;
    if (!handle) return this.#set({ state: 'stopped' });
    this.#set({ ...this.#status, state: 'stopping' });
    try {
      await handle.stop({ drainMs });
    } catch (err) {
      this.#opts.log?.('warn', `Proxy stop reported: ${describe(err).message}`);
    }
    this.#detach();
    this.#bound = null;
    this.#opts.log?.('info', 'Proxy stopped');
    return this.#set({ state: 'stopped' });
  }

  #attach(handle: ProxyHandle): void {
    this.#detach();
    this.#handle = handle;
    const offRecords = handle.onRequest((r) => {
      for (const l of this.#recordListeners) l(r);
    });
    const offLimits = handle.onLimit((s) => {
      for (const l of this.#limitListeners) l(s);
    });
    this.#unsubscribeRecords = () => {
      offRecords();
      offLimits();
    };
  }

  #detach(): void {
    this.#unsubscribeRecords?.();
    this.#unsubscribeRecords = null;
    this.#handle = null;
  }

  #fail(err: unknown, cause?: unknown): ProxyStatusView {
    const problem = describe(err);
    this.#opts.log?.('error', `Proxy could not start: ${problem.message}`);
    if (cause) this.#opts.log?.('warn', `Last port error: ${describe(cause).message}`);
    this.#detach();
    return this.#set({
      state: 'error',
      error: problem.message,
      hint: problem.hint,
      errorRef: problem.messageRef,
      hintRef: problem.hintRef,
    });
  }
}

function runningStatus(listen: ListenInfo, wanted: number): StatusCore {
  const origin = `http://${urlHost(listen.host)}:${listen.port}`;
  return {
    state: 'running',
    host: listen.host,
    port: listen.port,
    url: listen.url || `${origin}/v1`,
    portNote:
      wanted !== 0 && listen.port !== wanted
        ? `Port ${wanted} is used by another program, so Keybridge is using port ${listen.port}. Use the address shown here in SillyTavern.`
        : undefined,
    portNoteRef:
      wanted !== 0 && listen.port !== wanted ? appMsg('portMoved', { wanted, port: listen.port }) : undefined,
  };
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function bindHost(config: KeybridgeConfig): string {
  return config.server.lan ? '0.0.0.0' : config.server.host;
}

function candidatePorts(wanted: number, attempts: number): number[] {
  if (wanted === 0) return [0];
  const out: number[] = [];
  for (let p = wanted; p < wanted + attempts && p <= 65535; p++) out.push(p);
  return out;
}

function portTakenError(port: number): Error {
  return Object.assign(new Error(`port ${port} is in use`), { code: 'EADDRINUSE' });
}

/** True for "address already in use", however proxy-core wraps it. */
export function isAddressInUse(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e === 'object') {
      const o = e as { code?: unknown; message?: unknown; cause?: unknown };
      if (o.code === 'EADDRINUSE') return true;
      if (
        typeof o.message === 'string' &&
        /EADDRINUSE|address already in use|port \d+ is (in use|taken)/i.test(o.message)
      )
        return true;
      e = o.cause;
    } else break;
  }
  return false;
}

function describe(err: unknown): {
  message: string;
  hint?: string;
  messageRef?: MessageRef;
  hintRef?: MessageRef;
} {
  if (err && typeof err === 'object') {
    const o = err as { message?: unknown; hint?: unknown; messageRef?: unknown; hintRef?: unknown };
    const ref = (v: unknown) => {
      const parsed = messageRefSchema.safeParse(v);
      return parsed.success ? parsed.data : undefined;
    };
    return {
      message: typeof o.message === 'string' ? o.message : String(err),
      hint: typeof o.hint === 'string' ? o.hint : undefined,
      messageRef: ref(o.messageRef),
      hintRef: ref(o.hintRef),
    };
  }
  return { message: String(err) };
}

/** Whether host:port can be bound right now (a listen-and-close test). */
export function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
