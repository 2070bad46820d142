/**
 * Entry point. Inside Electron the preload script has put the API on `window.keybridge`; in a
 * browser (dev host, headless `--ui`) the same contract is carried over a WebSocket to the host
 * that served the page, authenticated by the `token` in the page URL.
 */
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
// Only the zod-free parts of the contract: the first script stays small (see remote-client.ts).
import type { KeybridgeApi } from '../../app/contract/client.js';
import { createRemoteKeybridgeApi } from '../../app/contract/remote-client.js';
import { createWebSocketTransport, devHostSocketUrl } from '../../app/contract/ws-transport.js';
import { Root } from './Root.js';

declare global {
  interface Window {
    keybridge?: KeybridgeApi;
  }
}

type Listener = (connected: boolean) => void;

function pickApi(): { api: KeybridgeApi; onConnection: (l: Listener) => void } {
  if (window.keybridge) return { api: window.keybridge, onConnection: () => {} };
  let listener: Listener = () => {};
  // The browser's WebSocket, reporting when the link to the host comes and goes.
  class ObservedSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      this.addEventListener('open', () => listener(true));
      this.addEventListener('close', () => listener(false));
    }
  }
  const transport = createWebSocketTransport(devHostSocketUrl(window.location), {
    WebSocketImpl: ObservedSocket,
  });
  return {
    api: createRemoteKeybridgeApi(transport),
    onConnection: (l) => {
      listener = l;
    },
  };
}

const { api, onConnection } = pickApi();

function Main() {
  const [connected, setConnected] = useState(true);
  useEffect(() => onConnection(setConnected), []);
  return <Root api={api} connected={connected} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Main />
  </StrictMode>,
);
