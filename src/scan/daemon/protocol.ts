// What `kizuki scan` asks the scan daemon (the first frame of an exchange, src/scan/daemon/frames.ts).
import type { ScanCliOptions } from '../../cli/commands/scan.js';

export const PROTOCOL_VERSION = 1;

/** Where the scan daemon listens unless the configuration says otherwise (relative to the working folder, like the store). */
export const DEFAULT_DAEMON_SOCKET = '.kizuki/scand.sock';

export interface ScanRequest {
  version: number;
  /** the client's working folder: relative paths in the scan are relative to it */
  cwd: string;
  paths: string[];
  /** how to print (json, explain, lang, progress, timings) and whether to keep the verdicts (store: false) */
  options: ScanCliOptions;
  /** src/scan/settings.ts scanFingerprint of the client's settings: the daemon takes the scan only if it is its own */
  fingerprint: string;
  /** src/scan/settings.ts storeUrl: the store the client would write to, or null for none (the socket is private to the user) */
  store: string | null;
  /** the client's standard error is a terminal (a progress bar is drawn there) */
  stderrIsTTY?: boolean;
  columns?: number;
  /** how long the client had been running when it sent this (start-up in `--timings` counts from the client's start) */
  elapsedMs?: number;
}

/**
 * The fast path's request: the command line as typed, for the daemon to read (`kizuki scan` arguments), with the
 * few environment variables that change a scan's settings or wording. The client then needs no option parser and no
 * configuration reader of its own; the daemon declines what it cannot take, and the full client takes over.
 */
export interface ArgvScanRequest {
  version: number;
  cwd: string;
  /** what followed `kizuki scan` */
  argv: string[];
  env: Partial<Record<(typeof SCAN_ENVIRONMENT)[number], string>>;
  stderrIsTTY?: boolean;
  columns?: number;
  elapsedMs?: number;
}

/** Environment variables a scan reads: the store's location (KIZUKI_STORE_URL) and the language of its words. */
export const SCAN_ENVIRONMENT = ['KIZUKI_STORE_URL', 'KIZUKI_LANG', 'LC_ALL', 'LC_MESSAGES', 'LANG'] as const;
