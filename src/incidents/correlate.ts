// Correlation: signals about the same account or campaign become one open incident instead of a
// flood of alerts. A signal joins an open incident that names its account or campaign; otherwise it
// waits, and an incident opens once the waiting signals about one account or campaign weigh enough —
// or at once when the signal is strong evidence by itself (our account sending or spreading a lure).
// An incident made only of review signals (routine-looking behaviour with clean content) is a 'review'
// note; the first signal of anything more turns it into a possible takeover.
import { maxSeverity, SEVERITY_POINTS, type TakeoverConfig } from '../events/config.js';
import { stableId, strings } from '../events/event.js';
import type { Incident, Signal, SignalStrength } from '../model/events.js';
import { addEntry, entryToFoldInto, openedEntry, raisedEntry, signalEntry } from './timeline.js';

const HOUR_MS = 3_600_000;

/** Detectors whose signals are strong evidence, for signals stored before signals carried their strength. */
const STRONG_DETECTORS = ['takeover.outbound-lure', 'takeover.lateral-phishing', 'takeover.campaign.outbound', 'takeover.campaign.internal'];

export function strengthOf(signal: Signal): SignalStrength {
  return signal.strength ?? (STRONG_DETECTORS.includes(signal.detector) ? 'strong' : 'behaviour');
}

const isSignin = (detector: string) => detector.startsWith('takeover.signin.');
const isPersistence = (detector: string) => detector.startsWith('takeover.persistence.');

function takeoverTitle(account: string): { title: string; titleJa: string } {
  return { title: `Possible takeover of ${account}`, titleJa: `${account} の乗っ取りの疑い` };
}

function reviewTitle(account: string): { title: string; titleJa: string } {
  return { title: `Unusual sending by ${account} to review`, titleJa: `${account} の送信に普段と異なる点があります(要確認)` };
}

export class Correlator {
  private readonly open = new Map<string, Incident>();
  private pending: Signal[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly config: TakeoverConfig,
    private readonly clock: () => Date,
  ) {}

  /** Take up incidents that were open before a restart. */
  restore(incidents: readonly Incident[]): void {
    for (const incident of incidents) {
      if (incident.phase === 'closed') continue;
      this.open.set(incident.id, incident);
      for (const id of incident.signalIds) this.seen.add(id);
    }
  }

  openIncidents(): Incident[] {
    return [...this.open.values()];
  }

  /** Returns the incident the signal changed or opened, if any. */
  accept(signal: Signal): Incident | undefined {
    if (this.seen.has(signal.id)) return undefined;
    this.seen.add(signal.id);
    const joined = this.findOpen(signal);
    if (joined) {
      this.attach(joined, signal);
      this.pullPending(joined);
      return joined;
    }
    const now = Date.parse(signal.time);
    const horizon = now - this.config.correlation.lookbackHours * HOUR_MS;
    this.pending = this.pending.filter((s) => Date.parse(s.time) >= horizon);
    const related = this.pending.filter((s) => this.related(s, signal));
    const weight = [...related, signal].reduce((sum, s) => sum + SEVERITY_POINTS[s.severity], 0);
    if (weight < this.config.correlation.openAt && strengthOf(signal) !== 'strong') {
      this.pending.push(signal);
      return undefined;
    }
    const incident = this.openIncident(signal);
    for (const s of [...related, signal].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))) this.attach(incident, s);
    this.pending = this.pending.filter((s) => !related.includes(s));
    this.pullPending(incident);
    addEntry(incident.timeline, openedEntry(incident));
    return incident;
  }

  private related(a: Signal, b: Signal): boolean {
    if (a.account === b.account) return true;
    if (a.campaign && a.campaign === b.campaign) return true;
    return strings(a.data?.targets).includes(b.account) || strings(b.data?.targets).includes(a.account);
  }

  private findOpen(signal: Signal): Incident | undefined {
    for (const incident of this.open.values()) {
      if (incident.accounts.includes(signal.account)) return incident;
      if (signal.campaign && incident.campaigns.includes(signal.campaign)) return incident;
    }
    return undefined;
  }

  private openIncident(first: Signal): Incident {
    const openedAt = this.clock().toISOString();
    const incident: Incident = {
      id: stableId('inc', first.id),
      // a review until a signal of anything more than routine-looking behaviour attaches
      ...reviewTitle(first.account),
      kind: 'review',
      evidence: 'behaviour-only',
      phase: 'detected',
      severity: first.severity,
      accounts: [],
      campaigns: [],
      openedAt,
      firstEvidenceAt: first.time,
      signalIds: [],
      timeline: [],
    };
    this.open.set(incident.id, incident);
    return incident;
  }

  private attach(incident: Incident, signal: Signal): void {
    if (incident.signalIds.includes(signal.id)) return;
    incident.signalIds.push(signal.id);
    this.seen.add(signal.id);
    for (const account of [signal.account, ...strings(signal.data?.targets)]) {
      if (!incident.accounts.includes(account)) incident.accounts.push(account);
    }
    if (signal.campaign && !incident.campaigns.includes(signal.campaign)) incident.campaigns.push(signal.campaign);
    incident.severity = maxSeverity(incident.severity, signal.severity);
    if (signal.time < incident.firstEvidenceAt) incident.firstEvidenceAt = signal.time;
    this.weigh(incident, signal);
    const fold = entryToFoldInto(incident.timeline, signal, this.config.correlation.timelineFoldHours);
    if (fold) fold.repeats = (fold.repeats ?? 0) + 1;
    else addEntry(incident.timeline, signalEntry(signal));
  }

  /** Kind and evidence after this signal joined; a review that becomes a takeover says so on its timeline. */
  private weigh(incident: Incident, signal: Signal): void {
    const strength = strengthOf(signal);
    const wasReview = incident.kind === 'review';
    incident.kind ??= 'takeover';
    incident.evidence ??= 'behaviour-only';
    if (strength !== 'review') incident.kind = 'takeover';
    const kinds = incident.timeline.map((e) => e.kind.replace(/^signal:/, ''));
    const signinAndPersistence =
      (isSignin(signal.detector) && kinds.some(isPersistence)) || (isPersistence(signal.detector) && kinds.some(isSignin));
    const becameStrong = incident.evidence !== 'strong' && (strength === 'strong' || signinAndPersistence);
    if (becameStrong) incident.evidence = 'strong';
    if (wasReview && incident.kind === 'takeover') {
      Object.assign(incident, takeoverTitle(incident.accounts[0] ?? signal.account));
      // an incident opened this very moment is announced by its opening entry
      if (incident.timeline.some((e) => e.kind === 'incident.opened')) addEntry(incident.timeline, raisedEntry(incident, signal));
    }
  }

  /** Waiting signals that now belong to the incident (its accounts or campaigns grew) join it. */
  private pullPending(incident: Incident): void {
    let grew = true;
    while (grew) {
      grew = false;
      for (const s of this.pending) {
        if (incident.accounts.includes(s.account) || (s.campaign && incident.campaigns.includes(s.campaign))) {
          this.attach(incident, s);
          grew = true;
        }
      }
      if (grew) this.pending = this.pending.filter((s) => !incident.signalIds.includes(s.id));
    }
  }
}
