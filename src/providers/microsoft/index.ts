// Builds a Microsoft 365 provider from its configuration: reads the client secret from the environment variable
// or file named there. The secret never appears in an error.
import { readFileSync } from 'node:fs';
import type { MicrosoftProviderConfig } from './config.js';
import { type MicrosoftDeps, MicrosoftProvider } from './provider.js';

export { GRAPH_PERMISSIONS, type MicrosoftProviderConfig, microsoftProviderSchema } from './config.js';
export { MicrosoftProvider } from './provider.js';

export function readClientSecret(config: MicrosoftProviderConfig, env: NodeJS.ProcessEnv = process.env): string {
  if (config.clientSecretEnv) {
    const value = env[config.clientSecretEnv];
    if (!value) throw new Error(`microsoft provider ${config.name}: environment variable ${config.clientSecretEnv} is not set`);
    return value.trim();
  }
  try {
    return readFileSync(config.clientSecretFile as string, 'utf8').trim();
  } catch (error) {
    throw new Error(`microsoft provider ${config.name}: cannot read the client secret file ${config.clientSecretFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export function createMicrosoftProvider(config: MicrosoftProviderConfig, env: NodeJS.ProcessEnv = process.env, deps: Omit<MicrosoftDeps, 'clientSecret'> = {}): MicrosoftProvider {
  return new MicrosoftProvider(config, { ...deps, clientSecret: readClientSecret(config, env) });
}
