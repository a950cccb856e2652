// `kizuki scan`'s side of the scan daemon: when a daemon with the same settings listens on the configured socket,
// the scan is handed to it and its output relayed as it comes; otherwise the caller scans in this process.
import { existsSync } from 'node:fs';
import type { ScanCliOptions } from '../../cli/commands/scan.js';
import { langFromEnv } from '../format.js';
import { daemonSocket, loadScanConfig, scanFingerprint, storeUrl } from '../settings.js';
import { PROTOCOL_VERSION, type ScanRequest } from './protocol.js';
import { connected, exchange } from './relay.js';

export interface ClientIo {
  cwd?: string;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
  /** this process's age when the scan began, in ms (performance.now()) */
  elapsedMs?: number;
}

export type DaemonOptions = ScanCliOptions & {
  /** true: the daemon must take the scan; false: never ask it; undefined: use it when it is there */
  daemon?: boolean;
};

/**
 * Hands the scan to the daemon. Resolves to the scan's exit code, or undefined when there is no daemon, or it runs
 * with other settings, and the scan may run here instead (never when `daemon: true`: then that is an error, exit 2).
 */
export async function scanThroughDaemon(paths: string[], options: DaemonOptions, io: ClientIo = {}): Promise<number | undefined> {
  // --explain prints whole analyses, which the daemon's workers do not send back: it always runs here
  if (options.daemon === false || options.explain) return undefined;
  const cwd = io.cwd ?? process.cwd();
  const stderr = io.stderr ?? process.stderr;
  const required = options.daemon === true;
  const fail = (message: string) => {
    stderr.write(`kizuki: ${message}\n`);
    return 2;
  };
  let request: ScanRequest;
  let socketPath: string;
  try {
    const config = await loadScanConfig(options, cwd);
    socketPath = daemonSocket(config, cwd);
    const { daemon: _daemon, ...scanOptions } = options;
    request = {
      version: PROTOCOL_VERSION,
      cwd,
      paths,
      options: { ...scanOptions, lang: options.lang ?? langFromEnv() },
      fingerprint: scanFingerprint(config, options, cwd),
      store: storeUrl(config, options, cwd),
      stderrIsTTY: Boolean(stderr.isTTY),
      ...(stderr.columns ? { columns: stderr.columns } : {}),
      elapsedMs: io.elapsedMs ?? performance.now(),
    };
  } catch (error) {
    // a configuration the local scan will explain properly
    return required ? fail((error as Error).message) : undefined;
  }
  if (!existsSync(socketPath)) return required ? fail(`no scan daemon at ${socketPath} (start one with \`kizuki scand\`)`) : undefined;

  const socket = await connected(socketPath);
  if (!socket) return required ? fail(`the scan daemon at ${socketPath} does not answer`) : undefined;
  return exchange(socket, request, paths.includes('-'), { required, fail, stdin: io.stdin ?? process.stdin, stdout: io.stdout ?? process.stdout, stderr });
}

