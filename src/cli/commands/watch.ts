// `kizuki watch [--config FILE] [--once] [--json]` — watch every configured mailbox: judge each new message, feed the
// takeover engine, remember where it stopped. SIGINT/SIGTERM stop after the message in hand.
import { type Command, Option } from 'commander';

interface WatchCliOptions {
  config?: string;
  store?: string;
  once?: boolean;
  json?: boolean;
  lang?: 'en' | 'ja';
  provider?: string[];
}

export function register(program: Command): void {
  program
    .command('watch')
    .description('watch the configured mailboxes (providers:) and judge every new message; --once reads what is new and exits')
    .option('-c, --config <file>', 'configuration file (default: kizuki.config.yaml when present)')
    .option('--store <url>', 'database (sqlite:PATH, PATH or postgres://…)')
    .option('--once', 'read what is new since the last run, judge it, and exit (for cron)')
    .option('--json', 'print one JSON object per new message (JSON Lines, schema kizuki.scan/1)')
    .option('--provider <name...>', 'only these providers (by name)')
    .addOption(new Option('--lang <lang>', 'language of the table and messages').choices(['en', 'ja']))
    .action(async (options: WatchCliOptions) => {
      const [{ ConfigError, loadConfig }, { langFromEnv }] = await Promise.all([import('../../config.js'), import('../../scan/format.js')]);
      let config: Awaited<ReturnType<typeof loadConfig>>;
      try {
        config = loadConfig(options.config ? { path: options.config } : {});
        if (options.store) config.store.url = options.store;
      } catch (error) {
        process.stderr.write(`kizuki: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const stop = new AbortController();
      const onSignal = () => stop.abort(new Error('stopped by signal'));
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const { runWatch } = await import('../../watch/run.js');
        const result = await runWatch(config, {
          once: options.once ?? false,
          json: options.json ?? false,
          lang: options.lang ?? langFromEnv(),
          ...(options.provider ? { only: options.provider } : {}),
          signal: stop.signal,
          out: process.stdout,
          err: process.stderr,
        });
        process.exitCode = result.exitCode;
      } catch (error) {
        process.stderr.write(`kizuki watch: ${(error as Error).message}\n`);
        process.exitCode = 2;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
