// Which view is shown, kept in the address's hash (#/access-log), so that the same files work
// from app://corral/ and from http://127.0.0.1:PORT/, and Back and Forward behave.
import { useSyncExternalStore } from 'react';

export type Route =
  | { view: 'extensions'; id: string | null }
  | { view: 'access-log' }
  | { view: 'dashboard' }
  | { view: 'debug' }
  | { view: 'settings' };

/** The route a hash names; anything else is the Extensions view. */
export function parseRoute(hash: string): Route {
  const [view, ...rest] = hash.replace(/^#\/?/, '').split('/');
  switch (view) {
    case 'access-log':
      return { view: 'access-log' };
    case 'dashboard':
      return { view: 'dashboard' };
    case 'settings':
      return { view: 'settings' };
    case 'debug':
      return { view: 'debug' };
    default: {
      const id = rest.length ? decodeURIComponent(rest.join('/')) : null;
      return { view: 'extensions', id: view === 'extensions' ? id : null };
    }
  }
}

/** The hash for a route. */
export function routeHref(route: Route): string {
  if (route.view === 'extensions')
    return route.id ? `#/extensions/${encodeURIComponent(route.id)}` : '#/extensions';
  return `#/${route.view}`;
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

/** The current route; re-renders when the hash changes. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
