// The full services root, every part available: what the UIs (corral serve, Electron main) and
// the tests build. The CLI builds each command's root from service-root.ts directly, with the
// state-backed parts only for the commands that use them.
import { createServiceRoot, type Services, type ServicesOptions } from './service-root.ts';
import { stateParts } from './state-parts.ts';

export {
  HELPER_MISSING,
  ServiceError,
  type Services,
  type ServicesOptions,
  type StateParts,
} from './service-root.ts';

/** Builds the services root with every part; nothing is opened until it is asked for. */
export function createServices(o: ServicesOptions): Services {
  return createServiceRoot(o, stateParts);
}
