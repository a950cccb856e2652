import { type FormEvent, useState } from 'react';
import { api, type User } from '../api';
import { type Lang, t } from '../i18n';
import { ErrorLine } from '../ui';

export function LoginPage({ lang, setLang, onLogin }: { lang: Lang; setLang: (l: Lang) => void; onLogin: (u: User, csrf: string) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api<{ user: User; csrfToken: string }>('/api/login', { method: 'POST', body: { username, password } });
      onLogin(r.user, r.csrfToken);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="login" onSubmit={submit}>
      <h1>Kizuki 気付き</h1>
      <label>
        {t(lang, 'username')}
        <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        {t(lang, 'password')}
        <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <button type="submit">{t(lang, 'login')}</button>
      <ErrorLine error={error} />
      <button type="button" className="link" onClick={() => setLang(lang === 'en' ? 'ja' : 'en')}>
        {t(lang, 'language')}
      </button>
    </form>
  );
}

export function PasswordChange({ lang, onDone }: { lang: Lang; onDone: () => void }) {
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api('/api/me/password', { method: 'PUT', body: { current, password } });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="card notice" onSubmit={submit}>
      <h2>{t(lang, 'changePassword')}</h2>
      <label>
        {t(lang, 'current')}
        <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <label>
        {t(lang, 'newPassword')}
        <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <button type="submit">{t(lang, 'save')}</button>
      <ErrorLine error={error} />
    </form>
  );
}
