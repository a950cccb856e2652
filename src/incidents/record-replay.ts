// Keeps a replayed incident in a store: its events, signals and incident, and the record built from them, so that
// `kizuki incident …` and `kizuki report …` work on a replay as on a live incident.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadScenario } from '../events/scenario.js';
import type { MemorySink } from '../events/sink.js';
import type { AccountEvent, Incident } from '../model/events.js';
import { type ActionLogReader, respondActions } from './record-actions.js';
import type { Store } from '../store/types.js';
import type { IncidentRecord } from './record.js';
import { buildRecord } from './record-build.js';
import { saveRecord } from './record-store.js';


export interface KeepReplayOptions {
  /** folder the scenario's `eml` paths are relative to; default: the scenario folder's parent */
  baseDir?: string;
  /** the action log; default: the respond stage's tables in the same store */
  actions?: ActionLogReader;
  /** when the record is written; default: the latest time in the replay (simulated time, so reruns agree) */
  now?: string;
}

export async function keepReplay(store: Store, scenarioFile: string, sink: MemorySink, options: KeepReplayOptions = {}): Promise<IncidentRecord[]> {
  const scenario = await loadScenario(scenarioFile);
  const baseDir = options.baseDir ?? path.resolve(path.dirname(scenarioFile), '..');
  const events = [...sink.events.values()];
  const signals = [...sink.signals.values()];
  const incidents = [...sink.incidents.values()];
  const now = options.now ?? events.map((e) => e.time).sort().at(-1) ?? new Date(0).toISOString();

  // the sample messages behind judged events become evidence, with their bytes
  const bytes = new Map<string, Uint8Array>();
  const sources = new Map<string, { name: string; source: string; size: number }>();
  for (const e of events) {
    const eml = typeof e.data.eml === 'string' ? e.data.eml : undefined;
    if (!eml) continue;
    const raw = new Uint8Array(await readFile(path.resolve(baseDir, eml)));
    const sha = createHash('sha256').update(raw).digest('hex');
    bytes.set(sha, raw);
    sources.set(sha, { name: path.basename(eml), source: `${eml} (scenario ${scenario.name}, ${e.kind} of ${e.account})`, size: raw.byteLength });
  }

  const records: IncidentRecord[] = [];
  await store.transaction(async (tx) => {
    for (let i = 0; i < events.length; i += 500) await tx.putEvents(events.slice(i, i + 500));
    for (let i = 0; i < signals.length; i += 500) await tx.putSignals(signals.slice(i, i + 500));
    for (const incident of incidents) await tx.putIncident(incident);
    for (const incident of incidents) {
      const record = buildRecord({
        incident,
        signals: signals.filter((s) => incident.signalIds.includes(s.id)),
        events: eventsOf(incident, events),
        actions: await (options.actions ?? respondActions)(tx, incident.id),
        orgDomains: scenario.orgDomains,
        now,
        evidenceSources: sources,
      });
      await saveRecord(tx, record, bytes);
      // the correlation's incident follows what the action log says about containment
      if (record.times.containedAt && !incident.containedAt) {
        await tx.putIncident({ ...incident, phase: incident.phase === 'detected' ? 'contained' : incident.phase, containedAt: record.times.containedAt });
      }
      records.push(record);
    }
  });
  return records;
}

function eventsOf(incident: Incident, events: AccountEvent[]): AccountEvent[] {
  return events.filter((e) => incident.accounts.includes(e.account));
}

/** Opens the store at `url`, keeps the replay in it and closes it again; returns the ids of the kept incidents. */
export async function keepReplayAt(url: string, scenarioFile: string, sink: MemorySink, options: KeepReplayOptions = {}): Promise<string[]> {
  const { openStore } = await import('../store/index.js');
  const store = await openStore(url);
  try {
    return (await keepReplay(store, scenarioFile, sink, options)).map((r) => r.incidentId);
  } finally {
    await store.close();
  }
}
