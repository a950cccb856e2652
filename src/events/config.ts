// Every threshold of the takeover detectors and the correlation, with defaults that suit a small office.
import type { Severity } from '../model/events.js';

export interface TakeoverConfig {
  /** the organisation's own domains: mail to other domains is external */
  orgDomains: string[];
  /** days of an account's history that make its baseline; older state is forgotten */
  baselineDays: number;
  bounceFlood: {
    windowMinutes: number;
    /** at least this many failed-delivery bounces in the window */
    minBounces: number;
    /** and at least this many times the account's busiest hour of bounces in the baseline */
    baselineMultiplier: number;
  };
  outboundBurst: {
    windowMinutes: number;
    /** recipients in the window must reach this and baselineMultiplier × the busiest baseline hour */
    minRecipients: number;
    /** distinct external domains in the window must reach this and baselineMultiplier × the baseline */
    minExternalDomains: number;
    baselineMultiplier: number;
    /** the same subject or attachment to at least this many recipients within sameMessageHours */
    sameMessageRecipients: number;
    sameMessageHours: number;
    /** a message addressed to the sender alone with at least this many hidden (Bcc) recipients */
    hiddenRecipients: number;
    /** at least this many never-before-written contacts within the window (after baseline history exists) */
    newContacts: number;
    /** an account needs this much history before 'new contact' means anything */
    minHistoryDays: number;
  };
  sender: {
    /** a client (User-Agent / X-Mailer) or network the account has sent from this many times is its usual one */
    usualAfter: number;
    /** sends that name a client or network before an unseen one counts as new */
    minHistory: number;
  };
  lateral: {
    /** detection verdicts that make an internal sender's message lateral phishing */
    verdicts: string[];
  };
  campaign: {
    /** how long a lure's fingerprints are remembered after it arrived */
    rememberDays: number;
  };
  signin: {
    /** speeds above this between two sign-ins are impossible travel */
    impossibleTravelKmh: number;
    failureWindowMinutes: number;
    failureBurst: number;
    /** sign-ins needed before 'new country / network' is meaningful */
    minHistory: number;
  };
  correlation: {
    /** severity points that open an incident (info 0, low 1, medium 2, high 4, critical 8) */
    openAt: number;
    /** earlier, unattached signals about the same account or campaign this recent join a new incident */
    lookbackHours: number;
    /** a signal of the same detector and account within this many hours of a timeline entry folds into it */
    timelineFoldHours: number;
  };
}

export const DEFAULT_TAKEOVER_CONFIG: TakeoverConfig = {
  orgDomains: [],
  baselineDays: 28,
  bounceFlood: { windowMinutes: 60, minBounces: 20, baselineMultiplier: 4 },
  outboundBurst: {
    windowMinutes: 60,
    minRecipients: 30,
    minExternalDomains: 10,
    baselineMultiplier: 3,
    sameMessageRecipients: 25,
    sameMessageHours: 24,
    hiddenRecipients: 10,
    newContacts: 15,
    minHistoryDays: 7,
  },
  sender: { usualAfter: 3, minHistory: 5 },
  lateral: { verdicts: ['malicious', 'suspicious'] },
  campaign: { rememberDays: 30 },
  signin: { impossibleTravelKmh: 900, failureWindowMinutes: 15, failureBurst: 10, minHistory: 5 },
  correlation: { openAt: 4, lookbackHours: 14 * 24, timelineFoldHours: 24 },
};

export const SEVERITY_POINTS: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 4, critical: 8 };
const ORDER: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export function maxSeverity(a: Severity, b: Severity): Severity {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type TakeoverConfigInput = DeepPartial<TakeoverConfig>;

/** Defaults overlaid with the given settings, one level deep per section. */
export function takeoverConfig(input: TakeoverConfigInput = {}): TakeoverConfig {
  const d = DEFAULT_TAKEOVER_CONFIG;
  return {
    orgDomains: (input.orgDomains ?? d.orgDomains).map((x) => x.toLowerCase()),
    baselineDays: input.baselineDays ?? d.baselineDays,
    bounceFlood: { ...d.bounceFlood, ...input.bounceFlood },
    outboundBurst: { ...d.outboundBurst, ...input.outboundBurst },
    sender: { ...d.sender, ...input.sender },
    lateral: { ...d.lateral, ...input.lateral } as TakeoverConfig['lateral'],
    campaign: { ...d.campaign, ...input.campaign },
    signin: { ...d.signin, ...input.signin },
    correlation: { ...d.correlation, ...input.correlation },
  };
}
