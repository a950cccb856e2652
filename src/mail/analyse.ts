// analyse(): one raw message → the Analysis every later stage reads. It never throws: what
// goes wrong is listed in analysis.errors and everything else is still filled in.
import { ANALYSIS_SCHEMA, type Analysis, type AnalysisError, type AttachmentInfo } from '../model/analysis.js';
import { type AttachmentReport, inspectAttachments, type RawPart } from './attachments/index.js';
import { invitesQrScan } from './attachments/qr.js';
import { authenticateMessage, noAuthentication } from './authenticate.js';
import { collectTextLinks, LinkCollector, scanHtml } from './body-links.js';
import { computeFacts } from './facts.js';
import { emptyAddress } from './headers.js';
import type { AnalyseOptions } from './options.js';
import { type ParsedMessage, parseMessage } from './parse.js';
import { parseReceivedChain } from './received.js';
import { returnedMessageOf } from './returned.js';
import { sha256Hex } from './sha256.js';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

/** What a message's bodies yield: readable text and links (added to the collector). */
function readBodies(message: Pick<ParsedMessage, 'text' | 'html'>, collector: LinkCollector, maxChars: number): string {
  let derivedText = '';
  if (message.html) derivedText = scanHtml(message.html, collector, maxChars).text;
  if (message.text) collectTextLinks(message.text, collector);
  // A near-empty text/plain beside a real HTML body ("view this mail in HTML") says nothing:
  // the HTML's text is what the reader sees.
  if (message.text.trim().length < NEAR_EMPTY_TEXT && derivedText.length > message.text.length) return derivedText;
  return message.text || derivedText;
}

const NEAR_EMPTY_TEXT = 40;

function emptyParsedMessage(errors: AnalysisError[]): ParsedMessage {
  return {
    bytes: new Uint8Array(0),
    headers: [],
    rawHeaders: [],
    subject: '',
    messageId: '',
    inReplyTo: '',
    references: [],
    date: '',
    from: emptyAddress(),
    replyTo: [],
    returnPath: '',
    to: [],
    cc: [],
    bcc: [],
    contentType: '',
    reportType: '',
    text: '',
    html: '',
    parts: [],
    errors,
  };
}

/** When the attachment stage itself fails, each part is still listed with its size and hash. */
function bareAttachments(parts: RawPart[], depth: number): AttachmentInfo[] {
  return parts.map((part, index) => ({
    index,
    filename: part.filename,
    declaredType: part.mimeType,
    detectedType: 'unknown',
    extensionMismatch: false,
    size: part.content.byteLength,
    sha256: sha256Hex(part.content),
    depth,
    inline: part.disposition === 'inline',
    linkOnly: false,
    qrCodes: [],
    errors: [],
  }));
}

export async function analyse(raw: Uint8Array, options: AnalyseOptions): Promise<Analysis> {
  const errors: AnalysisError[] = [];
  let input = raw;
  if (!(input instanceof Uint8Array)) {
    errors.push({ stage: 'parse', message: 'input is not a byte array; analysed as an empty message' });
    input = new Uint8Array(0);
  }
  if (input.byteLength === 0) errors.push({ stage: 'parse', message: 'empty message' });
  const sha256 = sha256Hex(input);
  const { limits } = options;

  let parsed: ParsedMessage;
  try {
    parsed = await parseMessage(input, limits);
  } catch (error) {
    parsed = emptyParsedMessage([{ stage: 'parse', message: errorMessage(error) }]);
  }
  errors.push(...parsed.errors);

  const received = safely('parse', errors, () => parseReceivedChain(parsed.headers.filter((h) => h.key === 'received').map((h) => h.value)), []);

  const collector = new LinkCollector(limits.maxLinks);
  const text = safely('links', errors, () => readBodies(parsed, collector, limits.maxBodyChars), parsed.text);

  // Opens an attached message for the attachment stage, which takes the links from its
  // bodies (marking them with the attachment's index) and looks into its parts in turn.
  const parseNested = async (bytes: Uint8Array, depth: number): Promise<{ parts: RawPart[]; text: string; html: string }> => {
    const nested = await parseMessage(bytes, limits);
    for (const error of nested.errors) errors.push({ stage: error.stage, message: `attached message (depth ${depth}): ${error.message}` });
    return { parts: nested.parts, text: nested.text, html: nested.html };
  };

  // A budget, not a calendar time: measured on the real clock whatever options.now says.
  const deadline = Date.now() + limits.attachmentBudgetMs;
  const attachmentWork: Promise<AttachmentReport> =
    parsed.parts.length === 0
      ? Promise.resolve({ attachments: [], links: [], errors: [] })
      : Promise.resolve()
          .then(() => inspectAttachments(parsed.parts, { limits, deadline, depth: 0, parseNested, qrInvited: invitesQrScan(parsed.subject, text) }))
          .catch((error: unknown) => ({
          attachments: bareAttachments(parsed.parts, 0),
          links: [],
          errors: [{ stage: 'attachment', message: errorMessage(error) }],
        }));
  const authWork = authenticateMessage(
    { bytes: parsed.bytes, fromDomain: parsed.from.domain, received, returnPath: parsed.returnPath, headers: parsed.headers },
    options.auth,
  ).catch((error: unknown) => ({ auth: noAuthentication(), errors: [{ stage: 'auth', message: errorMessage(error) }] }));
  const [attachmentReport, authOutcome] = await Promise.all([attachmentWork, authWork]);
  errors.push(...attachmentReport.errors, ...authOutcome.errors);
  collector.addAll(attachmentReport.links);
  if (collector.dropped > 0) errors.push({ stage: 'limit', message: `${collector.dropped} more links were not kept (limit ${limits.maxLinks})` });

  const facts = safely(
    'facts',
    errors,
    () =>
      computeFacts({
        from: parsed.from,
        replyTo: parsed.replyTo,
        returnPath: parsed.returnPath,
        to: parsed.to,
        cc: parsed.cc,
        bcc: parsed.bcc,
        subject: parsed.subject,
        headers: parsed.headers,
        contentType: parsed.contentType,
        reportType: parsed.reportType,
        text,
        html: parsed.html,
        attachments: attachmentReport.attachments,
        links: collector.links,
        orgDomains: options.orgDomains,
      }),
    undefined,
  );

  const analysis: Analysis = {
    schema: ANALYSIS_SCHEMA,
    sha256,
    size: input.byteLength,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    subject: parsed.subject,
    date: parsed.date,
    from: parsed.from,
    replyTo: parsed.replyTo,
    returnPath: parsed.returnPath,
    to: parsed.to,
    cc: parsed.cc,
    bcc: parsed.bcc,
    headers: parsed.headers,
    received,
    text,
    html: parsed.html,
    attachments: attachmentReport.attachments,
    links: collector.links,
    auth: authOutcome.auth,
    facts: facts ?? emptyFacts(),
    errors,
  };
  if (parsed.sender) analysis.sender = parsed.sender;
  if (analysis.facts.isBounce) {
    const returned = safely('parse', errors, () => returnedMessageOf(parsed.parts), undefined);
    if (returned) analysis.returnedMessage = returned;
  }
  return analysis;
}

/** Runs one synchronous step; a throw becomes an analysis error and the fallback is used. */
function safely<T>(stage: string, errors: AnalysisError[], step: () => T, fallback: T): T {
  try {
    return step();
  } catch (error) {
    errors.push({ stage, message: errorMessage(error) });
    return fallback;
  }
}

function emptyFacts(): Analysis['facts'] {
  return {
    fromDomain: '',
    fromOrgDomain: '',
    replyToDomains: [],
    returnPathDomain: '',
    replyToDiffers: false,
    returnPathDiffers: false,
    freemailSender: false,
    recipientCount: 0,
    hiddenRecipients: false,
    undisclosedRecipients: false,
    sentToSelf: false,
    externalRecipientDomains: 0,
    attachmentCount: 0,
    linkCount: 0,
    distinctLinkDomains: 0,
    hasHtml: false,
    textLength: 0,
    language: 'unknown',
    isBounce: false,
    isAutoReply: false,
    isMailingList: false,
  };
}
