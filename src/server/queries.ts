// Read-side queries the API needs beyond the Store interface: message search with paging, overview figures.
import type { Incident } from '../model/events.js';
import type { VerdictLabel } from '../model/verdict.js';
import type { JudgedMessage, Store } from '../store/index.js';
import { rowToJudgedMessage } from '../store/rows.js';
import type { KizukiDatabase } from '../store/schema.js';

export interface MessagePage {
  messages: JudgedMessage[];
  /** pass as `cursor` to get the next (older) page; absent on the last page */
  next?: string;
}

export interface MessageQuery {
  verdict?: VerdictLabel;
  /** words that must all appear in the subject, sender or Message-ID (case-insensitive) */
  q?: string;
  limit: number;
  cursor?: string;
}

/** The cursor is `judgedAt|sha256` of the last message of the previous page, base64url-encoded. */
export function encodeCursor(m: Pick<JudgedMessage, 'judgedAt' | 'sha256'>): string {
  return Buffer.from(`${m.judgedAt}|${m.sha256}`).toString('base64url');
}

export function decodeCursor(cursor: string): { judgedAt: string; sha256: string } | undefined {
  const [judgedAt, sha] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!judgedAt || !sha || !/^[0-9a-f]{64}$/.test(sha) || Number.isNaN(Date.parse(judgedAt))) return undefined;
  return { judgedAt, sha256: sha };
}

function likePattern(word: string): string {
  return `%${word.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function searchMessages(store: Store, query: MessageQuery): Promise<MessagePage> {
  const { db } = store.tables<KizukiDatabase>();
  let q = db.selectFrom('judged_messages').selectAll();
  if (query.verdict) q = q.where('verdict', '=', query.verdict);
  for (const word of (query.q ?? '').split(/\s+/).filter(Boolean).slice(0, 8)) {
    const pattern = likePattern(word);
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['subject']), 'like', eb.val(pattern)),
        eb('from_address', 'like', pattern),
        eb(eb.fn('lower', ['message_id']), 'like', eb.val(pattern)),
      ]),
    );
  }
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    if (after) q = q.where((eb) => eb.or([eb('judged_at', '<', after.judgedAt), eb.and([eb('judged_at', '=', after.judgedAt), eb('sha256', '<', after.sha256)])]));
  }
  const rows = await q.orderBy('judged_at', 'desc').orderBy('sha256', 'desc').limit(query.limit + 1).execute();
  const messages = rows.slice(0, query.limit).map(rowToJudgedMessage);
  const last = messages.at(-1);
  return rows.length > query.limit && last ? { messages, next: encodeCursor(last) } : { messages };
}

export interface Overview {
  openIncidents: Array<Pick<Incident, 'id' | 'title' | 'titleJa' | 'phase' | 'severity' | 'openedAt' | 'accounts'>>;
  recentMalicious: Array<Pick<JudgedMessage, 'sha256' | 'subject' | 'fromAddress' | 'verdict' | 'score' | 'judgedAt' | 'date'>>;
  /** per day (UTC, YYYY-MM-DD): verdict counts and signal counts */
  days: Array<{ day: string; verdicts: Record<string, number>; signals: number }>;
  totals: { messages: number; signals: number; incidents: number };
}

/**
 * The overview page's figures. The chart counts messages by the day they were sent (their Date header, else when
 * they were judged) and signals by their time, over the newest `days` days that have any.
 */
export async function overview(store: Store, days = 30): Promise<Overview> {
  const { db } = store.tables<KizukiDatabase>();
  const incidents = (await store.listIncidents({ limit: 200 })).filter((i) => i.phase !== 'closed');
  const malicious = await store.listJudgedMessages({ verdict: 'malicious', limit: 10 });
  const verdictRows = await db
    .selectFrom('judged_messages')
    .select((eb) => [eb.fn('substr', [eb.fn.coalesce('message_date', 'judged_at'), eb.val(1), eb.val(10)]).as('day'), 'verdict', eb.fn.countAll().as('n')])
    .groupBy(['day', 'verdict'])
    .execute();
  const signalRows = await db
    .selectFrom('signals')
    .select((eb) => [eb.fn('substr', ['time', eb.val(1), eb.val(10)]).as('day'), eb.fn.countAll().as('n')])
    .groupBy('day')
    .execute();
  const byDay = new Map<string, { day: string; verdicts: Record<string, number>; signals: number }>();
  const entry = (day: string) => {
    const found = byDay.get(day);
    if (found) return found;
    const made: { day: string; verdicts: Record<string, number>; signals: number } = { day, verdicts: {}, signals: 0 };
    byDay.set(day, made);
    return made;
  };
  let messages = 0;
  for (const row of verdictRows) {
    const n = Number(row.n);
    messages += n;
    entry(String(row.day)).verdicts[row.verdict] = n;
  }
  let signals = 0;
  for (const row of signalRows) {
    signals += Number(row.n);
    entry(String(row.day)).signals = Number(row.n);
  }
  const allIncidents = await db.selectFrom('incidents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  return {
    openIncidents: incidents.map((i) => {
      const out: Overview['openIncidents'][number] = { id: i.id, title: i.title, phase: i.phase, severity: i.severity, openedAt: i.openedAt, accounts: i.accounts };
      if (i.titleJa) out.titleJa = i.titleJa;
      return out;
    }),
    recentMalicious: malicious.map((m) => {
      const out: Overview['recentMalicious'][number] = { sha256: m.sha256, subject: m.subject, fromAddress: m.fromAddress, verdict: m.verdict, score: m.score, judgedAt: m.judgedAt };
      if (m.date) out.date = m.date;
      return out;
    }),
    days: [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1)).slice(-days),
    totals: { messages, signals, incidents: Number(allIncidents?.n ?? 0) },
  };
}
