// Kizuki's configuration: one YAML file (kizuki.config.yaml by default), validated with clear errors.
import { createRequire } from 'node:module';
import { z } from 'zod';
import { ConfigError, type ConfigLocation, type ConfigSource, readConfigSource, withEnvironment } from './config-base.js';
import { DEFAULT_TRUSTED_HOSTS } from './mail/options.js';
import { providersSchema } from './providers/config.js';
import { respondSchema } from './respond/config.js';

// The YAML library loads only when there is a configuration file to read (most scans have none).
const requireFromHere = createRequire(import.meta.url);
function parseYaml(text: string): unknown {
  return (requireFromHere('yaml') as typeof import('yaml')).parse(text);
}

const domainList = z.array(z.string().min(1).transform((d) => d.toLowerCase().replace(/^@/, '')));

const limitsSchema = z
  .object({
    maxMessageBytes: z.number().int().positive(),
    maxParts: z.number().int().positive(),
    maxDepth: z.number().int().min(0).max(20),
    maxUnpackedBytes: z.number().int().positive(),
    maxArchiveEntries: z.number().int().positive(),
    maxPdfBytes: z.number().int().positive(),
    maxPdfPages: z.number().int().positive(),
    maxImageBytes: z.number().int().positive(),
    maxQrImages: z.number().int().min(0),
    maxBodyChars: z.number().int().positive(),
    maxLinks: z.number().int().positive(),
    attachmentBudgetMs: z.number().int().positive(),
  })
  .partial()
  .strict();

const positive = z.number().positive();
const count = z.number().int().min(1);

/** Thresholds of the takeover detectors (src/events/config.ts has the defaults and their meaning). */
const takeoverSchema = z
  .object({
    baselineDays: count,
    bounceFlood: z.object({ windowMinutes: count, minBounces: count, baselineMultiplier: positive }).partial().strict(),
    outboundBurst: z
      .object({
        windowMinutes: count,
        minRecipients: count,
        minExternalDomains: count,
        baselineMultiplier: positive,
        sameMessageRecipients: count,
        sameMessageHours: count,
        hiddenRecipients: count,
        newContacts: count,
        minHistoryDays: z.number().int().min(0),
      })
      .partial()
      .strict(),
    // a client or network the account has sent from usualAfter times is its usual one (routine sending → review notes)
    sender: z.object({ usualAfter: count, minHistory: z.number().int().min(0) }).partial().strict(),
    lateral: z.object({ verdicts: z.array(z.enum(['malicious', 'suspicious', 'spam'])) }).partial().strict(),
    campaign: z.object({ rememberDays: count }).partial().strict(),
    signin: z.object({ impossibleTravelKmh: positive, failureWindowMinutes: count, failureBurst: count, minHistory: z.number().int().min(0) }).partial().strict(),
    correlation: z.object({ openAt: z.number().min(0), lookbackHours: count, timelineFoldHours: count }).partial().strict(),
  })
  .partial()
  .strict();

export const configSchema = z
  .object({
    org: z
      .object({
        name: z.string().default(''),
        domains: domainList.default([]),
      })
      .strict()
      .default({ name: '', domains: [] }),
    auth: z
      .object({
        mode: z.enum(['headers', 'verify', 'off']).default('headers'),
        /**
         * receiving hosts whose Authentication-Results are believed (mode 'headers'); by default Gmail's mx.google.com
         * and Microsoft 365's protection hosts. '*.example.com' covers every host under example.com. [] trusts none.
         */
        trustedHosts: z.array(z.string().min(1)).default([...DEFAULT_TRUSTED_HOSTS]),
      })
      .strict()
      .default({ mode: 'headers', trustedHosts: [...DEFAULT_TRUSTED_HOSTS] }),
    detection: z
      .object({
        ruleDirs: z.array(z.string().min(1)).default([]),
        knownContactDomains: domainList.default([]),
        allow: z.object({ senders: domainList.default([]), domains: domainList.default([]) }).strict().default({ senders: [], domains: [] }),
        block: z.object({ senders: domainList.default([]), domains: domainList.default([]) }).strict().default({ senders: [], domains: [] }),
      })
      .strict()
      .default({ ruleDirs: [], knownContactDomains: [], allow: { senders: [], domains: [] }, block: { senders: [], domains: [] } }),
    store: z
      .object({
        /** sqlite:PATH, a plain file path, or postgres://… */
        url: z.string().min(1).default('.kizuki/kizuki.db'),
      })
      .strict()
      .default({ url: '.kizuki/kizuki.db' }),
    scan: z
      .object({
        /** worker threads for analysis; 0 = one per CPU core */
        workers: z.number().int().min(0).max(64).default(0),
        /** a message whose analysis takes longer is reported as an error and its worker replaced */
        timeoutMs: z.number().int().positive().default(30_000),
        /** heap limit per worker; a message that exceeds it is reported as an error */
        workerMemoryMb: z.number().int().min(64).default(1024),
        /** the Unix socket of the scan daemon (`kizuki scand`), relative to the working folder; default .kizuki/scand.sock */
        socket: z.string().min(1).optional(),
      })
      .strict()
      .default({ workers: 0, timeoutMs: 30_000, workerMemoryMb: 1024 }),
    limits: limitsSchema.default({}),
    takeover: takeoverSchema.default({}),
    events: z
      .object({
        /** file holding the bearer token for the HTTP event intake (the token itself never goes in this file) */
        tokenFile: z.string().min(1).optional(),
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8725),
        maxBodyBytes: z.number().int().positive().default(1024 * 1024),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8725, maxBodyBytes: 1024 * 1024 }),
    /** the mail platforms `kizuki watch` and `kizuki connect` use (src/providers/config.ts) */
    providers: providersSchema,
    /** playbooks, approvals and guardrails (src/respond/config.ts) */
    respond: respondSchema.default(respondSchema.parse({})),
    /** `kizuki serve`: the API and console (issue 12) */
    service: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8720),
        /** behind a TLS-terminating proxy: trust its X-Forwarded-* headers (cookies become Secure) */
        trustProxy: z.boolean().default(false),
        sessionHours: z.number().positive().max(24 * 30).default(12),
        loginPerMinute: z.number().int().min(1).default(10),
        /** raw message copies older than this are dropped by the hourly retention job; unset keeps them */
        rawRetentionDays: z.number().int().min(1).optional(),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8720, trustProxy: false, sessionHours: 12, loginPerMinute: 10 }),
    /** letters and reports (src/reports): who signs, where to ask, the time zone of the times, own templates, PDF font */
    reports: z
      .object({
        contact: z.string().default(''),
        timeZone: z
          .string()
          .min(1)
          .refine((tz) => {
            try {
              new Intl.DateTimeFormat('en', { timeZone: tz });
              return true;
            } catch {
              return false;
            }
          }, 'not an IANA time zone name such as Asia/Tokyo')
          .default('Asia/Tokyo'),
        templateDir: z.string().min(1).optional(),
        pdfFont: z.string().min(1).optional(),
      })
      .strict()
      .default({ contact: '', timeZone: 'Asia/Tokyo' }),
  })
  .strict();

export type KizukiConfig = z.infer<typeof configSchema>;

export { ConfigError, DEFAULT_CONFIG_FILE, effectiveLimits } from './config-base.js';

/** Validate a parsed config object; `origin` names the file in error messages. */
export function parseConfig(value: unknown, origin = 'config'): KizukiConfig {
  const result = configSchema.safeParse(value ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : '(top level)';
      return `  ${where}: ${issue.message}`;
    });
    throw new ConfigError(`${origin}: invalid configuration\n${problems.join('\n')}`);
  }
  return result.data;
}

/** Reads and validates a configuration file's text (none: the defaults). */
export function configFromSource(source: ConfigSource): KizukiConfig {
  let raw: unknown = {};
  if (source.file !== undefined && source.text !== undefined) {
    try {
      raw = parseYaml(source.text);
    } catch (error) {
      throw new ConfigError(`${source.file}: not valid YAML: ${(error as Error).message}`);
    }
  }
  return parseConfig(raw, source.file ?? 'defaults');
}

/**
 * Load the configuration: an explicit path must exist; otherwise kizuki.config.yaml in `cwd` is used when present,
 * else the defaults. KIZUKI_STORE_URL overrides store.url (handy for deployments and tests).
 */
export function loadConfig(options: ConfigLocation = {}): KizukiConfig {
  return withEnvironment(configFromSource(readConfigSource(options)), options.env ?? process.env);
}
