// The takeover engine: stores events first, then runs them through the detectors in time order and
// correlates the signals into incidents. All its state can be rebuilt from the stored events, so a
// restart loses nothing and the same events given twice change nothing.
import type { AccountEvent, Incident, Signal } from '../model/events.js';
import { Correlator } from '../incidents/correlate.js';
import { type TakeoverConfig, takeoverConfig, type TakeoverConfigInput } from './config.js';
import { type Detector, takeoverDetectors } from './detectors/index.js';
import { byTimeThenId } from './event.js';
import type { EventSink } from './sink.js';
import { DAY } from './window.js';

export interface IngestResult {
  /** events new to the store */
  accepted: number;
  /** events already stored before (ignored) */
  duplicates: number;
  signals: Signal[];
  /** incidents opened or changed by this batch */
  incidents: Incident[];
}

export interface EngineOptions {
  config?: TakeoverConfigInput;
  /**
   * Clock for the moments Kizuki notices things (incident opening). Replay passes the simulated
   * time of the event being processed; live intake passes the wall clock.
   */
  clock?: () => Date;
}

export class TakeoverEngine {
  readonly config: TakeoverConfig;
  private readonly detectors: Detector[];
  private readonly correlator: Correlator;
  private readonly processed = new Map<string, number>();
  private readonly hydrated = new Set<string>();
  private simulatedNow: Date | undefined;
  private restored = false;

  constructor(
    private readonly sink: EventSink,
    options: EngineOptions = {},
  ) {
    this.config = takeoverConfig(options.config);
    this.detectors = takeoverDetectors(this.config);
    const clock = options.clock;
    this.correlator = new Correlator(this.config, () => clock?.() ?? this.simulatedNow ?? new Date());
  }

  /** Accounts for which any detector keeps state. */
  trackedAccounts(): number {
    return Math.max(0, ...this.detectors.map((d) => d.trackedAccounts()));
  }

  openIncidents(): Incident[] {
    return this.correlator.openIncidents();
  }

  /**
   * Store the events, then detect and correlate. Resolves only after events, signals and incidents
   * are stored: a caller may acknowledge the events once it resolves.
   */
  async ingest(batch: readonly AccountEvent[]): Promise<IngestResult> {
    if (!this.restored) {
      this.correlator.restore(await this.sink.openIncidents());
      this.restored = true;
    }
    const sorted = [...batch].sort(byTimeThenId);
    const signals: Signal[] = [];
    const changed = new Map<string, Incident>();
    // Before storing the batch, rebuild the state of accounts not seen since start from what is stored. Signals
    // found again this way are stored again (a crash may have come between storing events and their signals) but
    // are not reported as new.
    const recovered: Signal[] = [];
    for (const account of new Set(sorted.map((e) => e.account))) {
      if (this.hydrated.has(account)) continue;
      this.hydrated.add(account);
      const first = sorted.find((e) => e.account === account)?.time ?? new Date().toISOString();
      const since = new Date(Date.parse(first) - this.config.baselineDays * DAY).toISOString();
      const stored = await this.sink.eventsForAccount(account, since, '9999-12-31T23:59:59.999Z');
      for (const event of stored) this.process(event, recovered, changed);
    }
    const fresh = await this.sink.putEvents(sorted);
    let accepted = 0;
    for (const event of sorted) {
      if (!fresh.has(event.id) || this.processed.has(event.id)) continue;
      accepted++;
      this.process(event, signals, changed);
    }
    if (signals.length + recovered.length > 0) await this.sink.putSignals([...recovered, ...signals]);
    for (const incident of changed.values()) await this.sink.putIncident(incident);
    this.forgetOld(sorted.at(-1));
    return { accepted, duplicates: sorted.length - accepted, signals, incidents: [...changed.values()] };
  }

  private process(event: AccountEvent, signals: Signal[], changed: Map<string, Incident>): void {
    if (this.processed.has(event.id)) return;
    this.processed.set(event.id, Date.parse(event.time));
    this.simulatedNow = new Date(event.time);
    for (const detector of this.detectors) {
      for (const signal of detector.observe(event)) {
        const incident = this.correlator.accept(signal);
        signals.push(signal);
        if (incident) changed.set(incident.id, incident);
      }
    }
  }

  private forgetOld(latest: AccountEvent | undefined): void {
    if (!latest || this.processed.size < 100_000) return;
    const horizon = Date.parse(latest.time) - this.config.baselineDays * DAY;
    for (const [id, at] of this.processed) if (at < horizon) this.processed.delete(id);
  }
}
