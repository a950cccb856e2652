// A scan's configuration, read and validated on the spot: for the scan daemon, which has the schema
// loaded anyway. `kizuki scan` in its own process uses loadScanConfig (src/scan/settings.ts) instead.
import type { ScanCliOptions } from '../cli/commands/scan.js';
import { type KizukiConfig, loadConfig } from '../config.js';
import { applyScanOptions } from './settings.js';

export function scanConfig(options: ScanCliOptions, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): KizukiConfig {
  return applyScanOptions(loadConfig({ ...(options.config ? { path: options.config } : {}), cwd, env }), options);
}
