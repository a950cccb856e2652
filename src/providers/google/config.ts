// The configuration of one Google Workspace provider (a section of kizuki.config.yaml's `providers` list).
import { z } from 'zod';

export const GOOGLE_REPORT_APPLICATIONS = ['login', 'admin', 'token', 'user_accounts', 'gmail'] as const;

export const googleProviderSchema = z
  .object({
    kind: z.literal('google'),
    name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only'),
    /** the administrator the service account acts as for the Directory and Reports APIs */
    adminEmail: z.string().includes('@'),
    /** the service account's JSON key: from a file, or from an environment variable holding the JSON */
    serviceAccountKeyFile: z.string().min(1).optional(),
    serviceAccountKeyEnv: z.string().min(1).optional(),
    /** watch only these mailboxes (default: every active user of the domain) */
    users: z.array(z.string().includes('@')).optional(),
    /** Reports API applications to read */
    reports: z.array(z.enum(GOOGLE_REPORT_APPLICATIONS)).default(['login', 'admin', 'token', 'user_accounts']),
    /** the Reports API can lag by hours: each read goes this far back again (ids keep it idempotent) */
    reportsSafetyMinutes: z.number().int().min(0).default(180),
    /** a first run reads audit events this far back; mail starts from the mailbox's current history id */
    initialLookbackHours: z.number().int().min(0).default(24),
    pollSeconds: z.number().int().min(5).default(60),
    quarantineLabel: z.string().min(1).default('Kizuki-Quarantine'),
    /** the mailbox notices are sent from (send-notice); must be a user of the domain */
    noticeSender: z.string().includes('@').optional(),
    /** only for private endpoints and tests: where the APIs and the token endpoint are */
    rootUrl: z.string().url().optional(),
    tokenUrl: z.string().url().optional(),
  })
  .strict()
  .refine((c) => c.serviceAccountKeyFile !== undefined || c.serviceAccountKeyEnv !== undefined, {
    message: 'a google provider needs serviceAccountKeyFile or serviceAccountKeyEnv (the service account JSON key)',
  });

export type GoogleProviderConfig = z.infer<typeof googleProviderSchema>;
export type GoogleProviderConfigInput = z.input<typeof googleProviderSchema>;

/** The OAuth scopes Kizuki asks for, each with the API it opens (docs/providers.md lists them for the administrator). */
export const GOOGLE_SCOPES = {
  directoryUsers: 'https://www.googleapis.com/auth/admin.directory.user',
  directorySecurity: 'https://www.googleapis.com/auth/admin.directory.user.security',
  reports: 'https://www.googleapis.com/auth/admin.reports.audit.readonly',
  gmailModify: 'https://www.googleapis.com/auth/gmail.modify',
  gmailSettingsBasic: 'https://www.googleapis.com/auth/gmail.settings.basic',
  gmailSettingsSharing: 'https://www.googleapis.com/auth/gmail.settings.sharing',
  gmailSend: 'https://www.googleapis.com/auth/gmail.send',
} as const;
