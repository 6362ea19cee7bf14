// The UI contract: what the renderer, the Electron preload and the host service agree on. Pure
// (no node:*, no electron), so the renderer bundles it and both ends check every message with it.
export * from './entities.ts';
export * from './methods.ts';
export * from './events.ts';
export * from './wire.ts';
export * from './client.ts';
export * from './visible-text.ts';
// How to read an audit event's decision (event version 2, docs/audit.md): the UI counts and
// filters policy denials exactly as the host does.
export { isPolicyDenial, policyDecision } from '../audit-event/event.ts';
export * from './dev.ts';
