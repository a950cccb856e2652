// `kizuki scand` — the scan daemon: keeps analysis workers, rules and the store warm for `kizuki scan`.
import { type Command, Option } from 'commander';
import { parseCount } from '../parse-count.js';

export function register(program: Command): void {
  program
    .command('scand')
    .description('run the scan daemon: `kizuki scan` with the same settings hands it its scans (warm workers, no start-up)')
    .option('-c, --config <file>', 'configuration file (default: kizuki.config.yaml when present)')
    .option('--socket <path>', 'Unix socket to listen on (default: scan.socket, else .kizuki/scand.sock)')
    .option('-w, --workers <n>', 'analysis worker threads (default: one per CPU core)', parseCount)
    .option('--store <url>', 'database for verdicts and sender history (sqlite:PATH, PATH or postgres://…)')
    .option('--no-store', 'keep nothing: take only scans that ask for --no-store')
    .addOption(new Option('--auth <mode>', 'authentication: trust a receiving host\'s headers, verify here, or off').choices(['headers', 'verify', 'off']))
    .option('--trust-host <host...>', 'authserv-id whose Authentication-Results are trusted (e.g. mx.google.com)')
    .option('--dns-fixture <file>', 'answer DNS for --auth verify from this JSON file instead of the network')
    .option('--org-domain <domain...>', 'the organisation\'s own domains')
    .option('--rules <dir...>', 'extra rule folders (after the built-in rules)')
    .option('--timeout <ms>', 'time limit per message', parseCount)
    .action(async (options: Record<string, unknown>) => {
      const { runScanDaemon } = await import('../../scan/daemon/run.js');
      process.exitCode = await runScanDaemon(options);
    });
}
