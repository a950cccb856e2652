// `kizuki worker`: takes analysis and event jobs from the shared PostgreSQL queue (pg-boss); run one per machine or
// core. `kizuki worker enqueue <paths…>` queues .eml files (or folders of them) for the workers.
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { parseCount } from '../parse-count.js';

interface WorkerOptions {
  config?: string;
  store?: string;
  concurrency?: number;
  name?: string;
}

function storeUrl(options: WorkerOptions): string {
  const config = loadConfig(options.config ? { path: options.config } : {});
  const url = options.store ?? config.store.url;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('workers share their work through PostgreSQL: give --store postgres://… (or store.url / KIZUKI_STORE_URL)');
  return url;
}

async function* emlFiles(paths: string[]): AsyncGenerator<string> {
  const { readdir, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      for (const entry of (await readdir(path)).sort()) if (entry.endsWith('.eml')) yield join(path, entry);
    } else yield path;
  }
}

export function register(program: Command): void {
  const worker = program
    .command('worker')
    .description('take analysis and event jobs from the shared PostgreSQL queue (several workers on several machines share them)')
    .option('-c, --config <file>', 'configuration file')
    .option('--store <url>', 'the shared PostgreSQL store, postgres://…')
    .option('--concurrency <n>', 'jobs in hand at once', parseCount, 1)
    .option('--name <name>', 'name of this worker in its log lines', `${process.pid}`)
    .action(async (options: WorkerOptions) => {
      let url: string;
      try {
        url = storeUrl(options);
      } catch (error) {
        process.stderr.write(`kizuki worker: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const config = loadConfig(options.config ? { path: options.config } : {});
      const [{ openStore }, { openQueue, startWorking }, { Judging }, { Accounts }, { TakeoverEngine }, { StoreSink }] = await Promise.all([
        import('../../store/index.js'),
        import('../../server/jobs.js'),
        import('../../server/judging.js'),
        import('../../server/accounts.js'),
        import('../../events/engine.js'),
        import('../../events/store-sink.js'),
      ]);
      let store: Awaited<ReturnType<typeof openStore>>;
      let boss: Awaited<ReturnType<typeof openQueue>>;
      try {
        store = await openStore(url);
      } catch (error) {
        process.stderr.write(`kizuki worker: ${(error as Error).message}\n`);
        process.exit(2);
      }
      try {
        boss = await openQueue(url);
      } catch (error) {
        process.stderr.write(`kizuki worker: the job queue did not start: ${(error as Error).message}\n`);
        await store.close();
        process.exit(2);
      }
      const accounts = new Accounts(store);
      const judging = new Judging({ ruleDirs: config.detection.ruleDirs, orgDomains: config.org.domains, knownContactDomains: config.detection.knownContactDomains, allow: config.detection.allow, block: config.detection.block });
      const engine = new TakeoverEngine(new StoreSink(store), { config: { ...config.takeover, orgDomains: config.org.domains } });
      const stopWork = await startWorking(
        boss,
        {
          store,
          judging,
          engine,
          disabledRules: async () => new Set([...(await accounts.ruleSwitches())].filter(([, on]) => !on).map(([id]) => id)),
          onJudged: (m) => process.stdout.write(`judged ${m.sha256} ${m.verdict} by ${options.name}\n`),
        },
        { concurrency: options.concurrency ?? 1, pollSeconds: 0.5 },
      );
      process.stdout.write(`worker ${options.name} ready\n`);
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await stopWork();
        await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });

  worker
    .command('enqueue')
    .description('queue .eml files (or folders of them) for the workers to judge')
    .argument('<paths...>', 'message files or folders')
    .option('--store <url>', 'the shared PostgreSQL store, postgres://…')
    .action(async (paths: string[], options: WorkerOptions) => {
      let url: string;
      try {
        url = storeUrl({ ...worker.opts(), ...options });
      } catch (error) {
        process.stderr.write(`kizuki worker enqueue: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const { readFile } = await import('node:fs/promises');
      const { openQueue, enqueueMessage } = await import('../../server/jobs.js');
      const boss = await openQueue(url);
      let queued = 0;
      try {
        for await (const file of emlFiles(paths)) if (await enqueueMessage(boss, await readFile(file), file)) queued++;
      } finally {
        await boss.stop({ graceful: false, wait: true });
      }
      process.stdout.write(`${queued} message(s) queued\n`);
    });
}
