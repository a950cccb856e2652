// `kizuki serve` as a function: opens the store, makes the first admin, seeds the demo, starts the takeover engine,
// the API and console, and the hourly retention job. close() stops all of it.
import { existsSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { ConfigError, type KizukiConfig } from '../config.js';
import { TakeoverEngine } from '../events/engine.js';
import { StoreSink } from '../events/store-sink.js';
import { openStore, type Store } from '../store/index.js';
import { Accounts } from './accounts.js';
import { buildServer } from './app.js';
import { Judging } from './judging.js';
import { runRetention } from './retention.js';
import { type RunningWatchers, startWatchers, type WatcherStatus } from './watchers.js';
import type { ResponseRunner } from '../respond/runner.js';

/** The repository (or installed package) root: build/src/server → ../../.. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEMO_SAMPLES = 'samples/seed-2017';
export const DEMO_SCENARIO = 'scenarios/2017-shared-you-a-file.yaml';

export interface ServiceOptions {
  config: KizukiConfig;
  /** seed the store with the 2017 samples and scenario when it holds nothing yet */
  demo?: boolean;
  /** where progress lines go (never secrets, except the first admin's one-time password, once) */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** the built console; default web/dist under the package root */
  webRoot?: string;
}

export interface RunningService {
  app: FastifyInstance;
  store: Store;
  accounts: Accounts;
  /** http://host:port */
  address: string;
  /** set when this start made the first admin: its one-time password */
  firstAdminPassword?: string;
  /** what the demo seeding did, when it ran */
  demo?: { messages: number; incidents: number };
  /** the configured providers' watchers and their playbook runner, when `providers:` is not empty */
  watchers?: RunningWatchers;
  close(): Promise<void>;
}

function intakeToken(config: KizukiConfig, env: NodeJS.ProcessEnv): string | undefined {
  // an empty variable counts as unset
  let token = env.KIZUKI_EVENTS_TOKEN?.trim() || undefined;
  if (!token && config.events.tokenFile) {
    try {
      token = readFileSync(config.events.tokenFile, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`events.tokenFile: cannot read ${config.events.tokenFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (token !== undefined && token.length < 16) throw new ConfigError('the events intake token must be at least 16 characters long');
  return token || undefined;
}

/** What the demo seeding leaves running: the playbook runner on a local copy of the 2017 organisation. */
export interface DemoResponse {
  runner: ResponseRunner;
  close(): Promise<void>;
}

/**
 * Judges the bundled 2017 samples into the store, replays the 2017 scenario and keeps its events, signals, incident
 * and incident record there, then starts the account-takeover playbook on a local copy of the organisation: its
 * steps wait for a person's approval, as they would on a real mailbox.
 */
export async function seedDemo(store: Store, storeUrl: string): Promise<{ messages: number; incidents: number; response?: DemoResponse }> {
  const [{ runScan }, { replayScenario }, { keepReplay }, { MemorySink }, { loadScenario }] = await Promise.all([
    import('../scan/run.js'),
    import('../incidents/replay.js'),
    import('../incidents/record-replay.js'),
    import('../events/sink.js'),
    import('../events/scenario.js'),
  ]);
  const { listActions } = await import('../respond/commands.js');
  const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
  await runScan([`${PACKAGE_ROOT}${DEMO_SAMPLES}`], { store: storeUrl, json: true, progress: false, workers: 1, dnsFixture: `${PACKAGE_ROOT}${DEMO_SAMPLES}/dns.json` }, quiet, process.stderr);
  const file = `${PACKAGE_ROOT}${DEMO_SCENARIO}`;
  const sink = new MemorySink();
  const summary = await replayScenario(file, { baseDir: PACKAGE_ROOT, sink, respond: false });
  await keepReplay(store, file, sink, { baseDir: PACKAGE_ROOT, actions: (s, id) => listActions(s, id) });
  const messages = (await store.listJudgedMessages({ limit: 1000 })).length;
  const incident = [...sink.incidents.values()].sort((a, b) => (a.openedAt < b.openedAt ? -1 : 1))[0];
  if (!incident) return { messages, incidents: summary.incidents_opened };

  const [{ LocalProvider }, { scenarioResponse, seedOrg }, { loadPlaybooks }, { ResponseRunner }, { buildContext }, { DEFAULT_RESPOND_CONFIG }] = await Promise.all([
    import('../providers/local/index.js'),
    import('../providers/local/seed.js'),
    import('../respond/playbook.js'),
    import('../respond/runner.js'),
    import('../respond/context.js'),
    import('../respond/config.js'),
  ]);
  const scenario = await loadScenario(file);
  const provider = new LocalProvider({ org: seedOrg(scenario, { baseDir: PACKAGE_ROOT, until: incident.openedAt }, scenarioResponse(file)) });
  const { playbooks } = await loadPlaybooks();
  const runner = new ResponseRunner({ store, providers: [provider], playbooks, orgDomains: scenario.orgDomains, config: DEFAULT_RESPOND_CONFIG });
  const signals = [...sink.signals.values()].filter((x) => incident.signalIds.includes(x.id));
  const events = [...sink.events.values()].filter((e) => incident.accounts.includes(e.account));
  await runner.respond(buildContext(incident, signals, events, scenario.orgDomains));
  return { messages, incidents: summary.incidents_opened, response: { runner, close: () => provider.close() } };
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config } = options;
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const eventsToken = intakeToken(config, env);
  const store = await openStore(config.store.url, { now });
  let watchers: RunningWatchers | undefined;
  try {
    const accounts = new Accounts(store, { now, sessionHours: config.service.sessionHours });
    let firstAdminPassword: string | undefined;
    if ((await accounts.countUsers()) === 0) {
      firstAdminPassword = (await accounts.createUser({ username: 'admin', role: 'admin' })).password;
      await accounts.audit({ actor: 'kizuki', action: 'user.create', target: 'admin', detail: { role: 'admin', firstStart: true } });
    }
    let demo: RunningService['demo'];
    let response: DemoResponse | undefined;
    if (options.demo && (await store.listIncidents({ limit: 1 })).length === 0 && (await store.listJudgedMessages({ limit: 1 })).length === 0) {
      log('seeding the demo: judging the 2017 samples and replaying the 2017 incident…');
      const seeded = await seedDemo(store, config.store.url);
      demo = { messages: seeded.messages, incidents: seeded.incidents };
      response = seeded.response;
    }
    const engine = new TakeoverEngine(new StoreSink(store), { config: { ...config.takeover, orgDomains: config.org.domains } });
    const detection = {
      ruleDirs: config.detection.ruleDirs,
      orgDomains: config.org.domains,
      knownContactDomains: config.detection.knownContactDomains,
      allow: config.detection.allow,
      block: config.detection.block,
    };
    const webRoot = options.webRoot ?? `${PACKAGE_ROOT}web/dist`;
    if (config.providers.length > 0) {
      log(`watching ${config.providers.map((p) => `${p.name} (${p.kind})`).join(', ')}`);
      watchers = await startWatchers({ config, store, log, env, now });
    }
    const watcherStatus = (): WatcherStatus[] => watchers?.status() ?? [];
    const app = await buildServer({
      watchers: watcherStatus,
      store,
      accounts,
      judging: new Judging(detection, now),
      orgDomains: config.org.domains,
      engine,
      // approvals drive the runner that acts: the watchers' one when providers are configured, else the demo's
      ...(watchers ? { runner: watchers.runner } : response ? { runner: response.runner } : {}),
      ...(eventsToken ? { eventsToken } : {}),
      webRoot,
      trustProxy: config.service.trustProxy,
      loginPerMinute: config.service.loginPerMinute,
      now,
    });
    if (!existsSync(webRoot)) log(`the console is not built (${webRoot} is missing): run npm run build; the API works without it`);
    await app.listen({ host: config.service.host, port: config.service.port });
    const bound = app.server.address();
    const port = typeof bound === 'object' && bound ? bound.port : config.service.port;
    const host = config.service.host.includes(':') ? `[${config.service.host}]` : config.service.host;
    const retention = setInterval(() => {
      const days = config.service.rawRetentionDays;
      runRetention(store, accounts, days === undefined ? {} : { rawDays: days }).catch((error: Error) => log(`retention: ${error.message}`));
    }, 3_600_000);
    retention.unref();
    const running: RunningService = {
      app,
      store,
      accounts,
      address: `http://${host}:${port}`,
      close: async () => {
        clearInterval(retention);
        await app.close();
        await watchers?.close();
        await response?.close();
        await store.close();
      },
    };
    if (firstAdminPassword) running.firstAdminPassword = firstAdminPassword;
    if (demo) running.demo = demo;
    if (watchers) running.watchers = watchers;
    return running;
  } catch (error) {
    await watchers?.close().catch(() => {});
    await store.close();
    throw error;
  }
}
