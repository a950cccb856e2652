// What `kizuki serve` keeps running for the providers under `providers:`: the watch loop (src/watch/run.ts, not
// --once) over all of them, and the playbook runner for the incidents its takeover engine opens or changes. The
// engine has no "incident opened" hook, so the store's open incidents are looked at every few seconds and each one
// opened or changed since the service started is handed to ResponseRunner.respond, which starts a run once per
// incident and playbook and otherwise resumes it (approval-gated by the configuration's respond modes and
// guardrails). Incidents already in the store at start (a replay kept there, an old case) are left alone until the
// engine raises them again, so starting the service never launches playbooks on history. Each watcher's state
// (running, last message fetched, last problem in plain words) is kept for GET /api/status.
import { Writable } from 'node:stream';
import type { KizukiConfig } from '../config.js';
import type { AccountEvent, Incident, Signal } from '../model/events.js';
import { buildContext } from '../respond/context.js';
import { formatProblem, loadPlaybooks } from '../respond/playbook.js';
import { ResponseRunner } from '../respond/runner.js';
import { createProvider } from '../providers/index.js';
import type { Provider } from '../providers/types.js';
import type { Store } from '../store/types.js';
import { runWatch, type WatchRunResult } from '../watch/run.js';

export type WatcherState = 'running' | 'stopped';

/** One configured provider's watcher, as GET /api/status shows it (plain JSON, never a secret). */
export interface WatcherStatus {
  name: string;
  kind: string;
  state: WatcherState;
  startedAt: string;
  /** when the last new message was fetched and judged */
  lastFetchAt?: string;
  /** new messages judged since the service started */
  messages: number;
  /** the last problem the loop reported for this provider, in plain words */
  lastError?: string;
  lastErrorAt?: string;
}

export interface WatchersOptions {
  config: KizukiConfig;
  store: Store;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** how often the open incidents are looked at; default 3000 ms */
  incidentPollMs?: number;
}

export interface RunningWatchers {
  status(): WatcherStatus[];
  /** the playbook runner acting through the configured providers (the API's approvals drive it) */
  runner: ResponseRunner;
  /** looks at the open incidents now (the timer does this every few seconds); resolves when done */
  pollIncidents(): Promise<void>;
  /** stops every watcher after the message in hand, then the incident poll, then closes the runner's providers */
  close(): Promise<void>;
}

const EARLIEST = '0000-01-01T00:00:00.000Z';
const LATEST = '9999-12-31T23:59:59.999Z';

/** What changes when the engine raises an incident: its signals, phase or timeline. */
function incidentKey(incident: Incident): string {
  return `${incident.phase}|${incident.signalIds.length}|${incident.timeline.length}|${incident.evidence ?? ''}`;
}

async function contextFor(store: Store, incident: Incident, orgDomains: readonly string[]) {
  const wanted = new Set(incident.signalIds);
  const signals: Signal[] = [];
  const events: AccountEvent[] = [];
  for (const account of incident.accounts) {
    for (const s of await store.signalsForAccount(account)) if (wanted.has(s.id)) signals.push(s);
    events.push(...(await store.eventsForAccount(account, EARLIEST, LATEST)));
  }
  return buildContext(incident, signals, events, orgDomains);
}

/** A stream that hands each complete line to `line`. */
function lineStream(line: (text: string) => void): Writable {
  let rest = '';
  return new Writable({
    write(chunk, _encoding, done) {
      const parts = (rest + String(chunk)).split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) if (part.trim()) line(part);
      done();
    },
  });
}

export async function startWatchers(options: WatchersOptions): Promise<RunningWatchers> {
  const { config, store, log } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const statuses = new Map<string, WatcherStatus>(
    config.providers.map((entry) => [entry.name, { name: entry.name, kind: entry.kind, state: 'running', startedAt, messages: 0 }]),
  );

  // the runner: its own provider connections (the loop's are busy fetching), the configured playbooks and guardrails
  const { playbooks, problems } = await loadPlaybooks(config.respond.playbookDirs);
  for (const p of problems) log(`playbooks: ${formatProblem(p)}`);
  // each provider is built on its own, so one that cannot be (no secret, a bad entry) is reported and left out
  // while the others are watched
  const actors: Provider[] = [];
  for (const entry of config.providers) {
    try {
      actors.push(await createProvider(entry, { env, now, log: (line) => log(`respond: ${line}`) }));
    } catch (error) {
      const status = statuses.get(entry.name);
      if (status) Object.assign(status, { state: 'stopped', lastError: (error as Error).message, lastErrorAt: now().toISOString() });
      log(`watch: ${entry.name}: cannot start: ${(error as Error).message}`);
    }
  }
  const runner = new ResponseRunner({ store, providers: actors, playbooks, orgDomains: config.org.domains, config: config.respond });

  // what is already in the store when the service starts: the baseline the poll compares against
  const seen = new Map<string, string>();
  for (const incident of await store.listIncidents({ limit: 500 })) seen.set(incident.id, incidentKey(incident));

  // the watch loop, all providers in one run; its lines about a provider become that watcher's last problem
  const controller = new AbortController();
  const names = [...statuses.keys()];
  const problemLine = (text: string) => {
    const body = text.replace(/^kizuki watch: /, '');
    const name = names.find((n) => body.startsWith(`${n}: `));
    if (name) {
      const status = statuses.get(name);
      if (status) {
        status.lastError = body.slice(name.length + 2);
        status.lastErrorAt = now().toISOString();
        if (status.lastError.startsWith('stopped')) status.state = 'stopped';
      }
    }
    log(`watch: ${body}`);
  };
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const usable = actors.map((p) => p.name);
  const watching: Promise<WatchRunResult | undefined> = usable.length === 0 ? Promise.resolve(undefined) : runWatch(config, {
    signal: controller.signal,
    only: usable,
    store,
    json: true,
    out: quiet,
    err: lineStream(problemLine),
    env,
    now,
    onMessage(provider, processed) {
      const status = statuses.get(provider);
      if (!status || processed.repeated) return;
      status.messages += 1;
      status.lastFetchAt = now().toISOString();
    },
  }).then(
    (result) => {
      for (const outcome of result.outcomes) {
        const status = statuses.get(outcome.provider);
        if (!status) continue;
        status.state = 'stopped';
        if (outcome.stoppedBy) status.lastError = outcome.stoppedBy;
      }
      for (const name of usable) {
        const status = statuses.get(name);
        if (status) status.state = 'stopped';
      }
      return result;
    },
    (error: Error) => {
      // a provider that cannot start (no secret, bad address) is reported, and the service goes on without it
      const at = now().toISOString();
      for (const name of usable) Object.assign(statuses.get(name) ?? {}, { state: 'stopped', lastError: error.message, lastErrorAt: at });
      log(`watch: the watchers could not start: ${error.message}`);
      return undefined;
    },
  );

  // the incident poll: each open incident that is new or changed since last time goes to the runner
  let polling: Promise<void> = Promise.resolve();
  let closed = false;
  const pollOnce = async () => {
    const incidents = await store.listIncidents({ limit: 500 });
    for (const incident of incidents) {
      if (closed) return;
      if (incident.phase === 'closed') continue;
      const key = incidentKey(incident);
      if (seen.get(incident.id) === key) continue;
      try {
        const runs = await runner.respond(await contextFor(store, incident, config.org.domains));
        seen.set(incident.id, key);
        for (const run of runs) log(`respond: incident ${incident.id}: playbook ${run.playbook} ${run.state}`);
      } catch (error) {
        // left out of `seen`, so the next poll tries again; other incidents go on
        log(`respond: incident ${incident.id}: ${(error as Error).message}`);
      }
    }
  };
  const pollIncidents = () => {
    polling = polling.then(pollOnce).catch((error: Error) => log(`respond: looking at the open incidents failed: ${error.message}`));
    return polling;
  };
  const timer = setInterval(() => {
    if (!closed) void pollIncidents();
  }, options.incidentPollMs ?? 3000);
  timer.unref();
  void pollIncidents();

  return {
    status: () => [...statuses.values()].map((s) => ({ ...s })),
    runner,
    pollIncidents,
    async close() {
      controller.abort(new Error('the service is stopping'));
      await watching;
      closed = true;
      clearInterval(timer);
      await polling;
      await Promise.all(actors.map((p) => p.close().catch(() => {})));
    },
  };
}
