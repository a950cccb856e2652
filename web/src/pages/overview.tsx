import type { Incident } from '../api';
import { t, when } from '../i18n';
import { Link, Loading, type PageProps, useLoad, VerdictBadge } from '../ui';

interface Overview {
  openIncidents: Array<Pick<Incident, 'id' | 'title' | 'titleJa' | 'phase' | 'severity' | 'openedAt' | 'accounts'>>;
  recentMalicious: Array<{ sha256: string; subject: string; fromAddress: string; verdict: string; judgedAt: string; date?: string }>;
  days: Array<{ day: string; verdicts: Record<string, number>; signals: number }>;
  totals: { messages: number; signals: number; incidents: number };
}

const ORDER = ['malicious', 'suspicious', 'spam', 'clean'] as const;

function Chart({ days }: { days: Overview['days'] }) {
  const w = 640;
  const h = 180;
  const pad = 24;
  const most = Math.max(1, ...days.map((d) => Math.max(ORDER.reduce((s, v) => s + (d.verdicts[v] ?? 0), 0), d.signals)));
  const bw = days.length ? (w - pad * 2) / days.length : 0;
  const y = (n: number) => h - pad - (n / most) * (h - pad * 2);
  const line = days.map((d, i) => `${pad + i * bw + bw / 2},${y(d.signals)}`).join(' ');
  return (
    <svg viewBox={`0 0 ${w} ${h}`} className="chart" role="img" aria-label="verdicts and signals per day">
      {days.map((d, i) => {
        let base = 0;
        return (
          <g key={d.day}>
            {ORDER.map((v) => {
              const n = d.verdicts[v] ?? 0;
              const top = y(base + n);
              const r = <rect key={v} className={`bar v-${v}`} x={pad + i * bw + 1} width={Math.max(1, bw - 2)} y={top} height={y(base) - top} />;
              base += n;
              return r;
            })}
            <title>{`${d.day}: ${ORDER.map((v) => `${v} ${d.verdicts[v] ?? 0}`).join(', ')}, signals ${d.signals}`}</title>
          </g>
        );
      })}
      <polyline className="signals" points={line} fill="none" />
      <line x1={pad} x2={w - pad} y1={h - pad} y2={h - pad} className="axis" />
      {days.length > 0 && (
        <>
          <text x={pad} y={h - 6} className="tick">
            {days[0]?.day}
          </text>
          <text x={w - pad} y={h - 6} className="tick" textAnchor="end">
            {days.at(-1)?.day}
          </text>
        </>
      )}
    </svg>
  );
}

export function OverviewPage({ lang, go }: PageProps) {
  const { data, error } = useLoad<Overview>('/api/overview?days=60');
  if (!data) return <Loading lang={lang} error={error} />;
  return (
    <div className="grid">
      <section className="card">
        <h2>{t(lang, 'openIncidents')}</h2>
        {data.openIncidents.length === 0 && <p>{t(lang, 'none')}</p>}
        <ul className="plain">
          {data.openIncidents.map((i) => (
            <li key={i.id}>
              <span className={`badge s-${i.severity}`}>{i.severity}</span>{' '}
              <Link to={`/incidents/${encodeURIComponent(i.id)}`} go={go}>
                {lang === 'ja' && i.titleJa ? i.titleJa : i.title}
              </Link>{' '}
              <small>{when(lang, i.openedAt)}</small>
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>{t(lang, 'recentMalicious')}</h2>
        <ul className="plain">
          {data.recentMalicious.map((m) => (
            <li key={m.sha256}>
              <VerdictBadge lang={lang} verdict={m.verdict} />{' '}
              <Link to={`/messages/${m.sha256}`} go={go}>
                {m.subject || '(no subject)'}
              </Link>{' '}
              <small>{m.fromAddress}</small>
            </li>
          ))}
        </ul>
      </section>
      <section className="card wide">
        <h2>{t(lang, 'perDay')}</h2>
        <Chart days={data.days} />
        <p className="legend">
          {ORDER.map((v) => (
            <span key={v}>
              <i className={`key v-${v}`} /> {t(lang, v)}
            </span>
          ))}
          <span>
            <i className="key signals" /> {t(lang, 'signals')}
          </span>
        </p>
      </section>
    </div>
  );
}
