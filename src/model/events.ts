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

/**
 * How much a signal says about a takeover on its own:
 * - 'strong': the account is sending or spreading content the detection stage judged a lure (outbound or
 *   internal lure, a lure coming back in bounces);
 * - 'behaviour': unusual behaviour (volume, hidden recipients, new contacts, bounces, sign-ins, settings)
 *   with no verdict on the content, or from a client or network the account does not usually use;
 * - 'review': the same behaviour, but the content was judged clean and it left from the account's usual
 *   client and network — worth a look, not an alarm.
 * Absent on signals stored before the field existed: read by detector id (see incidents/correlate.ts).
 */
export type SignalStrength = 'strong' | 'behaviour' | 'review';

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
  strength?: SignalStrength;
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

/** 'takeover': a possible takeover; 'review': only routine-looking behaviour, a low note for a person to look at. */
export type IncidentKind = 'takeover' | 'review';

/**
 * 'strong': the incident holds a lure sent, spread or returned by one of our accounts, or a sign-in anomaly
 * together with a persistence change (forwarding, filter, delegate, OAuth grant, app password) on the same
 * incident; 'behaviour-only': anything less. Destructive response steps should require 'strong'.
 */
export type IncidentEvidence = 'strong' | 'behaviour-only';

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
  /** absent on incidents stored before the field existed: treat as 'takeover' */
  kind?: IncidentKind;
  /** absent on incidents stored before the field existed: treat as 'behaviour-only' */
  evidence?: IncidentEvidence;
}
