// The `providers:` entry of an IMAP mailbox. Secrets are never in the file: only the name of an environment variable
// or the path of a file that holds them.
import { z } from 'zod';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const folderSchema = z.union([
  z.string().min(1).transform((path) => ({ path, role: undefined as 'inbox' | 'sent' | 'other' | undefined })),
  z
    .object({
      path: z.string().min(1),
      /** inbox: mail received; sent: the account's sent mail (message.sent events); other: received, but not the inbox */
      role: z.enum(['inbox', 'sent', 'other']).optional(),
    })
    .strict(),
]);

export const imapEntrySchema = z
  .object({
    name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only'),
    kind: z.literal('imap'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(993),
    /** TLS from the first byte (993). false is allowed only for a server on this machine (127.0.0.1, localhost). */
    secure: z.boolean().default(true),
    /** the IMAP login name */
    user: z.string().min(1),
    /** the mailbox's address (defaults to user when that is an address) */
    account: z.string().min(3).optional(),
    passwordEnv: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
    /** XOAUTH2 access token, from an environment variable or a file (refreshed by whatever writes the file) */
    accessTokenEnv: z.string().min(1).optional(),
    accessTokenFile: z.string().min(1).optional(),
    /** folders to watch: names, or { path, role }; INBOX is inbound mail, a folder called Sent (or role: sent) is sent mail */
    folders: z.array(folderSchema).min(1).default([{ path: 'INBOX' }]),
    quarantineFolder: z.string().min(1).default('Quarantine'),
    /** on first start: read every message already there ('all'), or only those of the last N days */
    backfillDays: z.union([z.literal('all'), z.number().int().min(0)]).default('all'),
    /** how often folders other than the first inbox are looked at while waiting (IDLE watches the inbox) */
    pollSeconds: z.number().int().min(1).default(60),
    /** reconnection backoff after a dropped connection */
    reconnect: z
      .object({ minMs: z.number().int().min(1).default(1000), maxMs: z.number().int().min(1).default(60_000) })
      .strict()
      .default({ minMs: 1000, maxMs: 60_000 }),
    connectTimeoutMs: z.number().int().min(100).default(15_000),
    /** verify the server's TLS certificate (turn off only for a self-signed server you trust) */
    tlsVerify: z.boolean().default(true),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (!entry.secure && !isLoopbackHost(entry.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['secure'],
        message: `secure: false sends the password unencrypted; it is allowed only for a server on this machine (127.0.0.1 or localhost), not ${entry.host}`,
      });
    }
    const secrets = [entry.passwordEnv, entry.passwordFile, entry.accessTokenEnv, entry.accessTokenFile].filter(Boolean);
    if (secrets.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'give exactly one of passwordEnv, passwordFile, accessTokenEnv or accessTokenFile (the secret itself never goes in this file)',
      });
    }
    if (!entry.account && !entry.user.includes('@')) {
      ctx.addIssue({ code: 'custom', path: ['account'], message: 'the user is not a mail address: give the mailbox address as account' });
    }
    if (entry.reconnect.minMs > entry.reconnect.maxMs) {
      ctx.addIssue({ code: 'custom', path: ['reconnect'], message: 'minMs must not be larger than maxMs' });
    }
  });

export type ImapEntry = z.infer<typeof imapEntrySchema>;

export interface ImapFolder {
  path: string;
  role: 'inbox' | 'sent' | 'other';
}

/** The folders with their roles: INBOX is inbound, a folder whose name says Sent (送信済み) is sent mail. */
export function imapFolders(entry: Pick<ImapEntry, 'folders'>): ImapFolder[] {
  return entry.folders.map((folder) => {
    if (folder.role) return { path: folder.path, role: folder.role };
    if (folder.path.toUpperCase() === 'INBOX') return { path: folder.path, role: 'inbox' };
    if (/(^|[./])(sent|sent items|sent messages|sent mail|送信済み.*)$/i.test(folder.path)) return { path: folder.path, role: 'sent' };
    return { path: folder.path, role: 'other' };
  });
}
