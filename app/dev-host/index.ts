/**
 * The dev host: the app's real services in plain Node, the contract carried over a WebSocket, and
 * the built renderer served over HTTP on loopback behind a random startup token (like Jupyter).
 * Used by `npm run dev:web` (beside Vite), `npm start` where Electron cannot run, and the headless
 * `keybridge serve --ui`.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import { createProxy, isLoopbackHostHeader, safeEqual } from '../../proxy-core/src/index.js';
import { EVENT_NAMES, METHOD_NAMES } from '../contract/methods.js';
import { clientMessageSchema, type ServerMessage, TOKEN_PARAM, WS_PATH } from '../contract/ws-protocol.js';
import { type AppServices, type AppServicesOptions, createAppServices } from '../services/app-services.js';
import type { CreateProxy } from '../services/proxy-controller.js';
import {
  decodedPath,
  isForeignFetch,
  isUiOrigin,
  presentedToken,
  TOKEN_COOKIE,
  uiOrigins,
} from './http-guard.js';

export interface DevHostOptions {
  /** HTTP port of the UI (0 = any free port). */
  port: number;
  dataDir: string;
  /** Startup token; random when absent. */
  token?: string;
  /** Built renderer (index.html + assets); defaults to renderer/dist when present. */
  rendererDir?: string;
  /** proxy-core's factory; defaults to proxy-core's createProxy. */
  createProxy?: CreateProxy;
  /** Start the proxy right away (default true). */
  startProxy?: boolean;
  /**
   * Origins besides the UI's own (http://127.0.0.1:PORT) whose pages may open the WebSocket —
   * Vite's dev server for `npm run dev:web`, which proxies /kb-ws here. Exact scheme, host, port.
   */
  uiOrigins?: string[];
  /** Passed to the services (tests: keytar, vaultService, port, fetch…). */
  services?: Partial<Omit<AppServicesOptions, 'dataDir' | 'createProxy' | 'mode'>>;
  log?: (line: string) => void;
}

export interface DevHost {
  /** URL to open, token included. */
  url: string;
  port: number;
  token: string;
  services: AppServices;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
};

export function readAppVersion(): string {
  try {
    const pkgPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json');
    const alt = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../package.json');
    const file = existsSync(pkgPath) ? pkgPath : alt;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** proxy-core's factory with the options the app uses. */
export const defaultCreateProxy: CreateProxy = (config, options) => createProxy(config, options);

function defaultRendererDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const rel of ['../../renderer/dist', '../../../renderer/dist']) {
    const dir = path.resolve(here, rel);
    if (existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

export async function startDevHost(opts: DevHostOptions): Promise<DevHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const log = opts.log ?? ((line: string) => console.log(line));
  // Looked up on every request when not given, so a build made while the host runs is served.
  const rendererDir = () => opts.rendererDir ?? defaultRendererDir();
  const services = await createAppServices({
    version: readAppVersion(),
    ...opts.services,
    dataDir: opts.dataDir,
    createProxy: opts.createProxy ?? defaultCreateProxy,
    mode: 'web',
  });

  // Filled in once the port is known (the server answers nothing before it listens).
  let allowedOrigins: ReadonlySet<string> = new Set();
  const server = createServer((req, res) => {
    handleHttp(req, res, { token, rendererDir: rendererDir(), allowedOrigins }).catch((err) => {
      services.appLog.error(`Dev host request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: number, why: string) => {
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const pathname = decodedPath(req.url);
    if (pathname === null) return refuse(400, 'Bad Request');
    if (pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (!isLoopbackHostHeader(req.headers.host)) return refuse(403, 'Forbidden host');
    if (!isUiOrigin(req.headers.origin, allowedOrigins)) return refuse(403, 'Forbidden origin');
    if (isForeignFetch(req.headers['sec-fetch-site'])) return refuse(403, 'Forbidden origin');
    const presented = presentedToken(req).token;
    if (!presented || !safeEqual(presented, token)) return refuse(401, 'Wrong or missing token');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const send = (msg: ServerMessage) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
    };
    send({ t: 'hello', methods: METHOD_NAMES, events: EVENT_NAMES });
    const unsubscribe = services.api.subscribe((event, payload) => send({ t: 'event', event, payload }));
    ws.on('message', async (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        return;
      }
      const msg = clientMessageSchema.safeParse(raw);
      if (!msg.success) return;
      const result = await services.api.call(msg.data.method, msg.data.input);
      send({ t: 'result', id: msg.data.id, result });
    });
    ws.on('close', unsubscribe);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: opts.port }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowedOrigins = uiOrigins(port, opts.uiOrigins);
  const url = `http://127.0.0.1:${port}/?${TOKEN_PARAM}=${token}`;

  if (opts.startProxy !== false) {
    const status = await services.controller.start();
    if (status.state === 'running')
      log(`Keybridge proxy: ${status.url}${status.portNote ? ` (${status.portNote})` : ''}`);
    else
      log(
        `Keybridge proxy did not start: ${status.error ?? 'unknown error'}${status.hint ? ` — ${status.hint}` : ''}`,
      );
  }
  services.appLog.info(`Dev host UI on http://127.0.0.1:${port}/`);

  return {
    url,
    port,
    token,
    services,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await services.shutdown(2000);
    },
  };
}

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

async function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: { token: string; rendererDir: string | undefined; allowedOrigins: ReadonlySet<string> },
): Promise<void> {
  if (!isLoopbackHostHeader(req.headers.host)) {
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Keybridge answers only on 127.0.0.1 / localhost.');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    res.end();
    return;
  }
  if (isForeignFetch(req.headers['sec-fetch-site']) || !isUiOrigin(req.headers.origin, ctx.allowedOrigins)) {
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Keybridge’s settings open only from the link printed where Keybridge was started.');
    return;
  }
  const pathname = decodedPath(req.url);
  if (pathname === null) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The address is not valid (a malformed %-escape).');
    return;
  }
  const { token, fromQuery } = presentedToken(req);
  if (!token || !safeEqual(token, ctx.token)) {
    res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
    res.end(
      '<!doctype html><meta charset="utf-8"><title>Keybridge</title><p>Open the full link printed where Keybridge was started — it contains the access token.</p>',
    );
    return;
  }
  const headers: Record<string, string> = { ...SECURITY_HEADERS };
  if (fromQuery) {
    headers['set-cookie'] =
      `${TOKEN_COOKIE}=${encodeURIComponent(ctx.token)}; HttpOnly; SameSite=Strict; Path=/`;
  }
  if (!ctx.rendererDir) {
    res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
    res.end(
      '<!doctype html><meta charset="utf-8"><title>Keybridge</title><h1>Keybridge is running</h1><p>The settings window has not been built yet (renderer/dist is missing). In the Keybridge folder run <code>npm run build</code>, then reload this page.</p>',
    );
    return;
  }
  const root = path.resolve(ctx.rendererDir);
  let file = path.resolve(root, `.${pathname}`);
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(404, headers);
    res.end();
    return;
  }
  if (!existsSync(file) || statSync(file).isDirectory()) {
    // Single-page app: unknown paths without an extension get index.html.
    if (path.extname(pathname)) {
      res.writeHead(404, headers);
      res.end();
      return;
    }
    file = path.join(root, 'index.html');
  }
  res.writeHead(200, { ...headers, 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
