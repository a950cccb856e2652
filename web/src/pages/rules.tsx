import { type FormEvent, useState } from 'react';
import { api, type Reason } from '../api';
import { t } from '../i18n';
import { ErrorLine, Loading, type PageProps, useLoad, VerdictBadge } from '../ui';

interface Rule {
  id: string;
  name: string;
  description: string;
  severity: string;
  score: number;
  enabled: boolean;
}

interface TestOutcome {
  ruleId: string;
  matched: boolean;
  reason?: Reason;
  verdict: { verdict: string; score: number; reasons: Reason[] };
  subject: string;
}

export function RulesPage({ lang, user }: PageProps) {
  const [version, setVersion] = useState(0);
  const { data, error } = useLoad<{ rules: Rule[] }>('/api/rules', version);
  const [ruleId, setRuleId] = useState('');
  const [message, setMessage] = useState('');
  const [outcome, setOutcome] = useState<TestOutcome>();
  const [failure, setFailure] = useState<unknown>();
  if (!data) return <Loading lang={lang} error={error} />;
  const toggle = async (rule: Rule) => {
    try {
      await api(`/api/rules/${encodeURIComponent(rule.id)}`, { method: 'PUT', body: { enabled: !rule.enabled } });
      setVersion((v) => v + 1);
    } catch (err) {
      setFailure(err);
    }
  };
  const test = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(undefined);
    try {
      setOutcome(await api<TestOutcome>(`/api/rules/${encodeURIComponent(ruleId || data.rules[0]?.id || '')}/test`, { method: 'POST', body: { message } }));
    } catch (err) {
      setFailure(err);
    }
  };
  return (
    <div>
      {user.role !== 'viewer' && (
        <form className="card" onSubmit={test}>
          <h2>{t(lang, 'testRule')}</h2>
          <select value={ruleId} onChange={(e) => setRuleId(e.target.value)} aria-label={t(lang, 'rules')}>
            {data.rules.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id}
              </option>
            ))}
          </select>
          <textarea rows={8} placeholder={t(lang, 'pasteMessage')} value={message} onChange={(e) => setMessage(e.target.value)} />
          <button type="submit">{t(lang, 'test')}</button>
          {outcome && (
            <div data-testid="rule-test-outcome">
              <p>
                <strong>{t(lang, outcome.matched ? 'matched' : 'notMatched')}</strong>
                {outcome.reason && `: ${lang === 'ja' ? outcome.reason.ja : outcome.reason.en}`}
              </p>
              <p>
                {t(lang, 'wholeVerdict')}: <VerdictBadge lang={lang} verdict={outcome.verdict.verdict} /> {outcome.verdict.score}
              </p>
            </div>
          )}
        </form>
      )}
      <ErrorLine error={failure} />
      <section className="card">
        <h2>
          {t(lang, 'rules')} ({data.rules.length})
        </h2>
        <table>
          <tbody>
            {data.rules.map((r) => (
              <tr key={r.id} className={r.enabled ? '' : 'off'}>
                <td>
                  {user.role === 'admin' ? (
                    <button type="button" onClick={() => toggle(r)} aria-label={`${r.id} ${r.enabled ? 'off' : 'on'}`}>
                      {t(lang, r.enabled ? 'enabled' : 'disabled')}
                    </button>
                  ) : (
                    t(lang, r.enabled ? 'enabled' : 'disabled')
                  )}
                </td>
                <td>
                  <strong>{r.name}</strong>
                  <br />
                  <small>{r.id}</small>
                </td>
                <td>{r.severity}</td>
                <td>{r.score}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
