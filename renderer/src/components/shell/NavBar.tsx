// The views, as links named exactly as outside tests look for them.
import { routeHref, type Route } from '../../routing.ts';

const VIEWS: { view: Route['view']; label: string; icon: string }[] = [
  { view: 'extensions', label: 'Extensions', icon: 'icon-extensions' },
  { view: 'access-log', label: 'Access log', icon: 'icon-log' },
  { view: 'dashboard', label: 'Dashboard', icon: 'icon-dashboard' },
  { view: 'settings', label: 'Settings', icon: 'icon-settings' },
  { view: 'debug', label: 'Debug', icon: 'icon-debug' },
];

export function NavBar({ current }: { current: Route['view'] }) {
  return (
    <nav className="nav" aria-label="Views">
      <ul>
        {VIEWS.map(({ view, label, icon }) => (
          <li key={view}>
            <a
              href={routeHref(view === 'extensions' ? { view, id: null } : { view })}
              aria-current={view === current ? 'page' : undefined}
            >
              <span className={`nav-icon ${icon}`} aria-hidden="true" />
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
