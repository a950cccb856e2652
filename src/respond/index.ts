// The response stage's front door: given an incident in the store, run (or resume) every matching playbook.
// The watch loop, the events intake and the worker call this when an incident opens or changes.
import type { Incident, Signal } from '../model/events.js';
import type { Provider } from '../providers/types.js';
import type { Store } from '../store/types.js';
import type { RespondConfig } from './config.js';
import { buildContext } from './context.js';
import { type LoadedPlaybooks, loadPlaybooks } from './playbook.js';
import { ResponseRunner, type RunnerClock } from './runner.js';
import type { RunRow } from './types.js';

export { buildContext, evidenceStrength } from './context.js';
export { formatProblem, loadPlaybooks } from './playbook.js';
export { ResponseRunner } from './runner.js';
export type { Playbook, ResponseContext, RunRow, StepRow } from './types.js';

export interface RespondOptions {
  store: Store;
  providers: readonly Provider[];
  config: RespondConfig;
  orgDomains: readonly string[];
  /** loaded once by the caller and reused; default: loaded now from the built-in and configured folders */
  playbooks?: LoadedPlaybooks;
  clock?: RunnerClock;
}

/** Reads the incident's signals and the events they rest on from the store, and runs the matching playbooks. */
export async function respondToIncident(incident: Incident, options: RespondOptions): Promise<RunRow[]> {
  const signals: Signal[] = [];
  for (const account of incident.accounts) signals.push(...(await options.store.signalsForAccount(account)));
  const own = signals.filter((s) => incident.signalIds.includes(s.id));
  const evidence = new Set(own.flatMap((s) => s.evidence));
  const events = [];
  const to = new Date(Date.parse(incident.openedAt) + 86_400_000).toISOString();
  for (const account of incident.accounts) {
    for (const event of await options.store.eventsForAccount(account, incident.firstEvidenceAt, to)) if (evidence.has(event.id)) events.push(event);
  }
  const context = buildContext(incident, own, events, options.orgDomains);
  const loaded = options.playbooks ?? (await loadPlaybooks(options.config.playbookDirs));
  const runner = new ResponseRunner({
    store: options.store,
    providers: options.providers,
    playbooks: loaded.playbooks,
    orgDomains: options.orgDomains,
    config: options.config,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return runner.respond(context);
}
