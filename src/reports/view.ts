// What a letter or report template sees: the record, with times written for people in the organisation's time zone.
import { formatDuration } from '../incidents/timeline.js';
import type { IncidentRecord, RecordTimelineEntry } from '../incidents/record.js';

export type ReportKind = 'notice' | 'internal' | 'regulator';
export type ReportLang = 'en' | 'ja';
export const REPORT_KINDS: readonly ReportKind[] = ['notice', 'internal', 'regulator'];

export interface ReportOptions {
  /** the organisation's name, as it signs the letter */
  orgName?: string;
  /** where recipients can ask: a person, an address, a phone number */
  contact?: string;
  /** IANA time zone the times are written in; default Asia/Tokyo */
  timeZone?: string;
  /** the date the letter is dated (ISO); default: the record's last update */
  issuedAt?: string;
}

const ZONE_LABELS: Record<string, string> = { 'Asia/Tokyo': 'JST', UTC: 'UTC', 'Etc/UTC': 'UTC' };

export function formatTime(iso: string | undefined, lang: ReportLang, timeZone: string): string {
  if (!iso) return lang === 'ja' ? '(未記録)' : '(not recorded)';
  const d = new Date(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const zone = ZONE_LABELS[timeZone] ?? timeZone;
  if (lang === 'ja') return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日 ${parts.hour}:${parts.minute}(${zone})`;
  const month = new Intl.DateTimeFormat('en-GB', { timeZone, month: 'long' }).format(d);
  return `${parts.day} ${month} ${parts.year}, ${parts.hour}:${parts.minute} ${zone}`;
}

export function formatDate(iso: string | undefined, lang: ReportLang, timeZone: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(d).map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  if (lang === 'ja') return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日`;
  return `${parts.day} ${new Intl.DateTimeFormat('en-GB', { timeZone, month: 'long' }).format(d)} ${parts.year}`;
}

export function formatSeconds(seconds: number | undefined, lang: ReportLang): string {
  if (seconds === undefined) return lang === 'ja' ? '(未確定)' : '(not yet known)';
  if (lang === 'en') return formatDuration(seconds);
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return [d ? `${d}日` : '', h ? `${h}時間` : '', `${m}分`].join('');
}

export interface TimelineLine {
  time: string;
  text: string;
  source: string;
}

/** The view: every string already in the letter's language. */
export interface ReportView {
  lang: ReportLang;
  record: IncidentRecord;
  org: string;
  contact: string;
  issued: string;
  title: string;
  times: { firstMalicious: string; detected: string; contained: string; closed: string; lureReceived: string; firstSend: string; lastSend: string };
  timeToDetect: string;
  timeToContain: string;
  lure: { subject: string; from: string; receivedBy: string; linkDomains: string; verdict: string };
  compromised: string[];
  targeted: string[];
  recipients: { count: number; domains: number };
  exposedContacts: number;
  exposureBasis: string;
  /** entries the customer letter shows */
  letterTimeline: TimelineLine[];
  /** every entry, for the internal report */
  fullTimeline: TimelineLine[];
  /** actions from the action log, as done, failed or dry-run */
  actionsDone: TimelineLine[];
  actionsFailed: TimelineLine[];
  /** manual entries a person marked for the letter (what the organisation did by hand) */
  manualInLetter: TimelineLine[];
  openTasks: Array<{ title: string; owner: string; due: string; status: string }>;
  doneTasks: Array<{ title: string; owner: string; due: string; status: string }>;
  indicators: Array<{ type: string; value: string; firstSeen: string; lastSeen: string; tlp: string }>;
  evidence: Array<{ name: string; sha256: string; custody: string }>;
  devices: Array<{ name: string; note: string }>;
  /** sendings of the lure the record holds after the containment time (containment that did not hold, or a replay) */
  sendsAfterContainment: number;
  phase: string;
  resolution: string;
  isClosed: boolean;
}

function line(e: RecordTimelineEntry, lang: ReportLang, tz: string): TimelineLine {
  return { time: formatTime(e.at, lang, tz), text: lang === 'ja' ? e.ja : e.en, source: e.source };
}

/** The letter shows each kind of automatic entry once (the first), and every manual or action entry marked for it. */
function letterEntries(entries: RecordTimelineEntry[]): RecordTimelineEntry[] {
  const seen = new Set<string>();
  const out: RecordTimelineEntry[] = [];
  for (const e of entries) {
    // actions have their own section ("what we have done"); the letter's timeline tells what happened
    if (!e.inLetter || e.source === 'action') continue;
    if (e.source === 'signal' || e.source === 'incident' || e.source === 'event' || e.source === 'verdict') {
      const key = `${e.kind}|${e.account ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(e);
  }
  return out;
}

export function buildView(record: IncidentRecord, lang: ReportLang, options: ReportOptions = {}): ReportView {
  const tz = options.timeZone ?? 'Asia/Tokyo';
  const t = (iso?: string) => formatTime(iso, lang, tz);
  const first = record.timeline.find((e) => e.kind === 'event.first-malicious-send');
  const last = record.timeline.find((e) => e.kind === 'event.last-malicious-send') ?? first;
  const task = (x: IncidentRecord['tasks'][number]) => ({
    title: lang === 'ja' ? (x.titleJa ?? x.title) : x.title,
    owner: x.owner ?? (lang === 'ja' ? '未定' : 'unassigned'),
    due: x.due ? formatDate(x.due, lang, tz) : '—',
    status: x.status,
  });
  const actions = record.timeline.filter((e) => e.source === 'action');
  return {
    lang,
    record,
    org: options.orgName || (lang === 'ja' ? '(組織名)' : '(organisation name)'),
    contact: options.contact || (lang === 'ja' ? '(お問い合わせ窓口を記入してください)' : '(write the contact point here)'),
    issued: formatDate(options.issuedAt ?? record.updatedAt, lang, tz),
    title: record.title[lang],
    times: {
      firstMalicious: t(record.times.firstMaliciousAt),
      detected: t(record.times.detectedAt),
      contained: t(record.times.containedAt),
      closed: t(record.times.closedAt),
      lureReceived: t(record.lure?.receivedAt),
      firstSend: t(first?.at),
      lastSend: t(last?.at),
    },
    timeToDetect: formatSeconds(record.timeToDetectSeconds, lang),
    timeToContain: formatSeconds(record.timeToContainSeconds, lang),
    lure: {
      subject: record.lure?.subject ?? '',
      from: record.lure?.from ?? '',
      receivedBy: record.lure?.receivedBy ?? '',
      linkDomains: (record.lure?.linkDomains ?? []).filter((d) => record.indicators.some((i) => i.type === 'domain' && i.value === d)).join(', '),
      verdict: record.lure?.verdict ?? '',
    },
    compromised: record.accounts.filter((a) => a.role === 'compromised').map((a) => a.account),
    targeted: record.accounts.filter((a) => a.role === 'targeted').map((a) => a.account),
    recipients: { count: record.outsideRecipients.length, domains: new Set(record.outsideRecipients.map((r) => r.domain)).size },
    exposedContacts: record.exposedContacts.count,
    exposureBasis: record.exposedContacts.basis[lang],
    letterTimeline: letterEntries(record.timeline).map((e) => line(e, lang, tz)),
    fullTimeline: record.timeline.map((e) => line(e, lang, tz)),
    actionsDone: actions.filter((e) => e.kind.endsWith(':done')).map((e) => line(e, lang, tz)),
    actionsFailed: actions.filter((e) => e.kind.endsWith(':failed')).map((e) => line(e, lang, tz)),
    manualInLetter: record.timeline.filter((e) => e.source === 'manual' && e.inLetter).map((e) => line(e, lang, tz)),
    openTasks: record.tasks.filter((x) => x.status === 'open' || x.status === 'in-progress').map(task),
    doneTasks: record.tasks.filter((x) => x.status === 'done').map(task),
    // a '|' would end a Markdown table cell
    indicators: record.indicators.map((i) => ({ type: i.type, value: i.value.replace(/\|/g, '\\|'), firstSeen: t(i.firstSeen), lastSeen: t(i.lastSeen), tlp: i.tlp.toUpperCase() })),
    evidence: record.evidence.map((e) => ({ name: e.name, sha256: e.sha256, custody: e.custody.map((c) => `${c.action} by ${c.actor} at ${c.at} from ${c.source}`).join('; ') })),
    devices: record.devices.map((d) => ({ name: d.name, note: d.note ?? '' })),
    sendsAfterContainment: record.times.containedAt ? record.outsideRecipients.flatMap((r) => r.messages).filter((m, i, all) => m.at > (record.times.containedAt ?? '') && all.findIndex((x) => x.eventId === m.eventId) === i).length : 0,
    phase: record.phase,
    resolution: record.resolution ?? '',
    isClosed: record.phase === 'closed',
  };
}
