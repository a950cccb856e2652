import { type FormEvent, useEffect, useState } from 'react';
import { api, type Message } from '../api';
import { foundInLabel, t, when } from '../i18n';
import { ErrorLine, Link, Loading, type PageProps, useLoad, VerdictBadge } from '../ui';

interface Page {
  messages: Message[];
  next?: string;
}

export function MessagesPage({ lang, go }: PageProps) {
  const [q, setQ] = useState('');
  const [verdict, setVerdict] = useState('');
  const [rows, setRows] = useState<Message[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const load = async (cursor?: string) => {
    const params = new URLSearchParams({ limit: '50' });
    if (q.trim()) params.set('q', q.trim());
    if (verdict) params.set('verdict', verdict);
    if (cursor) params.set('cursor', cursor);
    try {
      const page = await api<Page>(`/api/messages?${params}`);
      setRows((old) => (cursor ? [...old, ...page.messages] : page.messages));
      setNext(page.next);
    } catch (err) {
      setError(err);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the verdict filter changes
  useEffect(() => {
    void load();
  }, [verdict]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void load();
  };
  return (
    <section className="card">
      <form className="row" onSubmit={submit}>
        <input type="search" name="q" placeholder={t(lang, 'search')} value={q} onChange={(e) => setQ(e.target.value)} />
        <select value={verdict} onChange={(e) => setVerdict(e.target.value)} aria-label={t(lang, 'verdict')}>
          <option value="">{t(lang, 'allVerdicts')}</option>
          {(['malicious', 'suspicious', 'spam', 'clean'] as const).map((v) => (
            <option key={v} value={v}>
              {t(lang, v)}
            </option>
          ))}
        </select>
        <button type="submit">🔍</button>
      </form>
      <ErrorLine error={error} />
      <table>
        <thead>
          <tr>
            <th>{t(lang, 'verdict')}</th>
            <th>{t(lang, 'subject')}</th>
            <th>{t(lang, 'from')}</th>
            <th>{t(lang, 'judged')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={`${m.messageId}-${m.sha256}`}>
              <td>
                <VerdictBadge lang={lang} verdict={m.verdict} /> {m.score}
              </td>
              <td>
                <Link to={`/messages/${m.sha256}`} go={go}>
                  {m.subject || '(no subject)'}
                </Link>
              </td>
              <td>{m.fromAddress}</td>
              <td>{when(lang, m.date ?? m.judgedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next && (
        <button type="button" onClick={() => load(next)}>
          {t(lang, 'more')}
        </button>
      )}
    </section>
  );
}

interface LinkRow {
  url: string;
  host: string;
  foundIn: string;
  text?: string;
  attachment?: string;
  textMismatch?: boolean;
}

export function MessagePage({ lang, sha256 }: PageProps & { sha256: string }) {
  const { data: m, error } = useLoad<Message & { rawKept: boolean }>(`/api/messages/${sha256}`);
  if (!m) return <Loading lang={lang} error={error} />;
  const s = m.summary as {
    linkList?: LinkRow[];
    attachmentList?: Array<{ filename: string; detectedType: string; size: number; sha256: string; extensionMismatch: boolean }>;
    headers?: Array<{ key: string; value: string }>;
    auth?: Record<string, string>;
    authDetail?: { source: string; spf: { result: string; domain?: string }; dkim: Array<{ result: string; domain?: string; aligned: boolean }>; dmarc: { result: string; policy?: string; domain?: string } };
  };
  return (
    <article className="card">
      <h1>{m.subject || '(no subject)'}</h1>
      <p>
        <VerdictBadge lang={lang} verdict={m.verdict} /> {t(lang, 'score')} {m.score} · {m.fromAddress} · {when(lang, m.date ?? m.judgedAt)}
      </p>
      <h2>{t(lang, 'reasons')}</h2>
      {m.reasons.length === 0 && <p>{t(lang, 'noReasons')}</p>}
      <ul className="reasons" data-testid="reasons">
        {m.reasons.map((r) => (
          <li key={r.ruleId} className={`sev-${r.severity}`}>
            <strong>+{r.score}</strong> {lang === 'ja' ? r.ja : r.en} <small>({r.ruleId})</small>
          </li>
        ))}
      </ul>
      <h2>{t(lang, 'links')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t(lang, 'foundIn')}</th>
            <th>URL</th>
          </tr>
        </thead>
        <tbody>
          {(s.linkList ?? []).map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the same URL may be found twice
            <tr key={i}>
              <td>
                <span className={`badge f-${l.foundIn}`}>{foundInLabel[l.foundIn]?.[lang === 'ja' ? 1 : 0] ?? l.foundIn}</span>
                {l.attachment && <small> {l.attachment}</small>}
              </td>
              <td className="url">
                {l.url}
                {l.text && <small> “{l.text}”</small>}
                {l.textMismatch && <strong className="warn"> ≠</strong>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t(lang, 'attachments')}</h2>
      <ul className="plain">
        {(s.attachmentList ?? []).map((a) => (
          <li key={a.sha256 + a.filename}>
            {a.filename || '(unnamed)'} — {a.detectedType}, {a.size} B{a.extensionMismatch && <strong className="warn"> ⚠</strong>} <small className="mono">{a.sha256.slice(0, 16)}…</small>
          </li>
        ))}
      </ul>
      <h2>{t(lang, 'authentication')}</h2>
      {s.authDetail ? (
        <p>
          SPF {s.authDetail.spf.result}
          {s.authDetail.spf.domain ? ` (${s.authDetail.spf.domain})` : ''} · DKIM {s.authDetail.dkim.map((d) => `${d.result}${d.domain ? ` (${d.domain}${d.aligned ? ', aligned' : ''})` : ''}`).join(', ') || 'none'} · DMARC {s.authDetail.dmarc.result}
          {s.authDetail.dmarc.policy ? ` p=${s.authDetail.dmarc.policy}` : ''} <small>[{s.authDetail.source}]</small>
        </p>
      ) : (
        <p>{s.auth ? Object.entries(s.auth).map(([k, v]) => `${k} ${v}`).join(' · ') : t(lang, 'none')}</p>
      )}
      <h2>{t(lang, 'headers')}</h2>
      <dl className="headers">
        {(s.headers ?? []).map((h, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: headers repeat
          <div key={i}>
            <dt>{h.key}</dt>
            <dd>{h.value}</dd>
          </div>
        ))}
      </dl>
      <p>
        <small className="mono">sha256 {m.sha256}</small> · {t(lang, 'rawKept')}: {m.rawKept ? '✓' : '—'}
      </p>
    </article>
  );
}
