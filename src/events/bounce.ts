// Tells delivery status notifications, ARF feedback reports and auto-replies apart and reads
// what they say about the original message: who it failed for, why, and which message it was.
// RFC 3464 (message/delivery-status), RFC 5965 (message/feedback-report), RFC 3834 (auto-replies).
import PostalMime, { type Email } from 'postal-mime';
import {
  addressesIn,
  findStatus,
  isDaemonAddress,
  looksLikeAutoReplySubject,
  looksLikeBounceBody,
  looksLikeBounceSubject,
  splitAtOriginal,
} from './bounce-text.js';
import { type BounceReason, isEnhancedStatus, statusClass, statusFromText, undefinedStatus } from './bounce-reason.js';
import { type FieldBlock, firstField, readFieldBlocks, stripTypePrefix } from './report-fields.js';

export type BounceKind = 'dsn' | 'non-standard-bounce' | 'feedback-report' | 'auto-reply';

export interface BounceRecipient {
  address: string;
  /** RFC 3464 Action: failed, delayed, delivered, relayed, expanded ('' when not stated) */
  action: string;
  status?: string;
  /** why, in sisimai's vocabulary, when the status was read from the words of the notice */
  reason?: BounceReason;
  diagnostic?: string;
  remoteMta?: string;
}

export interface OriginalMessage {
  messageId?: string;
  subject?: string;
  from?: string;
  /** To and Cc of the returned message: where the failed recipient is, when the notice does not name it */
  to?: string[];
}

export interface BounceReport {
  kind: BounceKind;
  /** true when the report says a delivery failed (a bounce proper); false for success DSNs, feedback reports, auto-replies */
  failed: boolean;
  /** original recipients the report is about, lower-cased */
  recipients: string[];
  details: BounceRecipient[];
  /**
   * RFC 3463 status of the first failed recipient (5.1.1): from the report's Status field, else read from the
   * words of the notice (see bounce-reason.ts), else X.0.0 from a bare reply code or from wording that says it failed
   */
  status?: string;
  /** why, when the status was read from the words of the notice */
  reason?: BounceReason;
  diagnostic?: string;
  reportingMta?: string;
  original: OriginalMessage;
  /** feedback reports: Feedback-Type (abuse, fraud, …) */
  feedbackType?: string;
  /** who sent the report (From of the bounce itself) */
  reporter?: string;
  subject: string;
}

/** The smaller shape `kizuki scan --json` reports per message. */
export interface BounceSummary {
  kind: BounceKind;
  recipients: string[];
  status?: string;
  diagnostic?: string;
  reportingMta?: string;
  originalMessageId?: string;
}

type Attachment = Email['attachments'][number];

/**
 * The readable text of the bounce: its text part, else its HTML without tags, else — when the MIME structure is
 * broken (a boundary that never occurs, parts without headers) and nothing was found — the raw body itself.
 */
function bodyText(email: Email, raw: Uint8Array): string {
  if (email.text?.trim()) return email.text;
  if (email.html?.trim()) return email.html.replace(/<(?:br|p|div|tr|li)\b[^>]*>/gi, '\n').replace(/<[^>]+>/g, ' ').replace(/&nbsp;/g, ' ');
  if (email.attachments.length > 0) return '';
  const whole = new TextDecoder('utf-8').decode(raw).replace(/\r\n?/g, '\n');
  const start = whole.indexOf('\n\n');
  return start < 0 ? '' : whole.slice(start + 2);
}

/** Rewrite bare CR line endings as LF so the MIME parser sees lines. */
function normaliseBareCr(raw: Uint8Array): Uint8Array {
  let bare = false;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 13 && raw[i + 1] !== 10) {
      bare = true;
      break;
    }
  }
  if (!bare) return raw;
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i] === 13 && raw[i + 1] !== 10 ? 10 : (raw[i] as number);
  return out;
}

function attachmentText(part: Attachment): string {
  const content = part.content as unknown;
  if (typeof content === 'string') return content;
  if (content instanceof ArrayBuffer) return new TextDecoder('utf-8').decode(new Uint8Array(content));
  if (content instanceof Uint8Array) return new TextDecoder('utf-8').decode(content);
  return '';
}

function header(email: Email, name: string): string {
  return email.headers.find((h) => h.key === name)?.value ?? '';
}

function cleanMessageId(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  const inner = /<([^>]+)>/.exec(trimmed)?.[1] ?? trimmed;
  return `<${inner.replace(/^<|>$/g, '')}>`;
}

async function readOriginal(text: string | undefined): Promise<OriginalMessage> {
  if (!text?.trim()) return {};
  // Only the header block matters; parsing it alone keeps big originals cheap.
  const headerEnd = text.search(/\r?\n\r?\n/);
  const head = headerEnd > 0 ? text.slice(0, headerEnd) : text;
  try {
    const parsed = await PostalMime.parse(`${head}\n\n`);
    const original: OriginalMessage = {};
    const messageId = cleanMessageId(parsed.messageId);
    if (messageId) original.messageId = messageId;
    if (parsed.subject) original.subject = parsed.subject;
    if (parsed.from?.address) original.from = parsed.from.address.toLowerCase();
    const to = [...(parsed.to ?? []), ...(parsed.cc ?? [])].map((a) => a.address?.toLowerCase() ?? '').filter((a) => a.includes('@'));
    if (to.length > 0) original.to = [...new Set(to)];
    return original;
  } catch {
    return {};
  }
}

function fromDsnBlocks(blocks: FieldBlock[]): { reportingMta?: string; details: BounceRecipient[] } {
  const [messageBlock, ...rest] = blocks;
  const reportingMta = firstField(messageBlock, 'reporting-mta');
  const details: BounceRecipient[] = [];
  // Some reporters put the recipient fields in the first block too.
  for (const block of [messageBlock, ...rest]) {
    const recipient = firstField(block, 'final-recipient') ?? firstField(block, 'original-recipient');
    if (!block || !recipient) continue;
    const address = stripTypePrefix(recipient).toLowerCase();
    if (!address.includes('@')) continue;
    const detail: BounceRecipient = { address, action: (firstField(block, 'action') ?? '').toLowerCase() };
    const status = firstField(block, 'status');
    if (status) detail.status = /\d\.\d{1,3}\.\d{1,3}/.exec(status)?.[0] ?? status;
    const diagnostic = firstField(block, 'diagnostic-code');
    if (diagnostic) detail.diagnostic = stripTypePrefix(diagnostic).slice(0, 500);
    const remote = firstField(block, 'remote-mta');
    if (remote) detail.remoteMta = stripTypePrefix(remote);
    details.push(detail);
  }
  return { reportingMta: reportingMta ? stripTypePrefix(reportingMta) : undefined, details };
}

function isFailure(detail: BounceRecipient): boolean {
  if (detail.action === 'failed' || detail.action === 'delayed') return true;
  if (detail.action) return false;
  return detail.status ? /^[45]/.test(detail.status) : true;
}

function mtaFromReceived(email: Email): string | undefined {
  const received = header(email, 'received');
  return /\bby\s+([A-Za-z0-9.-]+\.[A-Za-z]{2,})/i.exec(received)?.[1]?.toLowerCase();
}

/** The addresses that belong to the bounce's own envelope, never the failed recipients. */
function ownAddresses(email: Email): Set<string> {
  const own = new Set<string>();
  const add = (value: string | undefined) => {
    for (const match of (value ?? '').matchAll(/[^\s<>,;"]+@[^\s<>,;"]+/g)) own.add(match[0].toLowerCase());
  };
  add(email.from?.address);
  for (const to of email.to ?? []) add(to.address);
  for (const name of ['delivered-to', 'envelope-to', 'return-path', 'sender', 'reply-to']) add(header(email, name));
  return own;
}

/** Parse a message as a bounce, feedback report or auto-reply; undefined for anything else. */
export async function parseBounce(input: Uint8Array | string): Promise<BounceReport | undefined> {
  const raw = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  let email: Email;
  try {
    email = await PostalMime.parse(normaliseBareCr(raw), { forceRfc822Attachments: true });
  } catch {
    return undefined;
  }
  const subject = email.subject ?? '';
  const reporter = email.from?.address?.toLowerCase() || undefined;
  const parts = email.attachments;
  const byType = (...types: string[]) => parts.find((p) => types.includes((p.mimeType ?? '').toLowerCase()));
  const originalPart = byType('message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers');
  const text = bodyText(email, raw).replace(/\r\n?/g, '\n');
  const { notice, original: inlineOriginal } = splitAtOriginal(text);
  const original = await readOriginal(originalPart ? attachmentText(originalPart) : inlineOriginal);
  const base = { subject, original, ...(reporter ? { reporter } : {}) };

  const feedback = byType('message/feedback-report');
  if (feedback) {
    const block = readFieldBlocks(attachmentText(feedback))[0];
    const recipients = (block?.get('original-rcpt-to') ?? []).map((v) => stripTypePrefix(v).toLowerCase()).filter((a) => a.includes('@'));
    const report: BounceReport = { kind: 'feedback-report', failed: false, recipients, details: [], ...base };
    const feedbackType = firstField(block, 'feedback-type');
    if (feedbackType) report.feedbackType = feedbackType.toLowerCase();
    const mta = firstField(block, 'reporting-mta');
    if (mta) report.reportingMta = stripTypePrefix(mta);
    const mailFrom = firstField(block, 'original-mail-from');
    if (mailFrom && !original.from) original.from = stripTypePrefix(mailFrom).toLowerCase();
    return report;
  }

  const ses = amazonSesNotification(text);
  const context = `${subject}\n${notice}`;
  if (ses) return finish({ kind: 'non-standard-bounce', details: ses, reportingMta: mtaFromReceived(email), base, context });

  const own = ownAddresses(email);
  if (original.from) own.add(original.from);
  const statusPart = byType('message/delivery-status', 'message/global-delivery-status');
  if (statusPart) {
    const { reportingMta, details } = fromDsnBlocks(readFieldBlocks(attachmentText(statusPart)));
    if (details.length === 0) details.push(...textDetails(email, notice, own, original.to ?? []));
    return finish({ kind: 'dsn', details, reportingMta: reportingMta ?? mtaFromReceived(email), base, context });
  }

  const failedHeader = header(email, 'x-failed-recipients');
  const daemonSender = reporter ? isDaemonAddress(reporter) || /mail delivery|mailer-daemon/i.test(email.from?.name ?? '') : false;
  const nullReturnPath = /^\s*<?\s*>?\s*$|mailer-daemon/i.test(header(email, 'return-path') || 'x');
  const strongBounce = Boolean(failedHeader) || looksLikeBounceSubject(subject) || (daemonSender && looksLikeBounceBody(notice));
  const autoSubmitted = header(email, 'auto-submitted').toLowerCase();
  const autoReply =
    autoSubmitted.startsWith('auto-replied') ||
    Boolean(header(email, 'x-autoreply') || header(email, 'x-autorespond')) ||
    /auto[_-]?reply/i.test(header(email, 'precedence')) ||
    looksLikeAutoReplySubject(subject);
  if (!strongBounce && autoReply) return { kind: 'auto-reply', failed: false, recipients: [], details: [], ...base };
  if (!strongBounce && !((nullReturnPath || daemonSender) && looksLikeBounceBody(notice))) return undefined;

  const details = textDetails(email, notice, own, original.to ?? []);
  const blocks = readFieldBlocks(notice);
  const inlineMta = blocks.map((b) => firstField(b, 'reporting-mta')).find(Boolean);
  const reporterHost = daemonSender && reporter ? reporter.split('@')[1] : undefined;
  return finish({
    kind: 'non-standard-bounce',
    details,
    reportingMta: inlineMta ? stripTypePrefix(inlineMta) : (mtaFromReceived(email) ?? reporterHost),
    base,
    context,
  });
}

/** Amazon SES posts bounces as a JSON notification in the body. */
function amazonSesNotification(text: string): BounceRecipient[] | undefined {
  let body = text;
  // delivered through Amazon SNS: the notification is a JSON string in the envelope's "Message"
  if (/"Type"\s*:\s*"Notification"/.test(text) && !text.includes('{"notificationType"')) {
    try {
      const envelope = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1).replace(/\n/g, '')) as { Message?: unknown };
      if (typeof envelope.Message === 'string') body = envelope.Message;
    } catch {
      return undefined;
    }
  }
  const start = body.indexOf('{"notificationType"');
  if (start < 0) return undefined;
  const end = body.lastIndexOf('}');
  try {
    const json = JSON.parse(body.slice(start, end + 1).replace(/\n/g, '')) as {
      notificationType?: string;
      bounce?: { bouncedRecipients?: Array<{ emailAddress?: string; action?: string; status?: string; diagnosticCode?: string }> };
    };
    if (json.notificationType !== 'Bounce') return undefined;
    return (json.bounce?.bouncedRecipients ?? [])
      .filter((r) => r.emailAddress)
      .map((r) => {
        const detail: BounceRecipient = { address: String(r.emailAddress).toLowerCase(), action: r.action ?? 'failed' };
        if (r.status) detail.status = r.status;
        if (r.diagnosticCode) detail.diagnostic = r.diagnosticCode.slice(0, 500);
        return detail;
      });
  } catch {
    return undefined;
  }
}

/** Recipients and status read from a human-readable notice (and X-Failed-Recipients). */
function textDetails(email: Email, notice: string, own: Set<string>, originalRecipients: string[]): BounceRecipient[] {
  const inlineDsn = fromDsnBlocks(readFieldBlocks(notice)).details;
  if (inlineDsn.length > 0) return inlineDsn;
  const failedHeader = header(email, 'x-failed-recipients');
  const listed = failedHeader
    .split(/[,\s]+/)
    .map((a) => a.replace(/^<|>$/g, '').toLowerCase())
    .filter((a) => a.includes('@'));
  let addresses = listed.length > 0 ? listed : addressesIn(notice, own);
  // a mailbox named postmaster@ or mailer-daemon@ can be the one that failed, when no other address is named
  if (addresses.length === 0) addresses = addressesIn(notice, own, { daemons: true });
  // nothing named at all: the returned message's own recipients are the candidates
  if (addresses.length === 0) addresses = originalRecipients.filter((a) => !own.has(a));
  const found = findStatus(notice);
  return addresses.map((address) => {
    const detail: BounceRecipient = { address, action: 'failed' };
    if (found.status) detail.status = found.status;
    if (found.diagnostic) detail.diagnostic = found.diagnostic;
    return detail;
  });
}

/**
 * A recipient without an RFC 3463 status gets one from its own diagnostic or the notice's words, or X.0.0
 * when only the class is known (a bare reply code, or a notice that says the delivery failed).
 */
function completeStatus(detail: BounceRecipient, context: string): void {
  // X.0.0 says only "failed" or "delayed": the words may say why (as sisimai refines it)
  const vague = /^([45])\.0\.0$/.exec(detail.status ?? '');
  if (vague) {
    const refined = statusFromText([detail.diagnostic ?? '', context], vague[1] as '4' | '5');
    if (refined) {
      detail.status = refined.status;
      detail.reason = refined.reason;
    }
    return;
  }
  if (isEnhancedStatus(detail.status)) return;
  const reply = detail.status && /^[45]\d\d$/.test(detail.status) ? detail.status : undefined;
  const cls = reply ? (reply[0] as '4' | '5') : detail.action === 'delayed' ? '4' : statusClass(context);
  const derived = statusFromText([detail.diagnostic ?? '', context], cls);
  if (derived) {
    detail.status = derived.status;
    detail.reason = derived.reason;
    if (!detail.diagnostic) detail.diagnostic = derived.diagnostic;
    return;
  }
  const fallback = undefinedStatus(reply, context);
  if (fallback) {
    detail.status = fallback;
    detail.reason = 'undefined';
  }
}

function finish(args: {
  kind: BounceKind;
  details: BounceRecipient[];
  reportingMta: string | undefined;
  base: { subject: string; original: OriginalMessage; reporter?: string };
  /** the bounce's subject and notice text, for statuses the report does not state */
  context: string;
}): BounceReport {
  for (const detail of args.details) completeStatus(detail, args.context);
  const failedDetails = args.details.filter(isFailure);
  const lead = failedDetails[0] ?? args.details[0];
  const report: BounceReport = {
    kind: args.kind,
    failed: args.kind === 'non-standard-bounce' || failedDetails.length > 0 || args.details.length === 0,
    recipients: [...new Set((failedDetails.length > 0 ? failedDetails : args.details).map((d) => d.address))],
    details: args.details,
    ...args.base,
  };
  if (lead?.status) report.status = lead.status;
  if (lead?.reason) report.reason = lead.reason;
  if (lead?.diagnostic) report.diagnostic = lead.diagnostic;
  if (args.reportingMta) report.reportingMta = args.reportingMta.toLowerCase();
  return report;
}

/** The per-message summary `kizuki scan --json` prints under `bounce`. */
export async function bounceSummary(raw: Uint8Array): Promise<BounceSummary | undefined> {
  const report = await parseBounce(raw);
  if (!report) return undefined;
  const summary: BounceSummary = { kind: report.kind, recipients: report.recipients };
  if (report.status) summary.status = report.status;
  if (report.diagnostic) summary.diagnostic = report.diagnostic;
  if (report.reportingMta) summary.reportingMta = report.reportingMta;
  if (report.original.messageId) summary.originalMessageId = report.original.messageId;
  return summary;
}
