// Kizuki's console: one small React app, routed by the address bar, speaking the API with the session cookie.
import { type JSX, StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, setCsrf, type User } from './api';
import { type Lang, t } from './i18n';
import { IncidentPage, IncidentsPage } from './pages/incidents';
import { MessagePage, MessagesPage } from './pages/messages';
import { OverviewPage } from './pages/overview';
import { RulesPage } from './pages/rules';
import { AdminPage } from './pages/admin';
import { LoginPage, PasswordChange } from './pages/login';
import type { PageProps } from './ui';
import './style.css';


function usePath(): [string, (path: string) => void] {
  const [path, setPath] = useState(location.pathname + location.search);
  useEffect(() => {
    const onPop = () => setPath(location.pathname + location.search);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const go = useCallback((next: string) => {
    history.pushState(null, '', next);
    setPath(next);
    scrollTo(0, 0);
  }, []);
  return [path, go];
}

function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [path, go] = usePath();
  const [lang, setLang] = useState<Lang>(navigator.language.startsWith('ja') ? 'ja' : 'en');

  useEffect(() => {
    api<{ user?: User; csrfToken?: string }>('/api/session')
      .then((s) => {
        if (s.csrfToken) setCsrf(s.csrfToken);
        if (s.user) setLang(s.user.lang);
        setUser(s.user ?? null);
      })
      .catch(() => setUser(null));
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  if (user === undefined) return <p className="pad">{t(lang, 'loading')}</p>;
  if (user === null)
    return (
      <LoginPage
        lang={lang}
        setLang={setLang}
        onLogin={(u, csrf) => {
          setCsrf(csrf);
          setUser(u);
          setLang(u.lang);
        }}
      />
    );

  const switchLang = async () => {
    const next: Lang = lang === 'en' ? 'ja' : 'en';
    setLang(next);
    const saved = await api<{ user: User }>('/api/me/language', { method: 'PUT', body: { lang: next } });
    setUser(saved.user);
  };
  const logout = async () => {
    await api('/api/logout', { method: 'POST' }).catch(() => {});
    setUser(null);
    go('/');
  };
  const props: PageProps = { lang, user, go };
  const [, section = '', id] = path.split('?')[0]?.split('/') ?? [];
  let page: JSX.Element;
  if (section === 'messages' && id) page = <MessagePage {...props} sha256={id} />;
  else if (section === 'messages') page = <MessagesPage {...props} />;
  else if (section === 'incidents' && id) page = <IncidentPage {...props} id={decodeURIComponent(id)} />;
  else if (section === 'incidents') page = <IncidentsPage {...props} />;
  else if (section === 'rules') page = <RulesPage {...props} />;
  else if (section === 'admin' && user.role === 'admin') page = <AdminPage {...props} />;
  else page = <OverviewPage {...props} />;

  const link = (to: string, key: Parameters<typeof t>[1]) => (
    <a
      href={to}
      className={`/${section}` === to || (to === '/' && !section) ? 'active' : ''}
      onClick={(e) => {
        e.preventDefault();
        go(to);
      }}
    >
      {t(lang, key)}
    </a>
  );
  return (
    <>
      <header>
        <strong className="brand">Kizuki 気付き</strong>
        <nav>
          {link('/', 'overview')}
          {link('/messages', 'messages')}
          {link('/incidents', 'incidents')}
          {link('/rules', 'rules')}
          {user.role === 'admin' && link('/admin', 'users')}
        </nav>
        <span className="who">
          {user.username} ({user.role})
        </span>
        <button type="button" onClick={switchLang} data-testid="lang-switch">
          {t(lang, 'language')}
        </button>
        <button type="button" onClick={logout}>
          {t(lang, 'logout')}
        </button>
      </header>
      <main>
        {user.mustChangePassword && <PasswordChange lang={lang} onDone={() => setUser({ ...user, mustChangePassword: false })} />}
        {page}
      </main>
    </>
  );
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
