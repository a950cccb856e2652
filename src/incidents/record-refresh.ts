// Keeps the records of open incidents up to date with what the store holds: the correlator's incident, its signals,
// the accounts' events and the respond stage's action log. What people changed (phase, times they set, owner,
// resolution, task status, notes) is kept: a refresh only adds what the automatic side learnt since.
import type { Incident, IncidentPhase } from '../model/events.js';
import type { Store } from '../store/types.js';
import { type IncidentRecord, PHASES } from './record.js';
import { buildRecord } from './record-build.js';
import { type ActionLogReader, respondActions } from './record-actions.js';
import { loadRecord, saveRecord } from './record-store.js';

const OPEN: IncidentPhase[] = ['detected', 'contained', 'eradicated', 'recovered'];
/** how far before the first evidence the accounts' history is read (contacts possibly exposed) */
const HISTORY_DAYS = 60;

export interface RefreshOptions {
  orgDomains: readonly string[];
  now: string;
  actions?: ActionLogReader;
}

/** Builds or updates the record of every incident that is not closed; returns the ids it wrote. */
export async function refreshRecords(store: Store, options: RefreshOptions): Promise<string[]> {
  const incidents: Incident[] = [];
  for (const phase of OPEN) incidents.push(...(await store.listIncidents({ phase, limit: 1000 })));
  const written: string[] = [];
  for (const incident of incidents) {
    const existing = await loadRecord(store, incident.id);
    if (existing?.phase === 'closed') continue;
    const from = new Date(Date.parse(incident.firstEvidenceAt) - HISTORY_DAYS * 86_400_000).toISOString();
    const signals = [];
    const events = [];
    for (const account of incident.accounts) {
      signals.push(...(await store.signalsForAccount(account)).filter((s) => incident.signalIds.includes(s.id)));
      events.push(...(await store.eventsForAccount(account, from, '9999-12-31T00:00:00.000Z')));
    }
    const built = buildRecord({
      incident,
      signals,
      events,
      actions: await (options.actions ?? respondActions)(store, incident.id),
      orgDomains: existing?.orgDomains ?? options.orgDomains,
      now: options.now,
    });
    await saveRecord(store, existing ? keepPeoplesChanges(built, existing) : built);
    written.push(incident.id);
  }
  return written;
}

function keepPeoplesChanges(built: IncidentRecord, existing: IncidentRecord): IncidentRecord {
  if (PHASES.indexOf(existing.phase) > PHASES.indexOf(built.phase)) built.phase = existing.phase;
  if (existing.times.containedAt) built.times.containedAt = existing.times.containedAt;
  if (existing.times.closedAt) built.times.closedAt = existing.times.closedAt;
  if (existing.owner) built.owner = existing.owner;
  if (existing.resolution) built.resolution = existing.resolution;
  // devices a person described stay as they are
  if (existing.devices.length > 0) built.devices = existing.devices;
  return built;
}
