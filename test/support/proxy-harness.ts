import { request } from 'node:http';
import { parseConfig } from '../../proxy-core/src/config/load.js';
import type { ListenInfo, ProxyHandle } from '../../proxy-core/src/index.js';
import type { RequestRecord } from '../../proxy-core/src/observability/types.js';
import { createProxy } from '../../proxy-core/src/server/proxy.js';
import type { CreateProxyOptions } from '../../proxy-core/src/server/proxy-handle.js';

export interface RunningProxy {
  proxy: ProxyHandle;
  listen: ListenInfo;
  /** http://127.0.0.1:PORT */
  origin: string;
  records: RequestRecord[];
  /** Resolves with the next record published (or the n-th from now). */
  nextRecord(): Promise<RequestRecord>;
  close(): Promise<void>;
}

/** Starts a real proxy on 127.0.0.1 with a random port from a plain config object. */
export async function startProxy(
  rawConfig: Record<string, unknown>,
  options: CreateProxyOptions = {},
): Promise<RunningProxy> {
  const config = parseConfig({
    ...rawConfig,
    server: { port: 0, ...(rawConfig.server as object | undefined) },
  });
  const proxy = createProxy(config, options);
  const records: RequestRecord[] = [];
  const waiters: Array<(r: RequestRecord) => void> = [];
  proxy.onRequest((r) => {
    records.push(r);
    waiters.shift()?.(r);
  });
  const listen = await proxy.start();
  return {
    proxy,
    listen,
    origin: `http://127.0.0.1:${listen.port}`,
    records,
    nextRecord: () => new Promise((ok) => waiters.push(ok)),
    close: () => proxy.stop({ drainMs: 100 }),
  };
}

/** The one OpenAI-compatible account most server tests put in front of an OpenAI mock. */
export function mockOpenAiAccount(mockUrl: string) {
  return {
    id: 'up',
    provider: 'openai-compatible' as const,
    baseUrl: `${mockUrl}/v1`,
    apiKey: 'sk-test-upstream',
    models: ['gpt-4.1-nano'],
  };
}

/**
 * The accounts the whole-proxy dialect tests route to, by the public ids they use: `oa-model`
 * (OpenAI-compatible), `claude-direct` (Anthropic), `claude-vertex` (Vertex Claude, plus any
 * `vertexExtra` models) and `gemini-studio` (Google AI Studio).
 */
export function mockDialectAccounts(m: {
  openai: string;
  anthropic: string;
  vertex: string;
  serviceAccount: string | Record<string, string>;
  google: string;
  vertexExtra?: Array<{ id: string; upstream: string }>;
}) {
  return {
    oa: {
      id: 'oa',
      provider: 'openai-compatible' as const,
      baseUrl: `${m.openai}/v1`,
      apiKey: 'sk-test-upstream',
      models: [{ id: 'oa-model', upstream: 'gpt-4.1-nano' }],
    },
    ant: {
      id: 'ant',
      provider: 'anthropic' as const,
      baseUrl: m.anthropic,
      apiKey: 'sk-ant-test-upstream',
      models: [{ id: 'claude-direct', upstream: 'claude-sonnet-4-5-20250929' }],
    },
    vx: {
      id: 'vx',
      provider: 'vertex' as const,
      baseUrl: m.vertex,
      region: 'us-east5',
      serviceAccount: m.serviceAccount,
      models: [{ id: 'claude-vertex', upstream: 'claude-sonnet-4-5@20250929' }, ...(m.vertexExtra ?? [])],
    },
    gs: {
      id: 'gs',
      provider: 'google-ai' as const,
      baseUrl: m.google,
      apiKey: 'AIza-test-upstream',
      models: [{ id: 'gemini-studio', upstream: 'gemini-3-pro-preview' }],
    },
  };
}

export interface RawResponse {
  status: number;
  reason: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): unknown;
}

/** A raw HTTP request with full control over headers (Host, Origin, Content-Type…). */
export function rawRequest(
  origin: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const u = new URL(origin);
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          ok({
            status: res.statusCode ?? 0,
            reason: res.statusMessage ?? '',
            headers: res.headers,
            body,
            json: () => JSON.parse(body),
          });
        });
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}
