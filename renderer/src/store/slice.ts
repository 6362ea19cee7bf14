// What every slice of the store is built from: the store's own get and set, and the typed client
// that is its only way to the host.
import type { StoreApi } from 'zustand/vanilla';
import type { ContractResult, CorralClient } from '../../../app/contract/index.ts';
import type { CorralState } from './store.ts';

export interface SliceDeps {
  set: StoreApi<CorralState>['setState'];
  get: () => CorralState;
  client: CorralClient;
}

/** Builds one slice: its state and the actions that change it. */
export type SliceFactory<T> = (deps: SliceDeps) => T;

/** What an action reports to the place the user acted: null when it worked, else one sentence. */
export type ActionError = string | null;

/** The host's sentence for a failed result, or null. */
export function errorOf(result: ContractResult<unknown>): ActionError {
  return result.ok ? null : result.error.message;
}
