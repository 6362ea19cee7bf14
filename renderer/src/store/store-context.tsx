// How components reach the store: one provider per app instance, and narrow selectors.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { CorralState, CorralStore } from './store.ts';

const StoreContext = createContext<CorralStore | null>(null);

/** Makes `store` the one every component below reads. */
export function StoreProvider({ store, children }: { store: CorralStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** The part of the state `selector` picks; the component re-renders only when it changes. */
export function useCorral<T>(selector: (state: CorralState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useCorral needs a StoreProvider above it');
  return useStore(store, selector);
}
