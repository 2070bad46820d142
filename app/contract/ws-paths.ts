/** Where the dev host's WebSocket lives and how the page presents its token (no zod: the window's first script imports this). */
export const WS_PATH = '/kb-ws';
export const TOKEN_PARAM = 'token';
