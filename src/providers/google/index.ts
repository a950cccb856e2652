// Builds a Google Workspace provider from its configuration: reads the service account key from the file or the
// environment variable named there. The key never appears in an error.
import { readFileSync } from 'node:fs';
import type { GoogleProviderConfig } from './config.js';
import { type GoogleDeps, GoogleProvider, type ServiceAccountKey } from './provider.js';

export { googleProviderSchema, type GoogleProviderConfig, GOOGLE_SCOPES } from './config.js';
export { GoogleProvider } from './provider.js';

export function readServiceAccountKey(config: GoogleProviderConfig, env: NodeJS.ProcessEnv = process.env): ServiceAccountKey {
  let text: string | undefined;
  let where: string;
  if (config.serviceAccountKeyEnv) {
    where = `environment variable ${config.serviceAccountKeyEnv}`;
    text = env[config.serviceAccountKeyEnv];
    if (!text) throw new Error(`google provider ${config.name}: ${where} is not set`);
  } else {
    where = `file ${config.serviceAccountKeyFile}`;
    try {
      text = readFileSync(config.serviceAccountKeyFile as string, 'utf8');
    } catch (error) {
      throw new Error(`google provider ${config.name}: cannot read the service account key ${where}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  let key: Partial<ServiceAccountKey>;
  try {
    key = JSON.parse(text) as Partial<ServiceAccountKey>;
  } catch {
    throw new Error(`google provider ${config.name}: the service account key in ${where} is not JSON (download the key as JSON from the Google Cloud console)`);
  }
  if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new Error(`google provider ${config.name}: the service account key in ${where} lacks client_email or private_key`);
  }
  return { client_email: key.client_email, private_key: key.private_key };
}

export function createGoogleProvider(config: GoogleProviderConfig, env: NodeJS.ProcessEnv = process.env, deps: Omit<GoogleDeps, 'credentials'> = {}): GoogleProvider {
  return new GoogleProvider(config, { ...deps, credentials: readServiceAccountKey(config, env) });
}
