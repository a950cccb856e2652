import { useEffect, useState } from 'react';
import { api, type Incident, type TimelineEntry } from '../api';
import { t, when } from '../i18n';
import { ErrorLine, Link, Loading, type PageProps, useLoad } from '../ui';

export function IncidentsPage({ lang, go }: PageProps) {
  const { data, error } = useLoad<{ incidents: Incident[] }>('/api/incidents');
  if (!data) return <Loading lang={lang} error={error} />;
  return (
    <section className="card">
      <h1>{t(lang, 'incidents')}</h1>
      <table>
        <tbody>
          {data.incidents.map((i) => (
            <tr key={i.id}>
              <td>
                <span className={`badge s-${i.severity}`}>{i.severity}</span>
              </td>
              <td>
                <Link to={`/incidents/${encodeURIComponent(i.id)}`} go={go}>
                  {lang === 'ja' && i.titleJa ? i.titleJa : i.title}
                </Link>
              </td>
              <td>{i.phase}</td>
              <td>{when(lang, i.openedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The timeline drawn on a time axis; the slider narrows the window around its middle, dragging the range moves it. */
function TimelineChart({ entries, lang }: { entries: TimelineEntry[]; lang: 'en' | 'ja' }) {
  const times = entries.map((e) => Date.parse(e.time));
  const start = Math.min(...times);
  const end = Math.max(...times, start + 60_000);
  const [zoom, setZoom] = useState(1);
  const [centre, setCentre] = useState(0.5);
  const span = (end - start) / zoom;
  const from = Math.min(Math.max(start, start + centre * (end - start) - span / 2), end - span);
  const w = 900;
  const x = (ms: number) => 20 + ((ms - from) / span) * (w - 40);
  const lanes = [...new Set(entries.map((e) => e.kind.split(':')[0] === 'signal' ? e.kind.split('.')[1] ?? 'signal' : e.kind.split('.')[0] ?? 'other'))];
  const laneOf = (e: TimelineEntry) => lanes.indexOf(e.kind.split(':')[0] === 'signal' ? e.kind.split('.')[1] ?? 'signal' : e.kind.split('.')[0] ?? 'other');
  const h = 30 + lanes.length * 22;
  return (
    <div className="timeline-chart">
      <label>
        {t(lang, 'zoom')} ×{zoom}
        <input type="range" min={1} max={64} step={1} value={zoom} onChange={(e) => setZoom(Number(e.target.value))} aria-label="zoom" />
      </label>
      <input type="range" min={0} max={1} step={0.001} value={centre} onChange={(e) => setCentre(Number(e.target.value))} aria-label="pan" />
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label="timeline">
        {lanes.map((lane, i) => (
          <text key={lane} x={2} y={24 + i * 22} className="lane">
            {lane}
          </text>
        ))}
        {entries.map((e, i) => {
          const px = x(Date.parse(e.time));
          if (px < 10 || px > w - 10) return null;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: entries may share a time and kind
            <circle key={i} cx={px} cy={20 + laneOf(e) * 22} r={e.kind === 'incident.opened' ? 7 : 4} className={`dot k-${e.kind.replace(/[^a-z]/g, '-')}`}>
              <title>{`${when(lang, e.time)} — ${lang === 'ja' ? e.ja : e.en}`}</title>
            </circle>
          );
        })}
        <text x={20} y={h - 2} className="tick">
          {when(lang, new Date(from).toISOString())}
        </text>
        <text x={w - 20} y={h - 2} className="tick" textAnchor="end">
          {when(lang, new Date(from + span).toISOString())}
        </text>
      </svg>
    </div>
  );
}

interface View {
  incident: Incident;
  signals: Array<{ id: string; detector: string; time: string; severity: string; en: string; ja: string }>;
  recipients: string[];
  indicators: Array<{ kind: string; value: string; seen: number }>;
  evidence: Array<{ id: string; kind: string; time: string; account: string; subject?: string; sha256?: string }>;
  tasks: Array<{ id?: string; title?: string; state?: string }>;
}

export function IncidentPage({ lang, id, go, user }: PageProps & { id: string }) {
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>();
  const { data, error: loadError } = useLoad<View>(`/api/incidents/${encodeURIComponent(id)}`, version);
  if (!data) return <Loading lang={lang} error={loadError} />;
  const { incident } = data;
  const ttd = Math.round((Date.parse(incident.openedAt) - Date.parse(incident.firstEvidenceAt)) / 60_000);
  const setPhase = async (phase: string) => {
    try {
      await api(`/api/incidents/${encodeURIComponent(id)}/phase`, { method: 'PUT', body: { phase } });
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <article>
      <section className="card">
        <h1 data-testid="incident-title">{lang === 'ja' && incident.titleJa ? incident.titleJa : incident.title}</h1>
        <p>
          <span className={`badge s-${incident.severity}`}>{incident.severity}</span> {t(lang, 'phase')}: <strong>{incident.phase}</strong> · {t(lang, 'opened')}{' '}
          {when(lang, incident.openedAt)} · {t(lang, 'timeToDetect')}: {Math.floor(ttd / 60)} h {ttd % 60} min
        </p>
        {user.role !== 'viewer' && (
          <p className="row">
            {t(lang, 'setPhase')}:
            {['contained', 'eradicated', 'recovered', 'closed'].map((p) => (
              <button type="button" key={p} disabled={p === incident.phase} onClick={() => setPhase(p)}>
                {p}
              </button>
            ))}
          </p>
        )}
        <ErrorLine error={error} />
      </section>
      <section className="card">
        <h2>{t(lang, 'timeline')}</h2>
        <TimelineChart entries={incident.timeline} lang={lang} />
        <table className="timeline">
          <tbody>
            {incident.timeline.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: entries may share a time and kind
              <tr key={i}>
                <td className="nowrap">{when(lang, e.time)}</td>
                <td>
                  {lang === 'ja' ? e.ja : e.en}
                  {e.repeats ? <small> (+{e.repeats})</small> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div className="grid">
        <section className="card">
          <h2>{t(lang, 'accounts')}</h2>
          <ul className="plain">
            {incident.accounts.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
          <h2>
            {t(lang, 'recipients')} ({data.recipients.length})
          </h2>
          <ul className="plain scroll">
            {data.recipients.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </section>
        <section className="card">
          <h2>{t(lang, 'indicators')}</h2>
          <table>
            <thead>
              <tr>
                <th>{t(lang, 'kind')}</th>
                <th>{t(lang, 'value')}</th>
                <th>{t(lang, 'seen')}</th>
              </tr>
            </thead>
            <tbody>
              {data.indicators.map((x) => (
                <tr key={x.kind + x.value}>
                  <td>{x.kind}</td>
                  <td className="url">{x.value}</td>
                  <td>{x.seen}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <Response lang={lang} id={id} canDecide={user.role !== 'viewer'} />
        <RecordPart lang={lang} id={id} />
        <Letters lang={lang} id={id} />
        <section className="card wide">
          <h2>
            {t(lang, 'evidence')} ({data.evidence.length})
          </h2>
          <table>
            <tbody>
              {data.evidence.slice(0, 200).map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">{when(lang, e.time)}</td>
                  <td>{e.kind}</td>
                  <td>{e.account}</td>
                  <td>
                    {e.sha256 ? (
                      <Link to={`/messages/${e.sha256}`} go={go}>
                        {e.subject ?? e.sha256.slice(0, 12)}
                      </Link>
                    ) : (
                      (e.subject ?? '')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </article>
  );
}

interface Step {
  id: string;
  step: string;
  kind: string;
  target?: string;
  state: string;
  decidedBy?: string;
}

function Response({ lang, id, canDecide }: { lang: 'en' | 'ja'; id: string; canDecide: boolean }) {
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>();
  const { data } = useLoad<{ runs: Array<{ id: string; playbook: string; state: string; steps: Step[] }>; actions: Array<{ id: string; en: string; ja: string; status: string }> }>(
    `/api/incidents/${encodeURIComponent(id)}/response`,
    version,
  );
  const decide = async (step: Step, decision: 'approve' | 'deny') => {
    setError(undefined);
    try {
      await api(`/api/steps/${encodeURIComponent(step.id)}/decision`, { method: 'POST', body: { decision } });
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    }
  };
  if (!data) return null;
  return (
    <section className="card wide" data-testid="playbook">
      <h2>{t(lang, 'playbook')}</h2>
      <ErrorLine error={error} />
      {data.runs.length === 0 && <p>{t(lang, 'none')}</p>}
      {data.runs.map((run) => (
        <div key={run.id}>
          <p>
            <strong>{run.playbook}</strong> — {run.state}
          </p>
          <table>
            <tbody>
              {run.steps.map((step) => (
                <tr key={step.id} data-step={step.step} data-state={step.state}>
                  <td>{step.step}</td>
                  <td>{step.target ?? ''}</td>
                  <td className={`state-${step.state}`}>{step.state}</td>
                  <td>
                    {step.state === 'awaiting-approval' && canDecide ? (
                      <span className="row">
                        <button type="button" onClick={() => decide(step, 'approve')}>
                          {t(lang, 'approve')}
                        </button>
                        <button type="button" onClick={() => decide(step, 'deny')}>
                          {t(lang, 'deny')}
                        </button>
                      </span>
                    ) : (
                      <small>{step.decidedBy ?? ''}</small>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <h3>{t(lang, 'actions')}</h3>
      <ul className="plain scroll">
        {data.actions.map((a) => (
          <li key={a.id}>
            [{a.status}] {lang === 'ja' ? a.ja : a.en}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RecordPart({ lang, id }: { lang: 'en' | 'ja'; id: string }) {
  const [version, setVersion] = useState(0);
  const [note, setNote] = useState('');
  const { data } = useLoad<{ tasks: Array<{ id: string; title: { en: string; ja: string } | string; status: string }>; notes?: unknown[] }>(`/api/incidents/${encodeURIComponent(id)}/record`, version);
  const add = async () => {
    if (!note.trim()) return;
    await api(`/api/incidents/${encodeURIComponent(id)}/notes`, { method: 'POST', body: { text: note } });
    setNote('');
    setVersion((v) => v + 1);
  };
  if (!data) return null;
  return (
    <section className="card">
      <h2>{t(lang, 'tasks')}</h2>
      {data.tasks.length === 0 ? (
        <p>{t(lang, 'noTasks')}</p>
      ) : (
        <ul className="plain">
          {data.tasks.map((task) => (
            <li key={task.id}>
              [{task.status}] {typeof task.title === 'string' ? task.title : task.title[lang]}
            </li>
          ))}
        </ul>
      )}
      <textarea rows={2} placeholder={t(lang, 'note')} value={note} onChange={(e) => setNote(e.target.value)} />
      <button type="button" onClick={add}>
        {t(lang, 'addNote')}
      </button>
    </section>
  );
}

function Letters({ lang, id }: { lang: 'en' | 'ja'; id: string }) {
  const [kind, setKind] = useState('notice');
  const [letterLang, setLetterLang] = useState<'en' | 'ja'>(lang);
  const [text, setText] = useState('');
  const base = `/api/incidents/${encodeURIComponent(id)}/reports/${kind}?lang=${letterLang}`;
  useEffect(() => {
    let live = true;
    fetch(`${base}&format=md`, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.text() : ''))
      .then((md) => live && setText(md));
    return () => {
      live = false;
    };
  }, [base]);
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${kind}-${id}.${letterLang}.md`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section className="card wide">
      <h2>{t(lang, 'letters')}</h2>
      <p className="row">
        <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label={t(lang, 'letters')}>
          <option value="notice">{t(lang, 'notice')}</option>
          <option value="internal">{t(lang, 'internal')}</option>
          <option value="regulator">{t(lang, 'regulator')}</option>
        </select>
        <select value={letterLang} onChange={(e) => setLetterLang(e.target.value as 'en' | 'ja')} aria-label="language">
          <option value="ja">日本語</option>
          <option value="en">English</option>
        </select>
        <a href={`${base}&format=pdf`} download data-testid="download-pdf">
          {t(lang, 'downloadPdf')}
        </a>
        <button type="button" onClick={download}>
          {t(lang, 'downloadEdited')}
        </button>
      </p>
      <textarea rows={16} value={text} onChange={(e) => setText(e.target.value)} aria-label={t(lang, 'letters')} />
    </section>
  );
}
