// The `providers:` section of the configuration: a list of entries, one per mail platform connection, told apart by
// `kind`. Each platform keeps its own schema in src/providers/<kind>/config.ts and adds one line to the union below.
// Secrets are never in the file: an entry names an environment variable or a file, read by readSecret().
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { googleProviderSchema } from './google/config.js';
import { imapEntrySchema } from './imap/config.js';
import { localProviderSchema } from './local/config.js';
import { microsoftProviderSchema } from './microsoft/config.js';

// One line per platform.
export const providerEntrySchema = z.discriminatedUnion('kind', [imapEntrySchema, googleProviderSchema, microsoftProviderSchema, localProviderSchema]);

export type ProviderEntry = z.infer<typeof providerEntrySchema>;

export const providersSchema = z
  .array(providerEntrySchema)
  .default([])
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    for (const [index, entry] of entries.entries()) {
      if (seen.has(entry.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `the name ${entry.name} is used twice` });
      seen.add(entry.name);
    }
  });

export class SecretError extends Error {
  override name = 'SecretError';
}

/**
 * Reads a secret from an environment variable or a file, for the provider `provider`. The error names where it was
 * looked for, never the value. A file's content is trimmed (a trailing newline is not part of a password).
 */
export function readSecret(
  provider: string,
  source: { env?: string | undefined; file?: string | undefined },
  io: { env: NodeJS.ProcessEnv; readFile?: (path: string) => string } = { env: process.env },
): string {
  if (source.env) {
    const value = io.env[source.env];
    if (value === undefined || value === '') throw new SecretError(`provider ${provider}: the environment variable ${source.env} is not set`);
    return value;
  }
  if (source.file) {
    let value: string;
    try {
      value = (io.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(source.file).trim();
    } catch (error) {
      throw new SecretError(`provider ${provider}: cannot read ${source.file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    if (!value) throw new SecretError(`provider ${provider}: ${source.file} is empty`);
    return value;
  }
  throw new SecretError(`provider ${provider}: no secret configured`);
}
