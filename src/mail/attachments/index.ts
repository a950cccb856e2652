// Looks inside a message's attachments: what each really is, what it carries (links, QR codes,
// forms, macros), and what could not be looked at. Archives and attached messages are opened and
// their contents inspected the same way, within the message's limits and time budget. Bad input
// never throws: every problem becomes an entry in the attachment's `errors` and in `errors`.
import type { AnalysisError, AttachmentInfo, DetectedType, Link } from '../../model/analysis.js';
import { collectTextLinks, LinkCollector, scanHtml } from '../body-links.js';
import type { AnalysisLimits } from '../options.js';
import { makeLink } from '../url.js';
import { inspectGzip } from './gzip.js';
import { inspectHtml } from './html.js';
import { isLinkOnly, type LinkOnlyEvidence } from './link-only.js';
import { inspectOffice } from './office.js';
import { inspectPdf } from './pdf.js';
import { qrLikelihood, readQrFromImage } from './qr.js';
import { sniff } from './sniff.js';
import { inspectZip, type UnpackBudget } from './zip.js';
import { sha256Hex } from '../sha256.js';

export interface RawPart {
  filename: string;
  mimeType: string;
  disposition: 'attachment' | 'inline' | '';
  content: Uint8Array;
}

export interface AttachmentContext {
  limits: AnalysisLimits;
  /** epoch ms; past it, remaining attachments are only sniffed and hashed */
  deadline: number;
  /** depth of the message these parts belong to (0 = the top message) */
  depth: number;
  parseNested: (raw: Uint8Array, depth: number) => Promise<{ parts: RawPart[]; text: string; html: string }>;
  /** clock for the deadline, epoch ms (default Date.now); injected by tests */
  now?: () => number;
  /**
   * false when the message's own words give no reason to look for a QR code (see invitesQrScan): inline pictures
   * are then not searched, only images sent as attachments. Default true.
   */
  qrInvited?: boolean;
}

export interface AttachmentReport {
  attachments: AttachmentInfo[];
  links: Link[];
  errors: AnalysisError[];
}

/** Everything one inspectAttachments call accumulates, shared down the recursion. */
class Inspection {
  readonly attachments: AttachmentInfo[] = [];
  readonly links: Link[] = [];
  readonly errors: AnalysisError[] = [];
  readonly budget: UnpackBudget;
  readonly now: () => number;
  /** images chosen for the QR search; images met inside archives or attached messages use what is left */
  private qrChosen = new Set<Uint8Array>();
  private qrSearchesLeft: number;
  private deadlineNoted = false;
  private partsCapNoted = false;
  private linksCapNoted = false;

  constructor(readonly ctx: AttachmentContext) {
    this.budget = { remaining: ctx.limits.maxUnpackedBytes, used: 0 };
    this.now = ctx.now ?? Date.now;
    this.qrSearchesLeft = ctx.limits.maxQrImages;
  }

  /**
   * Searching an image for a QR code is the costliest thing done to ordinary mail (logos, photos, banners), so a
   * message gets at most maxQrImages searches, spent on the images that look most like a code.
   */
  chooseQrImages(parts: RawPart[]): void {
    if (this.ctx.qrInvited === false) this.qrSearchesLeft = Math.min(this.qrSearchesLeft, 1);
    const ranked = parts
      .filter((p) => /^image\/(png|jpe?g)$/i.test(p.mimeType) || /\.(png|jpe?g)$/i.test(p.filename))
      .filter((p) => this.ctx.qrInvited !== false || p.disposition === 'attachment')
      .map((p) => ({ content: p.content, likelihood: qrLikelihood(p.content) }))
      .filter((p) => p.likelihood > 0)
      .sort((a, b) => b.likelihood - a.likelihood);
    for (const image of ranked.slice(0, this.qrSearchesLeft)) this.qrChosen.add(image.content);
    this.qrSearchesLeft -= this.qrChosen.size;
  }

  mayReadQr(content: Uint8Array): boolean {
    if (this.qrChosen.has(content)) return true;
    if (this.qrSearchesLeft <= 0 || this.ctx.qrInvited === false) return false;
    this.qrSearchesLeft -= 1;
    return true;
  }

  pastDeadline(): boolean {
    return this.now() > this.ctx.deadline;
  }

  /** Records a problem on the attachment and, for the message, under the given stage. */
  problem(info: AttachmentInfo, stage: string, message: string): void {
    info.errors.push(message);
    this.errors.push({ stage, message: `${describe(info)}: ${message}` });
  }

  noteDeadline(info: AttachmentInfo): void {
    info.errors.push('time budget spent: only sniffed and hashed');
    if (this.deadlineNoted) return;
    this.deadlineNoted = true;
    this.errors.push({ stage: 'limit', message: `attachment time budget spent at ${describe(info)}: it and later attachments were only sniffed and hashed` });
  }

  hasRoomForPart(): boolean {
    if (this.attachments.length < this.ctx.limits.maxParts) return true;
    if (!this.partsCapNoted) {
      this.partsCapNoted = true;
      this.errors.push({ stage: 'limit', message: `more than ${this.ctx.limits.maxParts} attachments (counting archive members and attached messages): the rest were not looked at` });
    }
    return false;
  }

  addLinks(links: Link[]): void {
    for (const link of links) {
      if (this.links.length >= this.ctx.limits.maxLinks) {
        if (!this.linksCapNoted) {
          this.linksCapNoted = true;
          this.errors.push({ stage: 'limit', message: `more than ${this.ctx.limits.maxLinks} links in attachments: the rest were dropped` });
        }
        return;
      }
      this.links.push(link);
    }
  }
}

function describe(info: AttachmentInfo): string {
  return `attachment ${info.index} "${info.filename || '(no name)'}"`;
}

function sha256(content: Uint8Array): string {
  return sha256Hex(content);
}

/** Markup decoded in the charset its own <meta> names (Shift_JIS pages are common in Japan), else UTF-8. */
function decodeMarkup(content: Uint8Array): string {
  const head = Buffer.from(content.buffer, content.byteOffset, Math.min(content.byteLength, 2048)).toString('latin1');
  const declared = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ?? /<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)/i.exec(head)?.[1];
  if (declared) {
    try {
      return new TextDecoder(declared.toLowerCase()).decode(content);
    } catch {
      // an unknown charset label: fall back to UTF-8
    }
  }
  return new TextDecoder('utf-8').decode(content);
}

function newInfo(state: Inspection, part: RawPart, depth: number, parentIndex: number | undefined): AttachmentInfo {
  const { detectedType, extensionMismatch } = sniff(part.content, part.filename, part.mimeType);
  const info: AttachmentInfo = {
    index: state.attachments.length,
    filename: part.filename,
    declaredType: part.mimeType,
    detectedType,
    extensionMismatch,
    size: part.content.byteLength,
    sha256: sha256(part.content),
    depth,
    inline: part.disposition === 'inline',
    linkOnly: false,
    qrCodes: [],
    errors: [],
  };
  if (parentIndex !== undefined) info.parentIndex = parentIndex;
  state.attachments.push(info);
  return info;
}

type Inspector = (state: Inspection, info: AttachmentInfo, part: RawPart) => Promise<LinkOnlyEvidence>;

const inspectPdfPart: Inspector = async (state, info, part) => {
  const result = await inspectPdf(part.content, {
    attachmentIndex: info.index,
    limits: state.ctx.limits,
    deadline: state.ctx.deadline,
    now: state.now,
  });
  info.pdf = result.facts;
  info.qrCodes.push(...result.qrCodes);
  for (const error of result.errors) state.problem(info, 'pdf', error);
  return { info, links: result.links };
};

const inspectHtmlPart: Inspector = async (state, info, part) => {
  const result = inspectHtml(decodeMarkup(part.content), {
    xml: info.detectedType === 'svg',
    attachmentIndex: info.index,
    maxLinks: state.ctx.limits.maxLinks,
  });
  info.html = result.facts;
  if (result.truncated) state.problem(info, 'attachment', 'markup is very long: only its beginning was read');
  return { info, links: result.links, htmlTextChars: result.visibleTextChars, scriptRedirect: result.scriptRedirect };
};

const inspectImagePart: Inspector = async (state, info, part) => {
  const links: Link[] = [];
  if (!state.mayReadQr(part.content)) return { info, links };
  try {
    const payload = readQrFromImage(part.content, info.detectedType === 'png' ? 'png' : 'jpeg', state.ctx.limits.maxImageBytes);
    if (payload) {
      info.qrCodes.push(payload);
      const link = makeLink(payload, 'qr-image', undefined, info.index);
      if (link) links.push(link);
    }
  } catch (error) {
    state.problem(info, 'qr', `cannot look for a QR code: ${(error as Error).message}`);
  }
  return { info, links };
};

const inspectOfficePart: Inspector = async (state, info, part) => {
  const zip = inspectZip(part.content, {
    maxEntries: state.ctx.limits.maxArchiveEntries * 10,
    budget: state.budget,
    unpack: false,
    pastDeadline: () => state.pastDeadline(),
  });
  info.archive = zip.facts;
  for (const error of zip.errors) state.problem(info, 'office', error);
  if (!zip.directory) return { info, links: [] };
  const usedBefore = state.budget.used;
  const result = inspectOffice(part.content, zip.directory, {
    attachmentIndex: info.index,
    maxLinks: state.ctx.limits.maxLinks,
    budget: state.budget,
  });
  info.office = result.facts;
  info.archive.unpackedBytes = state.budget.used - usedBefore;
  for (const error of result.errors) state.problem(info, 'office', error);
  return { info, links: result.links };
};

const inspectZipPart: Inspector = async (state, info, part) => {
  const childDepth = info.depth + 1;
  const canOpen = childDepth <= state.ctx.limits.maxDepth;
  const zip = inspectZip(part.content, {
    maxEntries: state.ctx.limits.maxArchiveEntries,
    budget: state.budget,
    unpack: canOpen,
    pastDeadline: () => state.pastDeadline(),
  });
  info.archive = zip.facts;
  for (const error of zip.errors) state.problem(info, 'zip', error);
  if (!canOpen) state.problem(info, 'limit', `archive nested deeper than ${state.ctx.limits.maxDepth} levels: members not unpacked`);
  for (const member of zip.members) {
    const name = member.name.split('/').pop() || member.name;
    await inspectPart(state, { filename: name, mimeType: '', disposition: 'attachment', content: member.content }, childDepth, info.index);
  }
  return { info, links: [] };
};

const inspectGzipPart: Inspector = async (state, info, part) => {
  const childDepth = info.depth + 1;
  if (childDepth > state.ctx.limits.maxDepth) {
    state.problem(info, 'limit', `archive nested deeper than ${state.ctx.limits.maxDepth} levels: not unpacked`);
    return { info, links: [] };
  }
  const gzip = inspectGzip(part.content, info.filename, state.budget);
  info.archive = { entries: 1, encryptedEntries: 0, unpackedBytes: gzip.unpackedBytes };
  for (const error of gzip.errors) state.problem(info, 'zip', error);
  if (gzip.member) {
    await inspectPart(state, { filename: gzip.member.name, mimeType: '', disposition: 'attachment', content: gzip.member.content }, childDepth, info.index);
  }
  return { info, links: [] };
};

const inspectMessagePart: Inspector = async (state, info, part) => {
  const childDepth = info.depth + 1;
  if (childDepth > state.ctx.limits.maxDepth) {
    state.problem(info, 'limit', `attached message nested deeper than ${state.ctx.limits.maxDepth} levels: not opened`);
    return { info, links: [] };
  }
  let nested: Awaited<ReturnType<AttachmentContext['parseNested']>>;
  try {
    nested = await state.ctx.parseNested(part.content, childDepth);
  } catch (error) {
    state.problem(info, 'attachment', `cannot parse the attached message: ${(error as Error).message}`);
    return { info, links: [] };
  }
  const collector = new LinkCollector(state.ctx.limits.maxLinks);
  collectTextLinks(nested.text, collector);
  if (nested.html) scanHtml(nested.html, collector, state.ctx.limits.maxBodyChars);
  // the message's own links go before those of its attachments
  state.addLinks(collector.links.map((link) => ({ ...link, attachmentIndex: info.index })));
  for (const child of nested.parts) await inspectPart(state, child, childDepth, info.index);
  return { info, links: [] };
};

const INSPECTORS: Partial<Record<DetectedType, Inspector>> = {
  pdf: inspectPdfPart,
  html: inspectHtmlPart,
  svg: inspectHtmlPart,
  png: inspectImagePart,
  jpeg: inspectImagePart,
  zip: inspectZipPart,
  gzip: inspectGzipPart,
  'ooxml-word': inspectOfficePart,
  'ooxml-excel': inspectOfficePart,
  'ooxml-powerpoint': inspectOfficePart,
  message: inspectMessagePart,
};

async function inspectPart(state: Inspection, part: RawPart, depth: number, parentIndex: number | undefined): Promise<void> {
  if (!state.hasRoomForPart()) return;
  let info: AttachmentInfo;
  try {
    info = newInfo(state, part, depth, parentIndex);
  } catch (error) {
    state.errors.push({ stage: 'attachment', message: `"${part.filename}": cannot be sniffed: ${(error as Error).message}` });
    return;
  }
  const inspector = INSPECTORS[info.detectedType];
  if (!inspector) return;
  if (state.pastDeadline()) {
    state.noteDeadline(info);
    return;
  }
  try {
    const evidence = await inspector(state, info, part);
    info.linkOnly = isLinkOnly(evidence);
    state.addLinks(evidence.links);
  } catch (error) {
    state.problem(info, 'attachment', `inspection failed: ${(error as Error).message}`);
  }
}

export async function inspectAttachments(parts: RawPart[], ctx: AttachmentContext): Promise<AttachmentReport> {
  const state = new Inspection(ctx);
  state.chooseQrImages(parts);
  for (const part of parts) await inspectPart(state, part, ctx.depth, undefined);
  return { attachments: state.attachments, links: state.links, errors: state.errors };
}
