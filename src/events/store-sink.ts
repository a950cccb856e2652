// The engine's EventSink on Kizuki's Store (SQLite or PostgreSQL).
import type { AccountEvent, Incident, IncidentPhase, Signal } from '../model/events.js';
import type { Store } from '../store/index.js';
import type { EventSink } from './sink.js';

const OPEN_PHASES: IncidentPhase[] = ['detected', 'contained', 'eradicated', 'recovered'];

export class StoreSink implements EventSink {
  constructor(private readonly store: Store) {}

  /** The ids of the events that were new to the store (already-stored and refused ones are not). */
  async putEvents(events: readonly AccountEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const outcome = await this.store.putEvents(events);
    return new Set(outcome.insertedIds);
  }

  eventsForAccount(account: string, fromIso: string, toIso: string): Promise<AccountEvent[]> {
    return this.store.eventsForAccount(account, fromIso, toIso);
  }

  async putSignals(signals: readonly Signal[]): Promise<void> {
    await this.store.putSignals(signals);
  }

  putIncident(incident: Incident): Promise<void> {
    return this.store.putIncident(incident);
  }

  async openIncidents(): Promise<Incident[]> {
    const all: Incident[] = [];
    for (const phase of OPEN_PHASES) all.push(...(await this.store.listIncidents({ phase, limit: 1000 })));
    return all;
  }
}
