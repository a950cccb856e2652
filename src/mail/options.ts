// Options for analysing one message. Every piece of I/O is injected here so tests run offline.

/**
 * The receiving hosts Kizuki trusts unless told otherwise: Gmail / Google Workspace (mx.google.com) and a Microsoft 365
 * tenant's protection host (the id-less header filed under protection.outlook.com, or a named *.protection.outlook.com
 * or *.prod.outlook.com host). An entry '*.example.com' trusts every host under example.com. A trusted header counts
 * only while every Received header above it was written by that receiving platform (see summariseTrustedHeaders), so a
 * deployment elsewhere (Dovecot, Postfix) never believes a forged Google or Microsoft header inside a message.
 */
export const DEFAULT_TRUSTED_HOSTS: readonly string[] = ['mx.google.com', 'protection.outlook.com', '*.protection.outlook.com', '*.prod.outlook.com'];

export interface AnalysisLimits {
  /** messages larger than this are analysed from their first maxMessageBytes only */
  maxMessageBytes: number;
  /** MIME parts beyond this count are ignored (with an analysis error) */
  maxParts: number;
  /** nesting depth for message/rfc822 and archives */
  maxDepth: number;
  /** total bytes unpacked from archives per message (zip-bomb guard) */
  maxUnpackedBytes: number;
  /** archive members looked at per archive */
  maxArchiveEntries: number;
  /** PDFs larger than this are not opened with the PDF engine (only sniffed and scanned for URLs) */
  maxPdfBytes: number;
  /** PDF pages looked at */
  maxPdfPages: number;
  /** images larger than this are not decoded for QR codes */
  maxImageBytes: number;
  /** images per message searched for a QR code, the likeliest first (square, large enough) */
  maxQrImages: number;
  /** characters of text / html kept in the Analysis */
  maxBodyChars: number;
  /** links kept per message */
  maxLinks: number;
  /** wall-clock budget for one message's attachment work, in ms; past it, remaining attachments are only sniffed */
  attachmentBudgetMs: number;
}

export const DEFAULT_LIMITS: AnalysisLimits = {
  maxMessageBytes: 60 * 1024 * 1024,
  maxParts: 500,
  maxDepth: 4,
  maxUnpackedBytes: 50 * 1024 * 1024,
  maxArchiveEntries: 200,
  maxPdfBytes: 20 * 1024 * 1024,
  maxPdfPages: 10,
  maxImageBytes: 4 * 1024 * 1024,
  maxQrImages: 2,
  maxBodyChars: 200_000,
  maxLinks: 500,
  attachmentBudgetMs: 5_000,
};

/** DNS resolver with the shape mailauth expects: resolver(name, rrtype) → records; errors carry code ENOTFOUND / ENODATA. */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

export interface AuthOptions {
  /**
   * 'headers': trust Authentication-Results added by one of trustedHosts (right for stored mail);
   * 'verify': check SPF/DKIM/DMARC/ARC here with mailauth through `resolver`;
   * 'off': do not look.
   */
  mode: 'headers' | 'verify' | 'off';
  /** authserv-ids (receiving hosts) whose Authentication-Results are trusted, e.g. ['mx.google.com'] */
  trustedHosts: string[];
  resolver?: DnsResolver;
  /** for 'verify': the connecting IP, HELO and envelope sender when known (else taken from the top Received hop) */
  ip?: string;
  helo?: string;
  mailFrom?: string;
}

export interface AnalyseOptions {
  limits: AnalysisLimits;
  auth: AuthOptions;
  /** the organisation's own domains (for internal/external and look-alike checks) */
  orgDomains: string[];
  /** clock, injected for determinism */
  now: () => Date;
}

export function defaultAnalyseOptions(overrides: Partial<AnalyseOptions> = {}): AnalyseOptions {
  return {
    limits: { ...DEFAULT_LIMITS, ...(overrides.limits ?? {}) },
    auth: overrides.auth ?? { mode: 'headers', trustedHosts: [] },
    orgDomains: overrides.orgDomains ?? [],
    now: overrides.now ?? (() => new Date()),
  };
}
