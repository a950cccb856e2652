// The engine's EventSink on Kizuki's Store (SQLite or PostgreSQL).
import type { AccountEvent, Incident, IncidentPhase, Signal } from '../model/events.js';
import type { Store } from '../store/index.js';
import type { EventSink } from './sink.js';

const OPEN_PHASES: IncidentPhase[] = ['detected', 'contained', 'eradicated', 'recovered'];

export class StoreSink implements EventSink {
  constructor(private readonly store: Store) {}

  /** The Store reports counts, not ids: look up which ids exist in the batch's time span first, in one transaction. */
  async putEvents(events: readonly AccountEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    return this.store.transaction(async (tx) => {
      const existing = new Set<string>();
      const byAccount = new Map<string, AccountEvent[]>();
      for (const event of events) byAccount.set(event.account, [...(byAccount.get(event.account) ?? []), event]);
      for (const [account, list] of byAccount) {
        const times = list.map((e) => e.time).sort();
        const from = times[0] ?? '';
        const to = new Date(Date.parse(times.at(-1) ?? from) + 1).toISOString();
        for (const stored of await tx.eventsForAccount(account, from, to)) existing.add(stored.id);
      }
      const outcome = await tx.putEvents(events);
      // refused (malformed) events are not stored, so they are not new either: the engine leaves them out
      const refused = new Set(outcome.rejected.map((r) => r.id));
      return new Set(events.filter((e) => !existing.has(e.id) && !refused.has(e.id)).map((e) => e.id));
    });
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
