// What a playbook run works from, taken from the incident, its signals and the events behind them: the incident's
// kind, how strong its evidence is, the lure messages and the indicators to block.
import type { AccountEvent, Incident, Signal } from '../model/events.js';
import type { ContextMessage, EvidenceStrength, IncidentKind, ResponseContext } from './types.js';

const has = (detectors: readonly string[], prefix: string) => detectors.some((d) => d === prefix || d.startsWith(`${prefix}.`));

/**
 * Strong evidence: an outbound or internal lure judged malicious, a returned lure, or a sign-in anomaly together with
 * a persistence change. Anything else (bursts, bounces, a new country alone) is behaviour: worth a look, not enough
 * to lock a person out unattended.
 */
export function evidenceStrength(signals: readonly Signal[]): EvidenceStrength {
  const detectors = signals.map((s) => s.detector);
  if (has(detectors, 'takeover.campaign.outbound') || has(detectors, 'takeover.campaign.internal')) return 'strong';
  // the correlator calls any outbound lure strong; locking a person out unattended needs one judged malicious
  if (signals.some((s) => s.detector === 'takeover.outbound-lure' && s.data?.verdict === 'malicious')) return 'strong';
  if (detectors.some((d) => /returned/.test(d)) || signals.some((s) => s.data?.returnedLure === true)) return 'strong';
  if (signals.some((s) => s.detector.startsWith('takeover.lateral-phishing') && s.data?.verdict === 'malicious')) return 'strong';
  if (has(detectors, 'takeover.signin') && has(detectors, 'takeover.persistence')) return 'strong';
  return 'behaviour';
}

/** The incident's own kind when it says, else what its signals show. */
export function incidentKind(incident: Incident, signals: readonly Signal[], events: readonly AccountEvent[] = []): IncidentKind {
  const own: unknown = incident.kind;
  if (own === 'account-takeover' || own === 'malicious-message' || own === 'user-report') return own;
  // the correlator's 'review' notes and 'takeover' incidents are both about an account
  if (own === 'takeover' || own === 'review') return 'account-takeover';
  const account = signals.filter((s) => s.detector.startsWith('takeover.') && s.detector !== 'takeover.campaign.lure-received');
  if (account.length) return 'account-takeover';
  if (events.some((e) => e.kind === 'message.reported')) return 'user-report';
  return 'malicious-message';
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * Builds the context of a run. `signals` are the incident's signals; `events` the events they rest on (any extra
 * events are ignored). `orgDomains` decides which senders are outside (only those are blocked).
 */
export function buildContext(incident: Incident, signals: readonly Signal[], events: readonly AccountEvent[], orgDomains: readonly string[]): ResponseContext {
  const own = signals.filter((s) => incident.signalIds.includes(s.id));
  const used = own.length ? own : signals;
  const evidenceIds = new Set(used.flatMap((s) => s.evidence));
  const ours = (address: string) => orgDomains.some((d) => address.toLowerCase().endsWith(`@${d.toLowerCase()}`));
  const messages = new Map<string, ContextMessage>();
  const senders = new Set<string>();
  const domains = new Set<string>();
  const urls = new Set<string>();
  let reporter: string | undefined;
  for (const event of events) {
    if (!evidenceIds.has(event.id) && event.kind !== 'message.reported') continue;
    if (!event.kind.startsWith('message.') || event.kind === 'message.bounce') continue;
    const data = event.data;
    const messageId = typeof data.messageId === 'string' ? data.messageId.replace(/^<|>$/g, '') : '';
    const verdict = typeof data.verdict === 'string' ? data.verdict : undefined;
    if (event.kind === 'message.reported') reporter ??= event.account;
    if (!messageId) continue;
    const entry = messages.get(messageId) ?? { messageId, recipients: [] };
    if (typeof data.subject === 'string') entry.subject ??= data.subject;
    if (typeof data.from === 'string') entry.from ??= data.from.toLowerCase();
    if (verdict && (entry.verdict === undefined || verdict === 'malicious')) entry.verdict = verdict;
    if (event.kind !== 'message.sent' && !entry.recipients.includes(event.account)) entry.recipients.push(event.account);
    messages.set(messageId, entry);
    if (verdict === 'malicious' || verdict === 'suspicious') {
      const from = typeof data.from === 'string' ? data.from.toLowerCase() : '';
      if (from && !ours(from)) senders.add(from);
      for (const d of strings(data.linkDomains)) domains.add(d.toLowerCase());
      for (const u of strings(data.linkUrls)) urls.add(u);
    }
  }
  // A lure from a genuine partner's hijacked account links to the partner's own site too: its domain and the
  // sender's stay off the block list (the sender address itself is blocked).
  for (const sender of senders) domains.delete(sender.slice(sender.lastIndexOf('@') + 1));
  for (const d of orgDomains) domains.delete(d.toLowerCase());
  const detectors = [...new Set(used.map((s) => s.detector))].sort();
  const context: ResponseContext = {
    incident: {
      id: incident.id,
      kind: incidentKind(incident, used, events),
      title: incident.title,
      severity: incident.severity,
      accounts: [...incident.accounts],
      detectors,
      // the stricter of the two: the incident's own word, and what its signals show by the rules above
      evidence: ownEvidence(incident) === 'behaviour' ? 'behaviour' : evidenceStrength(used),
      openedAt: incident.openedAt,
      firstEvidenceAt: incident.firstEvidenceAt,
      windowStart: incident.firstEvidenceAt,
    },
    messages: [...messages.values()].filter((m) => m.verdict === 'malicious' || m.verdict === 'suspicious' || m.verdict === undefined),
    indicators: { senders: [...senders].sort(), domains: [...domains].sort(), urls: [...urls].sort() },
  };
  if (reporter) context.reporter = reporter;
  if (incident.kind === 'review') context.incident.reviewOnly = true;
  return context;
}

/** The incident's own word on its evidence, when the takeover side records one. */
function ownEvidence(incident: Incident): EvidenceStrength | undefined {
  const value = (incident as Incident & { evidence?: unknown }).evidence;
  if (value === 'strong') return 'strong';
  if (typeof value === 'string') return 'behaviour';
  if (value && typeof value === 'object' && (value as { strength?: unknown }).strength === 'strong') return 'strong';
  if (value && typeof value === 'object') return 'behaviour';
  return undefined;
}
