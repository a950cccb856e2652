// The Analysis is the plain, JSON-safe value that every stage after parsing reads.
// No class instances, no BigInt, no Buffers: it must survive JSON.stringify/parse unchanged.

export const ANALYSIS_SCHEMA = 'kizuki.analysis/1' as const;

export interface HeaderField {
  /** lower-cased header name */
  key: string;
  /** unfolded, decoded value (RFC 2047 words decoded) */
  value: string;
}

export interface MailAddress {
  /** display name as decoded, '' when absent */
  name: string;
  /** lower-cased address, '' for a group or an unparsable token */
  address: string;
  /** lower-cased domain of the address ('' when none) */
  domain: string;
}

export interface ReceivedHop {
  /** position from the top: 0 = the hop added last (nearest our receiving host) */
  index: number;
  from?: string;
  by?: string;
  /** IP address the sender connected from, when the hop names one */
  ip?: string;
  with?: string;
  date?: string;
}

export type AuthOutcome = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy' | 'unknown';

export interface AuthenticationSummary {
  /** 'verified': checked here with mailauth; 'trusted-header': read from a trusted host's Authentication-Results; 'none': not checked */
  source: 'verified' | 'trusted-header' | 'none';
  /** host whose Authentication-Results header was trusted, when source is 'trusted-header' */
  trustedHost?: string;
  spf: { result: AuthOutcome; domain?: string };
  dkim: Array<{ result: AuthOutcome; domain?: string; selector?: string; aligned: boolean }>;
  dmarc: { result: AuthOutcome; policy?: string; domain?: string };
  arc: { result: AuthOutcome };
}

export type LinkSource =
  | 'text'
  | 'html-href'
  | 'html-form'
  | 'html-meta-refresh'
  | 'html-src'
  | 'pdf-annotation'
  | 'pdf-text'
  | 'html-attachment'
  | 'office-relationship'
  | 'qr-image'
  | 'qr-pdf';

export interface Link {
  /** the URL as found (trimmed) */
  raw: string;
  /** normalised absolute URL (lower-case scheme and host, punycode host, default port dropped) */
  url: string;
  scheme: string;
  /** host in ASCII (punycode) form */
  host: string;
  /** host in Unicode form (differs from host only for IDNs) */
  hostUnicode: string;
  /** registrable domain (eTLD+1) by tldts, '' for IP hosts or unknown suffixes */
  registrableDomain: string;
  isIp: boolean;
  /** visible text of the anchor / annotation when there is one */
  text?: string;
  foundIn: LinkSource;
  /** for links inside attachments: index into Analysis.attachments */
  attachmentIndex?: number;
  /** the visible text looks like a URL or domain whose registrable domain differs from the target's */
  textMismatch: boolean;
}

export type DetectedType =
  | 'pdf'
  | 'zip'
  | 'ooxml-word'
  | 'ooxml-excel'
  | 'ooxml-powerpoint'
  | 'ole-office'
  | 'rtf'
  | 'html'
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'webp'
  | 'bmp'
  | 'svg'
  | 'message'
  | 'exe'
  | 'script'
  | 'iso'
  | 'rar'
  | '7z'
  | 'gzip'
  | 'text'
  | 'calendar'
  | 'unknown';

export interface PdfFacts {
  pages: number;
  /** distinct external links in the PDF (annotations + URLs in text) */
  links: number;
  encrypted: boolean;
  hasJavascript: boolean;
  hasForm: boolean;
  /** characters of extractable text (a rough 'is there real content' measure) */
  textChars: number;
  images: number;
}

export interface OfficeFacts {
  /** relationships with TargetMode="External" (hyperlinks, remote templates, OLE links) */
  externalRelationships: number;
  /** a remote template (attachedTemplate) or other external non-hyperlink relationship is present */
  remoteTemplate: boolean;
  /** a VBA project (vbaProject.bin) is inside */
  hasMacros: boolean;
  /** characters of visible text in the main document part(s) */
  textChars: number;
}

export interface ArchiveFacts {
  /** entries the archive declares */
  entries: number;
  /** entries marked encrypted (password-protected) */
  encryptedEntries: number;
  /** bytes actually unpacked from it */
  unpackedBytes: number;
}

export interface AttachmentInfo {
  index: number;
  filename: string;
  declaredType: string;
  /** type by content (magic bytes), not by name */
  detectedType: DetectedType;
  /** the file name's extension disagrees with the detected type (e.g. invoice.pdf.exe, report.pdf that is HTML) */
  extensionMismatch: boolean;
  size: number;
  sha256: string;
  /** 0 = attached to the message itself; deeper for parts of nested messages or archive members */
  depth: number;
  /** index of the containing attachment (archive or message/rfc822) */
  parentIndex?: number;
  inline: boolean;
  pdf?: PdfFacts;
  /** html attachment facts */
  html?: { hasForm: boolean; hasPasswordField: boolean; formActions: string[]; hasScript: boolean; metaRefresh: boolean };
  /** OOXML (docx/xlsx/pptx) facts */
  office?: OfficeFacts;
  /** ZIP archive facts (also set for OOXML packages' member counts) */
  archive?: ArchiveFacts;
  /** the attachment carries little or no content other than one or a few links (a 'link carrier') */
  linkOnly: boolean;
  /** decoded QR code payloads found in this attachment */
  qrCodes: string[];
  /** problems met while looking into this attachment */
  errors: string[];
}

export interface AnalysisError {
  /** stage that met the problem: parse, charset, auth, links, attachment, pdf, zip, office, qr, limit */
  stage: string;
  message: string;
}

export interface MessageFacts {
  fromDomain: string;
  /** registrable domain of From */
  fromOrgDomain: string;
  replyToDomains: string[];
  returnPathDomain: string;
  /** Reply-To's registrable domain differs from From's */
  replyToDiffers: boolean;
  /** Return-Path's registrable domain differs from From's */
  returnPathDiffers: boolean;
  freemailSender: boolean;
  recipientCount: number;
  /** addresses in Bcc header plus the count implied by 'undisclosed-recipients' / empty visible lists */
  hiddenRecipients: boolean;
  undisclosedRecipients: boolean;
  /** From address is among the visible recipients (sent to self, others hidden) */
  sentToSelf: boolean;
  externalRecipientDomains: number;
  attachmentCount: number;
  linkCount: number;
  distinctLinkDomains: number;
  hasHtml: boolean;
  textLength: number;
  /** best guess of the main language of the body text: 'en','ja','pt','es','de','fr','it','nl','other','unknown' */
  language: string;
  isBounce: boolean;
  isAutoReply: boolean;
  isMailingList: boolean;
}

/** Headers of the message a delivery report (bounce) returns, read from its message/rfc822 or text/rfc822-headers part. */
export interface ReturnedMessage {
  from: MailAddress;
  to: MailAddress[];
  subject: string;
  messageId: string;
  /** ISO 8601, '' when absent or unparsable */
  date: string;
}

export interface Analysis {
  schema: typeof ANALYSIS_SCHEMA;
  /** sha256 of the raw message bytes */
  sha256: string;
  size: number;
  messageId: string;
  inReplyTo: string;
  references: string[];
  subject: string;
  /** ISO 8601, '' when absent or unparsable */
  date: string;
  from: MailAddress;
  sender?: MailAddress;
  replyTo: MailAddress[];
  returnPath: string;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  headers: HeaderField[];
  received: ReceivedHop[];
  /** plain text body (from text/plain, or derived from HTML), capped by limits */
  text: string;
  /** HTML body, capped by limits; '' when none */
  html: string;
  attachments: AttachmentInfo[];
  links: Link[];
  auth: AuthenticationSummary;
  facts: MessageFacts;
  /** for a bounce (facts.isBounce) that carries the returned message or its headers */
  returnedMessage?: ReturnedMessage;
  errors: AnalysisError[];
}
