// The host service, as the shells (corral serve, Electron main) take it.
export { createHostService } from './host.ts';
export type { HostOptions } from './host-state.ts';
export type { EventSink, HostService, UiSession } from './host-service.ts';
export { createServices, type Services } from './services.ts';
