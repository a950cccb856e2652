// The parts of the configuration that need no schema: where the file is, its text, its error type and the limits.
// Kept apart from src/config.ts so that a scan whose configuration is already validated (src/config-cache.ts) never
// loads the schema library.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KizukiConfig } from './config.js';
import { DEFAULT_LIMITS } from './mail/options.js';

export type { KizukiConfig } from './config.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const DEFAULT_CONFIG_FILE = 'kizuki.config.yaml';

export interface ConfigLocation {
  /** a file to read (default: kizuki.config.yaml in `cwd` when present) */
  path?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** The configuration file's path and text, or neither when the defaults apply. */
export interface ConfigSource {
  file?: string;
  text?: string;
}

/** An explicit path must exist; otherwise kizuki.config.yaml in `cwd` is read when present. */
export function readConfigSource(options: ConfigLocation = {}): ConfigSource {
  const cwd = options.cwd ?? process.cwd();
  let file: string | undefined;
  if (options.path) {
    file = resolve(cwd, options.path);
    if (!existsSync(file)) throw new ConfigError(`${options.path}: config file not found`);
  } else if (existsSync(resolve(cwd, DEFAULT_CONFIG_FILE))) {
    file = resolve(cwd, DEFAULT_CONFIG_FILE);
  }
  if (!file) return {};
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (error) {
    throw new ConfigError(`${file}: cannot read: ${(error as Error).message}`);
  }
}

/** What the environment changes after validation: KIZUKI_STORE_URL overrides store.url (deployments and tests). */
export function withEnvironment(config: KizukiConfig, env: NodeJS.ProcessEnv): KizukiConfig {
  if (env.KIZUKI_STORE_URL) config.store.url = env.KIZUKI_STORE_URL;
  return config;
}

export function effectiveLimits(config: KizukiConfig) {
  return { ...DEFAULT_LIMITS, ...config.limits };
}
