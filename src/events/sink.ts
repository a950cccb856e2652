// Where the takeover engine keeps events, signals and incidents. The engine speaks only this small
// interface, so replay and tests run in memory and production runs on the Store.
import type { AccountEvent, Incident, Signal } from '../model/events.js';

export interface EventSink {
  /** Stores the events (idempotent by id) before anything acknowledges them; returns the ids that were new. */
  putEvents(events: readonly AccountEvent[]): Promise<Set<string>>;
  /** Events of one account with fromIso <= time < toIso, oldest first. */
  eventsForAccount(account: string, fromIso: string, toIso: string): Promise<AccountEvent[]>;
  /** Idempotent by signal id. */
  putSignals(signals: readonly Signal[]): Promise<void>;
  /** Inserts or replaces by incident id. */
  putIncident(incident: Incident): Promise<void>;
  /** Incidents not closed. */
  openIncidents(): Promise<Incident[]>;
}

/** An EventSink in memory: for replay, tests and benchmarks. Copies values so callers cannot alias them. */
export class MemorySink implements EventSink {
  readonly events = new Map<string, AccountEvent>();
  readonly signals = new Map<string, Signal>();
  readonly incidents = new Map<string, Incident>();

  async putEvents(events: readonly AccountEvent[]): Promise<Set<string>> {
    const fresh = new Set<string>();
    for (const event of events) {
      if (this.events.has(event.id)) continue;
      this.events.set(event.id, structuredClone(event));
      fresh.add(event.id);
    }
    return fresh;
  }

  async eventsForAccount(account: string, fromIso: string, toIso: string): Promise<AccountEvent[]> {
    return [...this.events.values()]
      .filter((e) => e.account === account && e.time >= fromIso && e.time < toIso)
      .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : 1))
      .map((e) => structuredClone(e));
  }

  async putSignals(signals: readonly Signal[]): Promise<void> {
    for (const signal of signals) if (!this.signals.has(signal.id)) this.signals.set(signal.id, structuredClone(signal));
  }

  async putIncident(incident: Incident): Promise<void> {
    this.incidents.set(incident.id, structuredClone(incident));
  }

  async openIncidents(): Promise<Incident[]> {
    return [...this.incidents.values()].filter((i) => i.phase !== 'closed').map((i) => structuredClone(i));
  }
}
