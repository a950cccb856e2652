// Hand-built Analysis values for detection tests: only what a test names differs from a plain, clean message.
import { ANALYSIS_SCHEMA, type Analysis, type AttachmentInfo, type Link } from '../../src/model/analysis.js';
import { makeLink } from '../../src/mail/url.js';

export const ORG = 'tsukishiro-vs.co.jp';
export const PARTNER = 'halvorsen-imaging.com';

export interface AnalysisSpec {
  from?: string;
  fromName?: string;
  to?: string[];
  subject?: string;
  text?: string;
  html?: string;
  date?: string;
  links?: Array<{ url: string; text?: string; foundIn?: Link['foundIn']; attachmentIndex?: number }>;
  attachments?: Array<Partial<AttachmentInfo>>;
  auth?: 'pass' | 'fail' | 'none';
  language?: string;
}

const domainOf = (address: string) => address.split('@')[1] ?? '';

export function analysisOf(spec: AnalysisSpec = {}): Analysis {
  const from = spec.from ?? `greg.ostrander@${PARTNER}`;
  const to = spec.to ?? [`iwanaga@${ORG}`];
  const links = (spec.links ?? []).map((l) => {
    const link = makeLink(l.url, l.foundIn ?? 'text', l.text, l.attachmentIndex);
    if (!link) throw new Error(`fixture: bad URL ${l.url}`);
    return link;
  });
  const attachments: AttachmentInfo[] = (spec.attachments ?? []).map((a, index) => ({
    index,
    filename: 'file.bin',
    declaredType: 'application/octet-stream',
    detectedType: 'unknown',
    extensionMismatch: false,
    size: 1000,
    sha256: '0'.repeat(64),
    depth: 0,
    inline: false,
    linkOnly: false,
    qrCodes: [],
    errors: [],
    ...a,
  }));
  const text = spec.text ?? 'Hello Takuma,\n\nThe samples went out today.\n\nBest regards,\nGreg';
  const pass = spec.auth ?? 'pass';
  const fromDomain = domainOf(from);
  return {
    schema: ANALYSIS_SCHEMA,
    sha256: 'f'.repeat(64),
    size: text.length,
    messageId: '<fixture@example.com>',
    inReplyTo: '',
    references: [],
    subject: spec.subject ?? 'Samples',
    date: spec.date ?? '2017-06-01T00:00:00.000Z',
    from: { name: spec.fromName ?? 'Greg Ostrander', address: from, domain: fromDomain },
    replyTo: [],
    returnPath: from,
    to: to.map((address) => ({ name: '', address, domain: domainOf(address) })),
    cc: [],
    bcc: [],
    headers: [],
    received: [],
    text,
    html: spec.html ?? '',
    attachments,
    links,
    auth: {
      source: pass === 'none' ? 'none' : 'trusted-header',
      spf: { result: pass, domain: fromDomain },
      dkim: pass === 'none' ? [] : [{ result: pass, domain: fromDomain, aligned: true }],
      dmarc: { result: pass, domain: fromDomain },
      arc: { result: 'none' },
    },
    facts: {
      fromDomain,
      fromOrgDomain: fromDomain,
      replyToDomains: [],
      returnPathDomain: fromDomain,
      replyToDiffers: false,
      returnPathDiffers: false,
      freemailSender: false,
      recipientCount: to.length,
      hiddenRecipients: false,
      undisclosedRecipients: false,
      sentToSelf: false,
      externalRecipientDomains: 0,
      attachmentCount: attachments.length,
      linkCount: links.length,
      distinctLinkDomains: new Set(links.map((l) => l.registrableDomain)).size,
      hasHtml: !!spec.html,
      textLength: text.length,
      language: spec.language ?? 'en',
      isBounce: false,
      isAutoReply: false,
      isMailingList: false,
    },
    errors: [],
  };
}

/** A one-page PDF whose only content is a link: the 2017 lure's attachment, as the analysis describes it. */
export function linkOnlyPdf(filename = 'Document.pdf'): Partial<AttachmentInfo> {
  return {
    filename,
    declaredType: 'application/pdf',
    detectedType: 'pdf',
    linkOnly: true,
    pdf: { pages: 1, links: 1, encrypted: false, hasJavascript: false, hasForm: false, textChars: 80, images: 0 },
  };
}

/** The 2017 lure from the partner's real (authenticated) account. */
export function partnerLure(date = '2017-07-03T13:29:12.000Z'): Analysis {
  return analysisOf({
    date,
    subject: 'shared you a file',
    text: 'Greg Ostrander shared you a file on Google Docs. Open the Document and sign in with your email account to view it.',
    attachments: [linkOnlyPdf()],
    links: [{ url: 'https://docs.google.com.document-viewer.online/d/0B4x/view', text: 'Document', foundIn: 'pdf-annotation', attachmentIndex: 0 }],
  });
}

/** An ordinary note from the partner, no attachment, one link to its own site. */
export function partnerNote(date: string): Analysis {
  return analysisOf({ date, links: [{ url: `https://www.${PARTNER}/products` }] });
}

/** A rule file whose YAML is fine but whose condition names a field that does not exist (on line 9). */
export const BAD_CEL = `id: custom.bad-cel
name: A rule with a typo
description: The condition names a field that does not exist.
severity: low
attack_types: [Credential Phishing]
techniques: [T1566.002]
condition: |
  lure.fileShare &&
    links.exists(l, l.hots == "x")
score: 10
reason:
  en: never
  ja: なし
`;
