import { type FormEvent, useState } from 'react';
import { api, type User } from '../api';
import { t, when } from '../i18n';
import { ErrorLine, Loading, type PageProps, useLoad } from '../ui';

interface Token {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export function AdminPage({ lang }: PageProps) {
  const [version, setVersion] = useState(0);
  const users = useLoad<{ users: User[] }>('/api/users', version);
  const tokens = useLoad<{ tokens: Token[] }>('/api/tokens', version);
  const audit = useLoad<{ entries: Array<{ id: string; time: string; actor: string; action: string; target: string }> }>('/api/audit?limit=50', version);
  const [name, setName] = useState('');
  const [role, setRole] = useState('viewer');
  const [shown, setShown] = useState('');
  const [error, setError] = useState<unknown>();
  const run = async (work: () => Promise<void>) => {
    setError(undefined);
    try {
      await work();
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    }
  };
  const addUser = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await api<{ oneTimePassword: string }>('/api/users', { method: 'POST', body: { username: name, role, lang } });
      setShown(`${t(lang, 'oneTime')}: ${r.oneTimePassword}`);
    });
  };
  const addToken = () =>
    run(async () => {
      const r = await api<{ secret: string }>('/api/tokens', { method: 'POST', body: { name, role } });
      setShown(`${t(lang, 'secretOnce')}: ${r.secret}`);
    });
  if (!users.data || !tokens.data) return <Loading lang={lang} error={users.error ?? tokens.error} />;
  return (
    <div>
      <form className="card row" onSubmit={addUser}>
        <input placeholder={`${t(lang, 'username')} / ${t(lang, 'tokenName')}`} value={name} onChange={(e) => setName(e.target.value)} />
        <select value={role} onChange={(e) => setRole(e.target.value)} aria-label={t(lang, 'role')}>
          <option value="viewer">viewer</option>
          <option value="analyst">analyst</option>
          <option value="admin">admin</option>
        </select>
        <button type="submit">{t(lang, 'addUser')}</button>
        <button type="button" onClick={addToken}>
          {t(lang, 'addToken')}
        </button>
      </form>
      {shown && <p className="card notice mono">{shown}</p>}
      <ErrorLine error={error} />
      <section className="card">
        <h2>{t(lang, 'users')}</h2>
        <table>
          <tbody>
            {users.data.users.map((u) => (
              <tr key={u.id} className={u.disabled ? 'off' : ''}>
                <td>{u.username}</td>
                <td>
                  <select value={u.role} onChange={(e) => run(async () => void (await api(`/api/users/${u.id}`, { method: 'PATCH', body: { role: e.target.value } })))} aria-label={t(lang, 'role')}>
                    <option value="viewer">viewer</option>
                    <option value="analyst">analyst</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td>
                  <button type="button" onClick={() => run(async () => void (await api(`/api/users/${u.id}`, { method: 'PATCH', body: { disabled: !u.disabled } })))}>
                    {t(lang, u.disabled ? 'enable' : 'disable')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>{t(lang, 'tokens')}</h2>
        <table>
          <tbody>
            {tokens.data.tokens.map((k) => (
              <tr key={k.id} className={k.revokedAt ? 'off' : ''}>
                <td>{k.name}</td>
                <td>{k.role}</td>
                <td>{when(lang, k.lastUsedAt)}</td>
                <td>
                  {!k.revokedAt && (
                    <button type="button" onClick={() => run(async () => void (await api(`/api/tokens/${k.id}`, { method: 'DELETE' })))}>
                      {t(lang, 'revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2>{t(lang, 'audit')}</h2>
        <table>
          <tbody>
            {(audit.data?.entries ?? []).map((a) => (
              <tr key={a.id}>
                <td className="nowrap">{when(lang, a.time)}</td>
                <td>{a.actor}</td>
                <td>{a.action}</td>
                <td>{a.target}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
