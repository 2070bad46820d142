/**
 * The browser side of the dev host: a contract Transport over a WebSocket, so the renderer can
 * run outside Electron with `window.keybridge = createKeybridgeApi(createWebSocketTransport(url))`.
 * Calls made while (re)connecting wait for the socket; calls lost to a dropped socket answer a
 * `disconnected` error. Reconnects with a growing delay. No Node imports.
 */
import type { Transport } from './client.js';
import type { EventName, MethodName, Result } from './methods.js';
import { TOKEN_PARAM, WS_PATH } from './ws-paths.js';

interface MinimalSocket {
  readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(
    type: 'open' | 'close' | 'message' | 'error',
    listener: (ev: { data?: unknown }) => void,
  ): void;
}

export interface WebSocketTransportOptions {
  /** WebSocket constructor (the browser's by default). */
  WebSocketImpl?: new (
    url: string,
  ) => MinimalSocket;
  /** Longest wait between reconnect attempts. */
  maxRetryMs?: number;
}

export interface WebSocketTransport extends Transport {
  close(): void;
  /** Resolves once connected (first time). */
  ready: Promise<void>;
  /** The methods and events the host announced in its `hello` (empty until it arrives). */
  announced(): { methods: readonly string[]; events: readonly string[] };
}

/** The dev host's WebSocket URL for a page it served: same origin, token from the page URL. */
export function devHostSocketUrl(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get(TOKEN_PARAM);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WS_PATH}${token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : ''}`;
}

export function createWebSocketTransport(
  url: string,
  opts: WebSocketTransportOptions = {},
): WebSocketTransport {
  const Impl =
    opts.WebSocketImpl ??
    (globalThis as unknown as { WebSocket: new (url: string) => MinimalSocket }).WebSocket;
  const maxRetryMs = opts.maxRetryMs ?? 5000;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const queue: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: MinimalSocket | null = null;
  let closed = false;
  let retryMs = 250;
  let announced: { methods: readonly string[]; events: readonly string[] } = { methods: [], events: [] };
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const connect = () => {
    const ws = new Impl(url);
    socket = ws;
    ws.addEventListener('open', () => {
      retryMs = 250;
      markReady();
      while (queue.length > 0) ws.send(queue.shift()!);
    });
    ws.addEventListener('message', (ev) => {
      let msg: {
        t?: string;
        id?: number;
        result?: Result<unknown>;
        event?: string;
        payload?: unknown;
        methods?: unknown;
        events?: unknown;
      };
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (msg.t === 'result' && typeof msg.id === 'number') {
        const done = pending.get(msg.id);
        pending.delete(msg.id);
        done?.(msg.result as Result<unknown>);
      } else if (msg.t === 'event' && typeof msg.event === 'string') {
        for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
      } else if (msg.t === 'hello' && Array.isArray(msg.methods) && Array.isArray(msg.events)) {
        announced = { methods: msg.methods.map(String), events: msg.events.map(String) };
      }
    });
    ws.addEventListener('close', () => {
      socket = null;
      for (const [id, done] of pending) {
        pending.delete(id);
        done({
          ok: false,
          error: {
            code: 'disconnected',
            message: 'Lost the connection to Keybridge.',
            hint: 'Check that Keybridge is still running; the page reconnects by itself.',
          },
        });
      }
      if (!closed) {
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, maxRetryMs);
      }
    });
  };
  connect();

  return {
    ready,
    announced: () => announced,
    invoke(method: MethodName, input: unknown) {
      const id = nextId++;
      const frame = JSON.stringify({ t: 'call', id, method, input });
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, resolve);
        if (socket && socket.readyState === 1) socket.send(frame);
        else queue.push(frame);
      });
    },
    subscribe(event: EventName, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    close() {
      closed = true;
      socket?.close();
    },
  };
}
