import { useState } from 'react';
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
        <section className="card">
          <h2>{t(lang, 'tasks')}</h2>
          {data.tasks.length === 0 ? <p>{t(lang, 'noTasks')}</p> : <ul>{data.tasks.map((task, i) => <li key={task.id ?? i}>{task.title}</li>)}</ul>}
        </section>
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
