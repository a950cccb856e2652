// What a scan runs with, worked out once from the configuration and the command line: used by `kizuki scan`
// itself and by the scan daemon, which takes a scan only when its own settings are the same (same fingerprint).
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScanCliOptions } from '../cli/commands/scan.js';
import { type KizukiConfig, effectiveLimits } from '../config-base.js';
import { loadConfigCached } from '../config-cache.js';
import type { DetectionOptions } from '../detect/preparer.js';
import { DEFAULT_DAEMON_SOCKET } from './daemon/protocol.js';
import type { AnalysisTaskSettings } from './worker.js';


/** The configuration with the scan's command-line options applied over it. */
export function applyScanOptions(config: KizukiConfig, options: ScanCliOptions): KizukiConfig {
  if (options.auth) config.auth.mode = options.auth;
  if (options.trustHost) config.auth.trustedHosts = options.trustHost;
  if (options.orgDomain) config.org.domains = options.orgDomain.map((d) => d.toLowerCase());
  if (options.rules) config.detection.ruleDirs = [...config.detection.ruleDirs, ...options.rules];
  if (options.workers) config.scan.workers = options.workers;
  if (options.timeout) config.scan.timeoutMs = options.timeout;
  if (typeof options.store === 'string') config.store.url = options.store;
  return config;
}

/** A scan's configuration, validated once per configuration text (src/config-cache.ts); see also scanConfig. */
export async function loadScanConfig(options: ScanCliOptions, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<KizukiConfig> {
  return applyScanOptions(await loadConfigCached({ ...(options.config ? { path: options.config } : {}), cwd, env }), options);
}

export function detectionOptions(config: KizukiConfig): DetectionOptions {
  return {
    ruleDirs: config.detection.ruleDirs,
    orgDomains: config.org.domains,
    knownContactDomains: config.detection.knownContactDomains,
    allow: config.detection.allow,
    block: config.detection.block,
  };
}

export function taskSettings(config: KizukiConfig, dnsFixture: string | undefined, lean = false): AnalysisTaskSettings {
  return {
    ...(lean ? { lean } : {}),
    limits: effectiveLimits(config),
    auth: { mode: config.auth.mode, trustedHosts: config.auth.trustedHosts, dns: dnsFixture ? { fixture: dnsFixture } : 'system' },
    orgDomains: config.org.domains,
    detection: detectionOptions(config),
  };
}

/**
 * The store a scan writes to, with a relative SQLite path made absolute (so that two working folders compare
 * right), or null for none.
 */
export function storeUrl(config: KizukiConfig, options: ScanCliOptions, cwd: string): string | null {
  if (options.store === false) return null;
  const url = config.store.url.trim();
  if (/^postgres(ql)?:\/\//i.test(url)) return url;
  const path = url.replace(/^sqlite:(\/\/)?/i, '');
  return path === ':memory:' ? 'sqlite::memory:' : `sqlite:${isAbsolute(path) ? path : resolve(cwd, path)}`;
}

export function daemonSocket(config: KizukiConfig, cwd: string): string {
  const path = config.scan.socket ?? DEFAULT_DAEMON_SOCKET;
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** This build of Kizuki: a daemon started from older code must not judge for newer code, or the other way round. */
function buildIdentity(): string {
  const self = fileURLToPath(import.meta.url);
  try {
    return `${self}:${statSync(self).mtimeMs}`;
  } catch {
    return self;
  }
}

/**
 * Everything that decides a scan's verdicts and where they are kept, with every path made absolute: two processes
 * with the same fingerprint judge every message alike. (The store is compared separately: a daemon also takes
 * `--no-store` scans.)
 */
export function scanFingerprint(config: KizukiConfig, options: ScanCliOptions, cwd: string): string {
  const settings = taskSettings(config, options.dnsFixture ? resolve(cwd, options.dnsFixture) : undefined);
  const detection = { ...settings.detection!, ruleDirs: settings.detection!.ruleDirs.map((dir) => resolve(cwd, dir)) };
  const identity = {
    build: buildIdentity(),
    ...settings,
    detection,
    workers: config.scan.workers,
    timeoutMs: config.scan.timeoutMs,
    workerMemoryMb: config.scan.workerMemoryMb,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}
