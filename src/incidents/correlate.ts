// Correlation: signals about the same account or campaign become one open incident instead of a
// flood of alerts. A signal joins an open incident that names its account or campaign; otherwise it
// waits, and an incident opens once the waiting signals about one account or campaign weigh enough.
import { maxSeverity, SEVERITY_POINTS, type TakeoverConfig } from '../events/config.js';
import { stableId, strings } from '../events/event.js';
import type { Incident, Signal } from '../model/events.js';
import { addEntry, entryToFoldInto, openedEntry, signalEntry } from './timeline.js';

const HOUR_MS = 3_600_000;

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
    if (weight < this.config.correlation.openAt) {
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
      title: `Possible takeover of ${first.account}`,
      titleJa: `${first.account} の乗っ取りの疑い`,
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
    const fold = entryToFoldInto(incident.timeline, signal, this.config.correlation.timelineFoldHours);
    if (fold) fold.repeats = (fold.repeats ?? 0) + 1;
    else addEntry(incident.timeline, signalEntry(signal));
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
