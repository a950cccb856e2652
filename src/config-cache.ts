// The validated configuration, kept on disk keyed by the configuration file's text (the parse cache of
// src/detect/parse-cache.ts, in a file of its own). Loading the schema library and building the schema was a sixth
// of a one-message scan's start-up, on the thread that hands the message to a worker; a scan whose configuration
// has not changed since the last run skips both. A change of the file's text, of this build or of Kizuki's version
// misses the cache, and the configuration is validated as usual.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ConfigLocation, type KizukiConfig, readConfigSource, withEnvironment } from './config-base.js';
import { defaultCacheDir, openParseCache } from './detect/parse-cache.js';
import { KIZUKI_VERSION } from './version.js';

/** This build: the file this code runs from (rebuilt with every change, and the schema is built with it) and the version. */
function buildFormat(): string {
  const self = fileURLToPath(import.meta.url);
  try {
    const { mtimeMs, size } = statSync(self);
    return `config:1:${KIZUKI_VERSION}:${self}:${mtimeMs}:${size}`;
  } catch {
    return `config:1:${KIZUKI_VERSION}:${self}`;
  }
}

/** Which configuration text a cached entry stands for: the defaults (no file) are a text of their own. */
function cacheKey(text: string | undefined): string {
  return text === undefined ? '\u0000defaults' : `file\u0000${text}`;
}

/**
 * loadConfig (src/config.ts), through the cache: the same configuration, the same errors. Only a valid configuration
 * is kept, so a broken file is reported on every run. `format` stands for this build (tests change it).
 */
export async function loadConfigCached(options: ConfigLocation & { format?: string } = {}): Promise<KizukiConfig> {
  const env = options.env ?? process.env;
  const source = readConfigSource(options);
  const cache = openParseCache(defaultCacheDir(env), options.format ?? buildFormat());
  const key = cacheKey(source.text);
  // Each call reads the cache file afresh: what it returns is the caller's own to change (command-line options).
  const cached = cache.get<KizukiConfig>('config', key);
  if (cached) return withEnvironment(cached, env);
  const { configFromSource } = await import('./config.js');
  // as JSON, like a cached one, so that both ways give the same object (no keys whose value is undefined)
  const config = JSON.parse(JSON.stringify(configFromSource(source))) as KizukiConfig;
  cache.set('config', key, config);
  cache.save();
  // the cache was opened for this call only: nothing else holds this object
  return withEnvironment(config, env);
}
