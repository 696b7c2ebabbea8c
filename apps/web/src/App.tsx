import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { api, ApiError, setCsrf, type User } from './api/client.js';
import { SignIn } from './routes/SignIn.js';

const Dashboard = lazy(() => import('./routes/Dashboard.js'));
const Logs = lazy(() => import('./routes/Logs.js'));

type Session = { state: 'loading' } | { state: 'signed-out'; setupRequired: boolean } | { state: 'signed-in'; user: User };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
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
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      const state = await api<{ setupRequired: boolean }>('GET', '/api/auth/state');
      setSession({ state: 'signed-out', setupRequired: state.setupRequired });
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (session.state === 'loading') return <p className="loading" role="status">Loading…</p>;
  if (session.state === 'signed-out') return <SignIn setupRequired={session.setupRequired} onSignedIn={refresh} />;
  const signOut = async () => {
    await api('POST', '/api/auth/logout');
    setCsrf(null);
    await refresh();
  };
  return (
    <div className="shell">
      <header>
        <strong className="brand">Panoptes</strong>
        <nav aria-label="Main">
          <NavLink to="/">Dashboard</NavLink>
          <NavLink to="/logs">Logs</NavLink>
        </nav>
        <span className="spacer" />
        <label>
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
      <main>
        <Suspense fallback={<p role="status">Loading…</p>}>
          <Routes>
            <Route path="/" element={<Dashboard />} />
            <Route path="/logs" element={<Logs />} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}
