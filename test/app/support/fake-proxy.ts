/**
 * A stand-in ProxyHandle for the app tests that do not exercise proxy-core itself: it binds a
 * real loopback port (so port conflicts are real) and answers chat requests with a fixed reply.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeybridgeConfig } from '../../../proxy-core/src/config/schema.js';
import type { LimitStatus, ListenInfo, ProxyHandle, ProxyStatus } from '../../../proxy-core/src/index.js';
import type { RequestRecord } from '../../../proxy-core/src/observability/types.js';

export interface FakeProxyLog {
  configs: KeybridgeConfig[];
  handles: FakeProxy[];
}

export class FakeProxy implements ProxyHandle {
  config: KeybridgeConfig;
  server: Server | null = null;
  state: ProxyStatus = { state: 'stopped' };
  listeners = new Set<(r: RequestRecord) => void>();
  reconfigured: KeybridgeConfig[] = [];

  constructor(config: KeybridgeConfig) {
    this.config = config;
  }

  async start(): Promise<ListenInfo> {
    this.server = await this.#listen(this.config.server.port);
    return this.state.listen!;
  }

  async #listen(port: number): Promise<Server> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const key = this.config.server.accessKey;
        if (this.config.server.requireAccessKey && req.headers.authorization !== `Bearer ${key}`) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ error: { message: 'Access key required', hint: 'Paste the access key' } }),
          );
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { model?: string };
        const record: RequestRecord = {
          id: `r${Date.now()}`,
          time: new Date().toISOString(),
          dialect: 'openai',
          endpoint: 'chat',
          method: 'POST',
          path: req.url ?? '/',
          publicModel: body.model,
          account: this.config.accounts[0]?.id,
          stream: false,
          passthrough: false,
          status: 200,
          latencyMs: 5,
          usage: { inputTokens: 3, outputTokens: 2 },
          costUsd: 0.001,
          attempts: [],
        };
        for (const l of this.listeners) l(record);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            choices: [{ message: { role: 'assistant', content: `Hello from ${body.model}` } }],
          }),
        );
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.config.server.host, port, exclusive: true }, () => resolve());
    });
    const bound = (server.address() as AddressInfo).port;
    this.state = {
      state: 'running',
      listen: { host: this.config.server.host, port: bound, url: `http://127.0.0.1:${bound}/v1` },
    };
    return server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    this.state = { state: 'stopped' };
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }

  async reconfigure(config: KeybridgeConfig): Promise<void> {
    this.reconfigured.push(config);
    if (config.server.port !== this.state.listen?.port || config.server.host !== this.config.server.host) {
      const next = await this.#listen(config.server.port);
      const old = this.server;
      this.server = next;
      old?.close();
    }
    this.config = config;
  }

  status(): ProxyStatus {
    return this.state;
  }

  stats() {
    return { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, activeStreams: 0 };
  }

  onRequest(listener: (r: RequestRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async listModels() {
    return this.config.models.map((m) => ({
      id: m.id,
      routes: m.routes.map((r) => ({ account: r.account, provider: 'openai', upstreamModel: r.model })),
    }));
  }

  async listAccountModels(_id: string) {
    return { models: [{ id: 'gpt-test' }], source: 'config' as const };
  }

  async testAccount(_id: string) {
    return { ok: true as const, message: 'It works', latencyMs: 3 };
  }

  // No limits, keys or unpriced models in the fake: the app tests that need them use the real proxy.
  limits(): LimitStatus[] {
    return [];
  }

  onLimit(_listener: (s: LimitStatus) => void): () => void {
    return () => {};
  }

  keyUsage() {
    return [];
  }

  unpricedModels() {
    return [];
  }
}

export function fakeProxyFactory(): { createProxy: (c: KeybridgeConfig) => FakeProxy; log: FakeProxyLog } {
  const log: FakeProxyLog = { configs: [], handles: [] };
  return {
    log,
    createProxy: (config) => {
      log.configs.push(config);
      const h = new FakeProxy(config);
      log.handles.push(h);
      return h;
    },
  };
}
