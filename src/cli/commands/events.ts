// `kizuki events serve` (HTTP intake) and `kizuki events ingest` (a mailbox's Sent/Inbox files): account events
// into the store, through the takeover detectors, into incidents.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, type KizukiConfig, loadConfig } from '../../config.js';
import type { EventSource } from '../../events/sources/types.js';

interface CommonOptions {
  config?: string;
  store?: string;
}

function configFrom(options: CommonOptions): KizukiConfig {
  const config = loadConfig(options.config ? { path: options.config } : {});
  if (options.store) config.store.url = options.store;
  return config;
}

/** The token comes from a file or KIZUKI_EVENTS_TOKEN, never from the command line (it would show in `ps`). */
export function readIntakeToken(config: KizukiConfig, env: NodeJS.ProcessEnv = process.env): string {
  let token = env.KIZUKI_EVENTS_TOKEN?.trim();
  if (!token && config.events.tokenFile) {
    try {
      token = readFileSync(config.events.tokenFile, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`events.tokenFile: cannot read ${config.events.tokenFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (!token) throw new ConfigError('the events intake needs a token: set KIZUKI_EVENTS_TOKEN or events.tokenFile (at least 16 characters)');
  if (token.length < 16) throw new ConfigError('the events intake token must be at least 16 characters long');
  return token;
}

// The takeover stack is imported when a command runs, so `kizuki --help` and other commands stay quick to start.
async function runSource(config: KizukiConfig, source: EventSource, stop?: AbortSignal) {
  const [{ openStore }, { TakeoverEngine }, { StoreSink }] = await Promise.all([
    import('../../store/index.js'),
    import('../../events/engine.js'),
    import('../../events/store-sink.js'),
  ]);
  const store = await openStore(config.store.url);
  try {
    const engine = new TakeoverEngine(new StoreSink(store), { config: { ...config.takeover, orgDomains: config.org.domains } });
    const totals = { accepted: 0, duplicates: 0, signals: 0 };
    await source.run(async (events) => {
      const result = await engine.ingest(events);
      totals.accepted += result.accepted;
      totals.duplicates += result.duplicates;
      totals.signals += result.signals.length;
      for (const signal of result.signals) process.stderr.write(`signal ${signal.time} ${signal.detector} ${signal.account}: ${signal.en}\n`);
      return result;
    }, stop);
    return { totals, incidents: engine.openIncidents() };
  } finally {
    await store.close();
  }
}

function fail(error: unknown): number {
  process.stderr.write(`kizuki events: ${(error as Error).message}\n`);
  return 2;
}

export function register(program: Command): void {
  const events = program.command('events').description('account events: intake over HTTP, or from a mailbox\'s exported folders');

  events
    .command('serve')
    .description('accept events posted as JSON to /v1/events (bearer token required), store them and detect takeovers')
    .option('-c, --config <file>', 'configuration file')
    .option('--store <url>', 'database (sqlite:PATH, PATH or postgres://…)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port (default 8725)', (v) => Number.parseInt(v, 10))
    .action(async (options: CommonOptions & { host?: string; port?: number }) => {
      try {
        const config = configFrom(options);
        const token = readIntakeToken(config);
        const { httpEventSource } = await import('../../events/sources/http.js');
        const stop = new AbortController();
        process.once('SIGINT', () => stop.abort());
        process.once('SIGTERM', () => stop.abort());
        const source = httpEventSource({
          token,
          host: options.host ?? config.events.host,
          port: options.port ?? config.events.port,
          maxBodyBytes: config.events.maxBodyBytes,
          onListening: (address) => process.stderr.write(`kizuki events: listening on http://${address.address}:${address.port}/v1/events\n`),
        });
        await runSource(config, source, stop.signal);
      } catch (error) {
        process.exitCode = fail(error);
      }
    });

  events
    .command('ingest')
    .description("read a mailbox's Sent and Inbox (mbox or .eml), judge each message, and look for a takeover")
    .requiredOption('--account <address>', 'the mailbox the files belong to')
    .option('--sent <files...>', 'Sent folder files')
    .option('--inbox <files...>', 'Inbox files')
    .option('-c, --config <file>', 'configuration file')
    .option('--store <url>', 'database (sqlite:PATH, PATH or postgres://…)')
    .option('--json', 'print the open incidents as JSON')
    .action(async (options: CommonOptions & { account: string; sent?: string[]; inbox?: string[]; json?: boolean }) => {
      try {
        const config = configFrom(options);
        const [{ loadPipelineJudge }, { mailboxFilesSource }] = await Promise.all([
          import('../../events/message-event.js'),
          import('../../events/sources/files.js'),
        ]);
        const problems: string[] = [];
        const judge = await loadPipelineJudge(config.org.domains, () => new Date());
        const source = mailboxFilesSource({
          account: options.account.toLowerCase(),
          sent: options.sent ?? [],
          inbox: options.inbox ?? [],
          judge,
          onError: (where, error) => problems.push(`${where}: ${error.message}`),
        });
        const { totals, incidents } = await runSource(config, source);
        for (const problem of problems) process.stderr.write(`kizuki events: ${problem}\n`);
        if (options.json) process.stdout.write(`${JSON.stringify({ ...totals, incidents }, null, 2)}\n`);
        else {
          process.stdout.write(`${totals.accepted} new events (${totals.duplicates} already stored), ${totals.signals} signals\n`);
          for (const incident of incidents) process.stdout.write(`incident ${incident.id} [${incident.severity}] ${incident.title} — ${incident.accounts.join(', ')}\n`);
        }
        process.exitCode = problems.length ? 2 : incidents.length ? 1 : 0;
      } catch (error) {
        process.exitCode = fail(error);
      }
    });

  events
    .command('bounces')
    .description('measure the bounce parser on a labelled corpus (labels.tsv with bounce kinds in its tags column)')
    .option('--corpus <dir>', 'the corpus folder holding labels.tsv', '../shared/corpus')
    .option('--json', 'print the figures as JSON')
    .action(async (options: { corpus: string; json?: boolean }) => {
      try {
        const { evaluateBounces } = await import('../../events/bounce-eval.js');
        const r = await evaluateBounces(options.corpus);
        if (options.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else {
          process.stdout.write(
            [
              `${r.files} files: ${r.detected} of ${r.labelledBounces} labelled bounces recognised as failed deliveries`,
              `  with a recipient ${r.withRecipient}, with recipient and status ${r.withRecipientAndStatus} (naming a reason, not X.0.0: ${r.withRecipientAndSpecificStatus}; read from the notice's words: ${r.statusFromWords}), with the original Message-ID ${r.withOriginalMessageId}`,
              `  auto-replies and feedback reports not counted as bounces: ${r.nonBouncesNotCounted} of ${r.labelledNonBounces} (feedback reports recognised: ${r.feedbackReportsRecognised})`,
              `  kinds: ${Object.entries(r.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`,
              `  unreadable: ${r.errors.length}`,
              '',
            ].join('\n'),
          );
        }
      } catch (error) {
        process.exitCode = fail(error);
      }
    });
}
