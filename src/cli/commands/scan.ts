// `kizuki scan PATH...` — judge messages from .eml files, folders, mbox files or standard input.
import { type Command, Option } from 'commander';
import { parseCount } from '../parse-count.js';

/**
 * The options that decide how messages are judged and where verdicts are kept: `kizuki scan` and the scan daemon
 * (`kizuki scand`) take the same ones, since the daemon takes only scans whose settings are its own.
 */
export function withScanSettings(command: Command): Command {
  return command
    .option('-c, --config <file>', 'configuration file (default: kizuki.config.yaml when present)')
    .option('-w, --workers <n>', 'analysis worker threads (default: one per CPU core)', parseCount)
    .option('--store <url>', 'database for verdicts and sender history (sqlite:PATH, PATH or postgres://…)')
    .option('--no-store', 'keep nothing: no database, sender history only in memory for this run')
    .addOption(new Option('--auth <mode>', 'authentication: trust a receiving host\'s headers, verify here, or off').choices(['headers', 'verify', 'off']))
    .option('--trust-host <host...>', 'authserv-id whose Authentication-Results are trusted (e.g. mx.google.com)')
    .option('--dns-fixture <file>', 'answer DNS for --auth verify from this JSON file instead of the network')
    .option('--org-domain <domain...>', 'the organisation\'s own domains')
    .option('--rules <dir...>', 'extra rule folders (after the built-in rules)')
    .option('--timeout <ms>', 'time limit per message', parseCount);
}

/** The `scan` command's arguments and options, on `program`; `register` adds what it does. */
export function defineScan(program: Command): Command {
  return withScanSettings(
    program
      .command('scan')
      .description('judge messages: .eml files, folders (recursive), mbox files, or - for standard input')
      .argument('<paths...>', 'files, folders, mbox files, or - for standard input'),
  )
    .option('--json', 'print one JSON object per message (JSON Lines, schema kizuki.scan/1)')
    .option('--explain', 'print the full analysis of each message given (meant for one message)')
    .addOption(new Option('--lang <lang>', 'language of reasons and summaries').choices(['en', 'ja']))
    .option('--no-progress', 'no progress bar')
    .option('--timings', 'print, on standard error, where the time went: each stage in all and per message')
    .option('--daemon', 'hand the scan to the scan daemon (kizuki scand) and fail when none takes it')
    .option('--no-daemon', 'scan in this process even when a scan daemon is running');
}

export function register(program: Command): void {
  defineScan(program)
    .action(async (paths: string[], options: ScanCliOptions & { daemon?: boolean }) => {
      // A scan daemon with the same settings, when one runs, judges the scan with warm workers (src/scan/daemon/).
      if (options.daemon !== false) {
        const { scanThroughDaemon } = await import('../../scan/daemon/client.js');
        const code = await scanThroughDaemon(paths, options);
        if (code !== undefined) {
          process.exitCode = code;
          return;
        }
      }
      delete options.daemon;
      // imported here, not at the top, so that other commands and --help start without loading the analysis stack
      const { runScan } = await import('../../scan/run.js');
      process.exitCode = await runScan(paths, options);
    });
}

export interface ScanCliOptions {
  json?: boolean;
  explain?: boolean;
  lang?: 'en' | 'ja';
  config?: string;
  workers?: number;
  /** commander: string for --store URL, false for --no-store, true by default */
  store?: string | boolean;
  auth?: 'headers' | 'verify' | 'off';
  trustHost?: string[];
  dnsFixture?: string;
  orgDomain?: string[];
  rules?: string[];
  timeout?: number;
  progress?: boolean;
  timings?: boolean;
}
