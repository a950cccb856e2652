// The configuration of one Microsoft 365 provider (a section of kizuki.config.yaml's `providers` list).
import { z } from 'zod';

export const microsoftProviderSchema = z
  .object({
    kind: z.literal('microsoft'),
    name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only'),
    /** the directory (tenant) id or its primary domain */
    tenantId: z.string().min(1),
    /** the application (client) id of the app registration */
    clientId: z.string().min(1),
    /** the client secret: from an environment variable, or from a file */
    clientSecretEnv: z.string().min(1).optional(),
    clientSecretFile: z.string().min(1).optional(),
    /** watch only these mailboxes (default: every enabled user with a mailbox) */
    users: z.array(z.string().includes('@')).optional(),
    /** mail folders read by delta, as Graph's well-known names */
    folders: z.array(z.enum(['inbox', 'sentitems'])).default(['inbox', 'sentitems']),
    /** sign-in logs need Entra ID P1 or P2; without it, turn this off */
    signIns: z.boolean().default(true),
    /** sign-in logs can arrive minutes late: each read goes this far back again (ids keep it idempotent) */
    signInsSafetyMinutes: z.number().int().min(0).default(30),
    initialLookbackHours: z.number().int().min(0).default(24),
    /** read inbox rules each round and report new or changed ones as setting events */
    inboxRules: z.boolean().default(true),
    pollSeconds: z.number().int().min(5).default(60),
    quarantineFolder: z.string().min(1).default('Kizuki Quarantine'),
    /** the mailbox notices are sent from (send-notice) */
    noticeSender: z.string().includes('@').optional(),
    /** only for national clouds, private endpoints and tests */
    graphBaseUrl: z.string().url().optional(),
    authorityHost: z.string().url().optional(),
  })
  .strict()
  .refine((c) => c.clientSecretEnv !== undefined || c.clientSecretFile !== undefined, {
    message: 'a microsoft provider needs clientSecretEnv or clientSecretFile (the app registration\'s client secret)',
  });

export type MicrosoftProviderConfig = z.infer<typeof microsoftProviderSchema>;
export type MicrosoftProviderConfigInput = z.input<typeof microsoftProviderSchema>;

/** The Microsoft Graph application permissions Kizuki uses (docs/providers.md says what each is for). */
export const GRAPH_PERMISSIONS = [
  'User.ReadWrite.All',
  'Mail.ReadWrite',
  'Mail.Send',
  'MailboxSettings.ReadWrite',
  'AuditLog.Read.All',
  'Directory.Read.All',
  'DelegatedPermissionGrant.ReadWrite.All',
] as const;
