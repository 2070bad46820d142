/** The renderer ⇄ main contract. Import from here in the renderer, the preload and main. */
export * from './browser.js';
export * from './client.js';
export * from './limits-schemas.js';
export * from './log-schemas.js';
export * from './messages.js';
export * from './methods.js';
export * from './providers.js';
export * from './schemas.js';
export * from './ws-protocol.js';
export * from './ws-transport.js';
