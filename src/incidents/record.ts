// The incident record: everything a person needs to run, close and report an incident, as plain JSON-safe values.
// The `Incident` (src/model/events.ts) is what correlation opens; the record adds what response and people add.
import type { IncidentEvidence, IncidentPhase, Severity } from '../model/events.js';

export const RECORD_SCHEMA = 'kizuki.incident-record/1' as const;

export const PHASES: readonly IncidentPhase[] = ['detected', 'contained', 'eradicated', 'recovered', 'closed'];

export type IncidentKind = 'account-takeover' | 'credential-phishing' | 'malware' | 'other';

export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

export type IndicatorType = 'email-address' | 'domain' | 'url' | 'ipv4' | 'ipv6' | 'sha256' | 'message-id' | 'subject';

export interface Indicator {
  type: IndicatorType;
  /** normalised value (addresses and domains lower-cased, Message-IDs without angle brackets) */
  value: string;
  firstSeen: string;
  lastSeen: string;
  tlp: Tlp;
  /** why it is an indicator, in a few words */
  note?: string;
}

export interface CustodyStep {
  /** 'kizuki' or the person's login */
  actor: string;
  at: string;
  /** what happened: 'collected', 'exported', 'viewed' … */
  action: string;
  /** where from: a file, a mailbox and folder, a provider API */
  source: string;
}

export interface Evidence {
  sha256: string;
  kind: 'message' | 'file' | 'log';
  name: string;
  mediaType: string;
  size: number;
  /** the first link of the chain: who added it, when, from where; later steps follow */
  custody: CustodyStep[];
  /** the message's Message-ID, when it is a message */
  messageId?: string;
}

export type TaskStatus = 'open' | 'in-progress' | 'done' | 'cancelled';

export interface Task {
  id: string;
  title: string;
  titleJa?: string;
  owner?: string;
  /** ISO date or date-time */
  due?: string;
  status: TaskStatus;
  createdAt: string;
  updatedAt: string;
}

export type TimelineSource = 'event' | 'signal' | 'verdict' | 'action' | 'incident' | 'manual';

export interface RecordTimelineEntry {
  id: string;
  /** when it happened */
  at: string;
  /** when Kizuki (or the person) wrote it down */
  recordedAt: string;
  source: TimelineSource;
  kind: string;
  en: string;
  ja: string;
  account?: string;
  ref?: string;
  /** whether the customer letter lists it */
  inLetter: boolean;
  /** the person who wrote a manual entry */
  author?: string;
}

export interface OutsideRecipient {
  address: string;
  domain: string;
  firstSentAt: string;
  lastSentAt: string;
  /** the compromised account that sent it */
  sentFrom: string;
  messages: Array<{ at: string; subject: string; messageId?: string; eventId: string }>;
}

export interface AffectedAccount {
  account: string;
  /** compromised: someone else used it; targeted: it received the lure; exposed: it may have been read */
  role: 'compromised' | 'targeted';
  firstSeen: string;
}

export interface Device {
  name: string;
  owner?: string;
  note?: string;
}

export interface RecordTimes {
  /** the earliest malicious activity the record knows of (the lure's arrival, the attacker's first sign-in …) */
  firstMaliciousAt?: string;
  detectedAt: string;
  containedAt?: string;
  closedAt?: string;
}

export interface IncidentRecord {
  schema: typeof RECORD_SCHEMA;
  incidentId: string;
  title: { en: string; ja: string };
  kind: IncidentKind;
  severity: Severity;
  phase: IncidentPhase;
  /** the correlator's grading: 'strong' when the record holds a lure sent or spread by one of our accounts */
  evidenceStrength?: IncidentEvidence;
  resolution?: string;
  owner?: string;
  times: RecordTimes;
  /** derived: firstMaliciousAt → detectedAt, detectedAt → containedAt, in seconds */
  timeToDetectSeconds?: number;
  timeToContainSeconds?: number;
  accounts: AffectedAccount[];
  devices: Device[];
  outsideRecipients: OutsideRecipient[];
  /** address-book entries of compromised accounts that may have been read: a count and the basis of the judgement */
  exposedContacts: { count: number; basis: { en: string; ja: string } };
  /** the lure, as the record knows it */
  lure?: { subject: string; from?: string; receivedAt?: string; receivedBy?: string; linkDomains: string[]; attachmentHashes: string[]; verdict?: string };
  indicators: Indicator[];
  evidence: Evidence[];
  tasks: Task[];
  timeline: RecordTimelineEntry[];
  /** the organisation's own domains when the record was built (inside vs outside recipients) */
  orgDomains?: string[];
  updatedAt: string;
}

function seconds(from?: string, to?: string): number | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : undefined;
}

/** Fills in the derived figures from the times; call after any change of times. */
export function deriveFigures(record: IncidentRecord): IncidentRecord {
  const ttd = seconds(record.times.firstMaliciousAt, record.times.detectedAt);
  const ttc = seconds(record.times.detectedAt, record.times.containedAt);
  if (ttd === undefined) delete record.timeToDetectSeconds;
  else record.timeToDetectSeconds = ttd;
  if (ttc === undefined) delete record.timeToContainSeconds;
  else record.timeToContainSeconds = ttc;
  return record;
}

/** Timeline entries in time order; equal times keep the order they were recorded in. */
export function sortTimeline(entries: RecordTimelineEntry[]): RecordTimelineEntry[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : a.e.recordedAt < b.e.recordedAt ? -1 : a.e.recordedAt > b.e.recordedAt ? 1 : a.i - b.i))
    .map(({ e }) => e);
}
