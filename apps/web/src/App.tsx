import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { api, ApiError, setCsrf, type User } from './api/client.js';
import { SignIn } from './routes/SignIn.js';
import { ProjectSwitcher } from './components/ProjectSwitcher.js';
import { UserContext } from './components/session.js';

const Dashboard = lazy(() => import('./routes/Dashboard.js'));
const Logs = lazy(() => import('./routes/Logs.js'));
const Proxy = lazy(() => import('./routes/Proxy.js'));
const Notifications = lazy(() => import('./routes/Notifications.js'));
const Backups = lazy(() => import('./routes/Backups.js'));
const Settings = lazy(() => import('./routes/Settings.js'));
const Users = lazy(() => import('./routes/Users.js'));
const Projects = lazy(() => import('./routes/Projects.js'));
const Tokens = lazy(() => import('./routes/Tokens.js'));
const Audit = lazy(() => import('./routes/Audit.js'));
const Account = lazy(() => import('./routes/Account.js'));

type Session = { state: 'loading' } | { state: 'unreachable'; message: string } | { state: 'signed-out'; setupRequired: boolean } | { state: 'signed-in'; user: User };

/** The pages of the panel; `admin` ones are only linked for admins (the api refuses the rest anyway). */
const PAGES = [
  { path: '/', label: 'Dashboard', element: <Dashboard /> },
  { path: '/logs', label: 'Logs', element: <Logs /> },
  { path: '/proxy', label: 'Proxy', element: <Proxy /> },
  { path: '/notifications', label: 'Notifications', element: <Notifications /> },
  { path: '/backups', label: 'Backups', element: <Backups />, admin: true },
  { path: '/settings', label: 'Settings', element: <Settings /> },
  { path: '/users', label: 'Users', element: <Users />, admin: true },
  { path: '/projects', label: 'Projects', element: <Projects /> },
  { path: '/tokens', label: 'API tokens', element: <Tokens /> },
  { path: '/audit', label: 'Audit log', element: <Audit /> },
  { path: '/account', label: 'Account', element: <Account /> },
];

export function App() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const [projectKey, setProjectKey] = useState(0);
  const switchProject = useCallback(() => setProjectKey((k) => k + 1), []);
  const [theme, setTheme] = useState(() => localStorage.getItem('panoptes.theme') ?? 'auto');
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('panoptes.theme', theme);
  }, [theme]);

  const refresh = useCallback(async () => {
    try {
      const me = await api<{ user: User; csrf: string }>('GET', '/api/auth/me');
      setCsrf(me.csrf);
      setSession({ state: 'signed-in', user: me.user });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status !== 401) {
        setSession({ state: 'unreachable', message: error.message });
        return;
      }
      const state = await api<{ setupRequired: boolean }>('GET', '/api/auth/state');
      setSession({ state: 'signed-out', setupRequired: state.setupRequired });
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (session.state === 'loading') return <p className="loading" role="status">Loading…</p>;
  if (session.state === 'unreachable')
    return (
      <div className="card signin" role="alert">
        <p className="error">{session.message}</p>
        <button type="button" onClick={() => void refresh()}>
          Retry
        </button>
      </div>
    );
  if (session.state === 'signed-out') return <SignIn setupRequired={session.setupRequired} onSignedIn={refresh} />;
  const signOut = async () => {
    await api('POST', '/api/auth/logout');
    setCsrf(null);
    await refresh();
  };
  const pages = PAGES.filter((p) => !p.admin || session.user.role === 'admin');
  return (
    <UserContext.Provider value={session.user}>
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header>
        <strong className="brand">Panoptes</strong>
        <nav aria-label="Main">
          {pages.map((p) => (
            <NavLink key={p.path} to={p.path} end={p.path === '/'}>
              {p.label}
            </NavLink>
          ))}
        </nav>
        <span className="spacer" />
        <ProjectSwitcher key={projectKey} onSwitch={switchProject} />
        <label className="inline">
          Theme{' '}
          <select value={theme} onChange={(e) => setTheme(e.target.value)}>
            <option value="auto">auto</option>
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
        </label>
        <span className="who">{session.user.username}</span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main">
        <Suspense fallback={<p role="status">Loading…</p>}>
          <Routes key={projectKey}>
            {pages.map((p) => (
              <Route key={p.path} path={p.path} element={p.element} />
            ))}
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </Suspense>
      </main>
    </div>
    </UserContext.Provider>
  );
}
