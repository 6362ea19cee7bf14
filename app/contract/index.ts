// The UI contract: what the renderer, the Electron preload and the host service agree on. Pure
// (no node:*, no electron), so the renderer bundles it and both ends check every message with it.
export * from './entities.ts';
export * from './methods.ts';
export * from './events.ts';
export * from './wire.ts';
export * from './client.ts';
export * from './visible-text.ts';
