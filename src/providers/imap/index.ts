// Builds an IMAP provider from its configuration entry; the secret is read from its environment variable or file.
import { readSecret } from '../config.js';
import type { ProviderDeps } from '../index.js';
import { type ImapEntry, imapFolders } from './config.js';
import { ImapProvider } from './provider.js';

export { ImapProvider, parseImapCursor } from './provider.js';

export function createImapProvider(entry: ImapEntry, deps: ProviderDeps): ImapProvider {
  const io = { env: deps.env ?? process.env, ...(deps.readFile ? { readFile: deps.readFile } : {}) };
  const usesToken = Boolean(entry.accessTokenEnv || entry.accessTokenFile);
  // read once now, so a missing secret is a clear error at start; read again on each connection (a token file may be renewed)
  const secret = () =>
    usesToken
      ? readSecret(entry.name, { env: entry.accessTokenEnv, file: entry.accessTokenFile }, io)
      : readSecret(entry.name, { env: entry.passwordEnv, file: entry.passwordFile }, io);
  secret();
  return new ImapProvider({
    name: entry.name,
    host: entry.host,
    port: entry.port,
    secure: entry.secure,
    user: entry.user,
    account: (entry.account ?? entry.user).toLowerCase(),
    ...(usesToken ? { accessToken: secret } : { password: secret }),
    folders: imapFolders(entry),
    quarantineFolder: entry.quarantineFolder,
    backfillDays: entry.backfillDays,
    pollSeconds: entry.pollSeconds,
    reconnect: entry.reconnect,
    connectTimeoutMs: entry.connectTimeoutMs,
    tlsVerify: entry.tlsVerify,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });
}
