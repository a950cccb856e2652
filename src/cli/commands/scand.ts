// `kizuki scand` — the scan daemon: keeps analysis workers, rules and the store warm for `kizuki scan`.
import type { Command } from 'commander';
import { withScanSettings } from './scan.js';

export function register(program: Command): void {
  // the same settings as `kizuki scan`: a scan is handed over only when they match
  withScanSettings(
    program
      .command('scand')
      .description('run the scan daemon: `kizuki scan` with the same settings hands it its scans (warm workers, no start-up)'),
  )
    .option('--socket <path>', 'Unix socket to listen on (default: scan.socket, else .kizuki/scand.sock)')
    .action(async (options: Record<string, unknown>) => {
      const { runScanDaemon } = await import('../../scan/daemon/run.js');
      process.exitCode = await runScanDaemon(options);
    });
}
