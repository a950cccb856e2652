// createProvider(entry, deps): the one place that turns a `providers:` entry into a Provider. Each platform's code is
// imported only when an entry of its kind is configured, so a command that uses none loads none.
import type { ProviderEntry } from './config.js';
import type { Provider } from './types.js';

export type { ProviderEntry } from './config.js';
export type * from './types.js';

export interface ProviderDeps {
  /** where secrets named by passwordEnv / accessTokenEnv are read; default process.env */
  env?: NodeJS.ProcessEnv;
  /** reads a secret file (passwordFile, tokenFile…); default: the file system */
  readFile?: (path: string) => string;
  /** the clock; default the system clock */
  now?: () => Date;
  /** one line about connections (dropped, reconnecting); never a secret */
  log?: (line: string) => void;
}

export async function createProvider(entry: ProviderEntry, deps: ProviderDeps = {}): Promise<Provider> {
  switch (entry.kind) {
    case 'imap': {
      const { createImapProvider } = await import('./imap/index.js');
      return createImapProvider(entry, deps);
    }
    case 'google': {
      const { createGoogleProvider } = await import('./google/index.js');
      return createGoogleProvider(entry, deps.env ?? process.env, { ...(deps.now ? { clock: deps.now } : {}), ...(deps.log ? { warn: deps.log } : {}) });
    }
    case 'microsoft': {
      const { createMicrosoftProvider } = await import('./microsoft/index.js');
      return createMicrosoftProvider(entry, deps.env ?? process.env, { ...(deps.now ? { clock: deps.now } : {}), ...(deps.log ? { warn: deps.log } : {}) });
    }
    case 'local': {
      const [{ LocalProvider }, { existsSync }] = await Promise.all([import('./local/index.js'), import('node:fs')]);
      // a scenario seeds the organisation only when there is no state file to read yet
      const seed = entry.scenario && !(entry.stateFile && existsSync(entry.stateFile)) ? await (await import('./local/seed.js')).seedFromScenario(entry.scenario) : undefined;
      return new LocalProvider({
        name: entry.name,
        ...(seed ? { org: seed } : {}),
        ...(entry.stateFile ? { stateFile: entry.stateFile } : {}),
        callMs: entry.callMs,
        ...(deps.now ? { now: deps.now } : {}),
      });
    }
    default: {
      const kind: string = (entry as { kind: string }).kind;
      throw new Error(`provider kind ${kind} is not known`);
    }
  }
}

/** Every configured provider, built in order; if one fails, those already built are closed and the error is thrown. */
export async function createProviders(entries: readonly ProviderEntry[], deps: ProviderDeps = {}): Promise<Provider[]> {
  const built: Provider[] = [];
  try {
    for (const entry of entries) built.push(await createProvider(entry, deps));
  } catch (error) {
    await Promise.all(built.map((p) => p.close().catch(() => {})));
    throw error;
  }
  return built;
}
