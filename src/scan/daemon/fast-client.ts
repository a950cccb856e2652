// The fast path of `kizuki scan` when a scan daemon listens in the working folder: the command line goes to the
// daemon as typed, before this process has loaded its option parser, its configuration reader or anything else,
// so a one-message scan from a mail client's filter hook costs little more than starting node. The daemon reads
// the command line as `kizuki scan` would and takes the scan only when its settings are the daemon's own; anything
// it declines is left to the full command line (src/cli/commands/scan.ts), which explains errors and scans here.
import { existsSync } from 'node:fs';
import { type ArgvScanRequest, DEFAULT_DAEMON_SOCKET, PROTOCOL_VERSION, SCAN_ENVIRONMENT } from './protocol.js';
import { connected, exchange } from './relay.js';

/** Arguments that always go the full way: help, explanations (they need whole analyses), a scan that must stay here. */
const FULL_PATH_ONLY = new Set(['--help', '-h', '--explain', '--no-daemon']);

/** The scan's exit code when the daemon judged it; undefined when the full command line must run instead. */
export async function fastScan(argv: readonly string[], cwd = process.cwd()): Promise<number | undefined> {
  if (argv.some((arg) => FULL_PATH_ONLY.has(arg))) return undefined;
  const socketPath = `${cwd}/${DEFAULT_DAEMON_SOCKET}`;
  if (!existsSync(socketPath)) return undefined;
  const socket = await connected(socketPath);
  if (!socket) return undefined;
  const env: ArgvScanRequest['env'] = {};
  for (const name of SCAN_ENVIRONMENT) if (process.env[name] !== undefined) env[name] = process.env[name];
  const request: ArgvScanRequest = {
    version: PROTOCOL_VERSION,
    cwd,
    argv: [...argv],
    env,
    stderrIsTTY: Boolean(process.stderr.isTTY),
    ...(process.stderr.columns ? { columns: process.stderr.columns } : {}),
    elapsedMs: performance.now(),
  };
  return exchange(socket, request, argv.includes('-'), {
    // a declined scan is the full command line's to report or to run
    required: false,
    fail: (message) => {
      process.stderr.write(`kizuki: ${message}\n`);
      return 2;
    },
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
