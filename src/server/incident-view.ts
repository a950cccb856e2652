// The incident page's data from today's store: the Incident body, its signals, and the account events behind them
// (recipients reached, indicators, evidence). When the incident record (issue 11) lands, its tasks, evidence and
// notes take over the parts derived here.
import type { AccountEvent, Incident, Signal } from '../model/events.js';
import type { Store } from '../store/index.js';

export interface Indicator {
  kind: 'sender' | 'domain' | 'ip' | 'country' | 'subject' | 'attachment-sha256' | 'message-sha256';
  value: string;
  /** how many evidence items carry it */
  seen: number;
}

export interface IncidentView {
  incident: Incident;
  signals: Signal[];
  /** external addresses the affected accounts sent to during the incident */
  recipients: string[];
  indicators: Indicator[];
  evidence: Array<{ id: string; kind: string; time: string; account: string; source: string; sha256?: string; subject?: string }>;
  /** tasks of the incident record; empty until the record is stored */
  tasks: unknown[];
}

const DAY = 86_400_000;

export async function incidentView(store: Store, incident: Incident, orgDomains: readonly string[]): Promise<IncidentView> {
  const wanted = new Set(incident.signalIds);
  const signals: Signal[] = [];
  const seenSignal = new Set<string>();
  const keep = (found: Signal[]) => {
    for (const s of found) {
      if (!wanted.has(s.id) || seenSignal.has(s.id)) continue;
      seenSignal.add(s.id);
      signals.push(s);
    }
  };
  for (const account of incident.accounts) keep(await store.signalsForAccount(account));
  for (const campaign of incident.campaigns) keep(await store.signalsForCampaign(campaign));
  signals.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));

  const evidenceIds = new Set(signals.flatMap((s) => s.evidence));
  const from = new Date(Date.parse(incident.firstEvidenceAt) - DAY).toISOString();
  const lastSeen = Math.max(Date.parse(incident.closedAt ?? incident.openedAt), ...incident.timeline.map((e) => Date.parse(e.time)));
  const to = new Date(lastSeen + DAY).toISOString();
  const events: AccountEvent[] = [];
  for (const account of incident.accounts) events.push(...(await store.eventsForAccount(account, from, to)));
  const evidenceEvents = events.filter((e) => evidenceIds.has(e.id) || (typeof e.data.sha256 === 'string' && evidenceIds.has(e.data.sha256)));

  // the organisation's own domains, and always those of the affected accounts
  const ownDomains = new Set([...orgDomains, ...incident.accounts.map((a) => a.split('@')[1] ?? '')].filter(Boolean));
  const own = (address: string) => ownDomains.has(address.split('@')[1] ?? '');
  const recipients = new Set<string>();
  const counts = new Map<string, Indicator>();
  const add = (kind: Indicator['kind'], value: unknown) => {
    if (typeof value !== 'string' || !value) return;
    const key = `${kind}\u0000${value}`;
    const found = counts.get(key);
    if (found) found.seen++;
    else counts.set(key, { kind, value, seen: 1 });
  };
  for (const e of evidenceEvents) {
    const d = e.data;
    if (e.kind === 'message.sent') {
      for (const list of [d.to, d.cc, d.bcc]) if (Array.isArray(list)) for (const r of list) if (typeof r === 'string' && !own(r)) recipients.add(r);
    }
    if (e.kind.startsWith('message.') && (d.verdict === 'malicious' || d.verdict === 'suspicious')) {
      if (e.kind === 'message.received' && typeof d.from === 'string' && !own(d.from)) add('sender', d.from);
      add('subject', d.subject);
      add('message-sha256', d.sha256);
      if (Array.isArray(d.linkDomains)) for (const x of d.linkDomains) add('domain', x);
      if (Array.isArray(d.attachmentHashes)) for (const x of d.attachmentHashes) add('attachment-sha256', x);
    }
    if (e.kind.startsWith('signin.')) {
      add('ip', d.ip);
      add('country', d.country);
    }
  }
  return {
    incident,
    signals,
    recipients: [...recipients].sort(),
    indicators: [...counts.values()].sort((a, b) => a.kind.localeCompare(b.kind) || b.seen - a.seen),
    evidence: evidenceEvents.slice(0, 500).map((e) => {
      const item: IncidentView['evidence'][number] = { id: e.id, kind: e.kind, time: e.time, account: e.account, source: e.source };
      if (typeof e.data.sha256 === 'string') item.sha256 = e.data.sha256;
      if (typeof e.data.subject === 'string') item.subject = e.data.subject;
      return item;
    }),
    tasks: [],
  };
}
