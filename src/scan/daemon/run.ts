// Wires `kizuki scand`: starts the daemon, logs to standard error, stops cleanly on SIGINT or SIGTERM.
import type { ScanCliOptions } from '../../cli/commands/scan.js';
import { ConfigError } from '../../config.js';
import { DaemonStartError, startScanDaemon } from './server.js';

export async function runScanDaemon(options: ScanCliOptions & { socket?: string }, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const log = (line: string) => err.write(`kizuki scand: ${line}\n`);
  let daemon: Awaited<ReturnType<typeof startScanDaemon>>;
  try {
    daemon = await startScanDaemon({ options, log });
  } catch (error) {
    const known = error instanceof ConfigError || error instanceof DaemonStartError || (error as Error).name === 'StoreError' || (error as Error).name === 'RuleLoadError';
    err.write(`kizuki scand: ${known ? (error as Error).message : `could not start: ${(error as Error).message}`}\n`);
    return 2;
  }
  await new Promise<void>((resolvePromise) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolvePromise();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await daemon.close();
  return 0;
}
