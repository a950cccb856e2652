// Account events, signals and incidents: the takeover side of Kizuki. JSON-safe.

export const EVENT_SCHEMA = 'kizuki.event/1' as const;

export type AccountEventKind =
  | 'message.received'
  | 'message.sent'
  | 'message.bounce'
  | 'message.reported'
  | 'signin.success'
  | 'signin.failure'
  | 'signin.challenge'
  | 'setting.forwarding'
  | 'setting.filter'
  | 'setting.delegate'
  | 'setting.sendas'
  | 'oauth.grant'
  | 'apppassword.created'
  | 'password.changed';

export interface AccountEvent {
  /** stable, unique id; the same source record always yields the same id (idempotency) */
  id: string;
  kind: AccountEventKind;
  /** ISO 8601 UTC */
  time: string;
  /** lower-cased account address the event is about */
  account: string;
  /** where the event came from, e.g. 'file:Sent.mbox', 'http', 'google:reports', 'scenario' */
  source: string;
  /** kind-specific details (recipients, subject, ip, country, forwarding target, …) */
  data: Record<string, unknown>;
  /** the raw record it was derived from (JSON-safe), for evidence */
  raw?: unknown;
}

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface Signal {
  id: string;
  /** detector id, e.g. 'takeover.outbound-burst' */
  detector: string;
  time: string;
  account: string;
  /** campaign key when the signal is about a lure seen in several places */
  campaign?: string;
  severity: Severity;
  /** ids of the events (or message sha256s) that support it */
  evidence: string[];
  en: string;
  ja: string;
  data?: Record<string, unknown>;
}

export type IncidentPhase = 'detected' | 'contained' | 'eradicated' | 'recovered' | 'closed';

export interface TimelineEntry {
  time: string;
  kind: string;
  en: string;
  ja: string;
  ref?: string;
  /** the account the entry is about, when it is about one */
  account?: string;
  /** further signals of the same kind about the same account folded into this entry */
  repeats?: number;
}

export interface Incident {
  id: string;
  title: string;
  /** the title in Japanese */
  titleJa?: string;
  phase: IncidentPhase;
  severity: Severity;
  accounts: string[];
  campaigns: string[];
  openedAt: string;
  /** time of the earliest evidence (for time-to-detect) */
  firstEvidenceAt: string;
  containedAt?: string;
  closedAt?: string;
  signalIds: string[];
  timeline: TimelineEntry[];
}
