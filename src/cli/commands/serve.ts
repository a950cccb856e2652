// `kizuki serve`: the API, the console and the takeover engine in one process; `npm start` runs it.
import type { Command } from 'commander';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from '../../config.js';
import { parseCount } from '../parse-count.js';

interface ServeOptions {
  config?: string;
  port?: number;
  host?: string;
  store?: string;
  demo?: boolean;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the service: HTTP API, web console and takeover engine (127.0.0.1:8720 by default)')
    .option('-c, --config <file>', `configuration file (default: ${DEFAULT_CONFIG_FILE} when present)`)
    .option('--port <n>', 'port to listen on (0 picks a free one)', (v) => (v === '0' ? 0 : parseCount(v)))
    .option('--host <host>', 'address to listen on')
    .option('--store <url>', 'database (sqlite:PATH, PATH or postgres://…)')
    .option('--no-demo', 'without a configuration, do not seed the 2017 demo incident into an empty store')
    .action(async (options: ServeOptions) => {
      const { existsSync } = await import('node:fs');
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig(options.config ? { path: options.config } : {});
      } catch (error) {
        process.stderr.write(`kizuki serve: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      if (options.port !== undefined) config.service.port = options.port;
      if (options.host) config.service.host = options.host;
      if (options.store) config.store.url = options.store;
      const configured = Boolean(options.config) || existsSync(DEFAULT_CONFIG_FILE);
      const { startService } = await import('../../server/service.js');
      let service: Awaited<ReturnType<typeof startService>>;
      try {
        service = await startService({ config, demo: !configured && options.demo !== false });
      } catch (error) {
        process.stderr.write(`kizuki serve: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const out = process.stdout;
      if (service.demo) out.write(`demo: ${service.demo.messages} sample messages judged, ${service.demo.incidents} incident(s) from the 2017 scenario\n`);
      out.write(`Kizuki console: ${service.address}/  (API docs: ${service.address}/api/docs)\n`);
      if (service.firstAdminPassword) {
        out.write(`first login: user admin, one-time password ${service.firstAdminPassword} (you will be asked to change it)\n`);
      }
      out.write('stop with Ctrl-C\n');
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        out.write(`${signal}: stopping…\n`);
        service.close().then(
          () => process.exit(0),
          (error: Error) => {
            process.stderr.write(`kizuki serve: ${error.message}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}
