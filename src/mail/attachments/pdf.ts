// PDF attachments: pages, link annotations with the words under them, URLs in the page text,
// encryption, JavaScript and forms, images, and QR codes in those images.
import type { Link, PdfFacts } from '../../model/analysis.js';
import type { AnalysisLimits } from '../options.js';
import { makeLink } from '../url.js';
import { isPasswordError, loadPdfJs, openPdf, type PdfDocument, type PdfLoadingTask } from './pdf-engine.js';
import { scanPdfBytes } from './pdf-raw.js';
import { findQrCode, pdfImageToRgba } from './qr.js';
import { findUrlsInText } from './text-urls.js';

export interface PdfInspection {
  facts: PdfFacts;
  links: Link[];
  qrCodes: string[];
  errors: string[];
}

export interface PdfOptions {
  attachmentIndex: number;
  limits: AnalysisLimits;
  deadline: number;
  now: () => number;
}

/** Images per PDF handed to the QR reader; QR lures carry one. */
const MAX_QR_IMAGES = 6;
/** Pages are searched for QR codes only in documents this short … */
const QR_SEARCH_MAX_PAGES = 3;
/** … and only pages with this little text (a QR lure is a picture and a sentence or two). */
const QR_SEARCH_MAX_PAGE_TEXT = 1000;
/** longest wait for one decoded image before it is skipped */
const IMAGE_WAIT_MS = 2000;
/** setTimeout's ceiling; a far-away deadline (no budget) must not overflow into an instant timeout */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** pdf.js may leave a promise pending on a hostile file; nothing waits longer than the budget. */
class DeadlineError extends Error {
  override name = 'DeadlineError';
}

interface TextItemLike {
  str: string;
  hasEOL?: boolean;
  transform: number[];
  width: number;
  height: number;
}

function withDeadline<T>(promise: Promise<T>, options: PdfOptions, what: string, capMs = MAX_TIMER_MS): Promise<T> {
  // whatever happens here, a late rejection of the pdf.js promise (e.g. 'Transport destroyed' once
  // the document is torn down) must never surface as an unhandled rejection and kill the worker
  promise.catch(() => undefined);
  const remaining = Math.min(options.deadline - options.now(), capMs);
  if (remaining <= 0) return Promise.reject(new DeadlineError(`time budget spent before ${what}`));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`time budget spent during ${what}`)), Math.min(remaining, MAX_TIMER_MS));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function isTextItem(item: unknown): item is TextItemLike {
  return typeof (item as TextItemLike).str === 'string' && Array.isArray((item as TextItemLike).transform);
}

/** The words whose box centre lies inside an annotation's rectangle. */
function textUnderRect(items: TextItemLike[], rect: number[]): string {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = rect;
  const left = Math.min(x1, x2) - 2;
  const right = Math.max(x1, x2) + 2;
  const bottom = Math.min(y1, y2) - 2;
  const top = Math.max(y1, y2) + 2;
  const words: string[] = [];
  for (const item of items) {
    const x = (item.transform[4] ?? 0) + item.width / 2;
    const y = (item.transform[5] ?? 0) + item.height / 2;
    if (x >= left && x <= right && y >= bottom && y <= top && item.str.trim()) words.push(item.str);
  }
  return words.join(' ').trim();
}

function pageText(items: TextItemLike[]): string {
  let text = '';
  for (const item of items) text += item.str + (item.hasEOL ? '\n' : '');
  return text;
}

function isExternal(link: Link): boolean {
  return link.scheme === 'http' || link.scheme === 'https' || link.scheme === 'ftp';
}

class PdfCollector {
  readonly links: Link[] = [];
  readonly qrCodes: string[] = [];
  readonly errors: string[] = [];
  private readonly urls = new Set<string>();
  /** images painted on the pages whose images were decoded */
  paintedImages = 0;

  constructor(private readonly options: PdfOptions) {}

  add(raw: string, foundIn: 'pdf-annotation' | 'pdf-text' | 'qr-pdf', text?: string): void {
    if (this.links.length >= this.options.limits.maxLinks) return;
    const link = makeLink(raw, foundIn, text, this.options.attachmentIndex);
    if (!link || this.urls.has(link.url)) return;
    this.urls.add(link.url);
    this.links.push(link);
  }

  externalLinkCount(): number {
    return new Set(this.links.filter(isExternal).map((link) => link.url)).size;
  }
}

const IMAGE_OPS = ['paintImageXObject', 'paintInlineImageXObject', 'paintImageMaskXObject', 'paintImageXObjectRepeat', 'paintInlineImageXObjectGroup', 'paintImageMaskXObjectGroup'];

type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;

/** Count the images a page paints and read QR codes from the first few of them. */
async function readPageImages(page: PdfPage, collector: PdfCollector, options: PdfOptions, qrBudget: { left: number }): Promise<void> {
  const pdfjs = await loadPdfJs();
  const ops = pdfjs.OPS as Record<string, number>;
  const imageOps = new Set(IMAGE_OPS.map((name) => ops[name]).filter((code): code is number => code !== undefined));
  const operatorList = await withDeadline(page.getOperatorList(), options, 'reading page images');
  for (let i = 0; i < operatorList.fnArray.length; i++) {
    const fn = operatorList.fnArray[i]!;
    if (!imageOps.has(fn)) continue;
    collector.paintedImages++;
    if (qrBudget.left <= 0 || options.now() > options.deadline) continue;
    const args = operatorList.argsArray[i] as unknown[] | undefined;
    const image = await resolveImage(page, args?.[0], options);
    const rgba = image ? pdfImageToRgba(image) : undefined;
    if (!rgba) continue;
    qrBudget.left--;
    const payload = findQrCode(rgba);
    if (payload && !collector.qrCodes.includes(payload)) {
      collector.qrCodes.push(payload);
      collector.add(payload, 'qr-pdf');
    }
  }
}

type PdfImage = { width: number; height: number; kind?: number; data?: Uint8Array | Uint8ClampedArray };
type ObjectStore = { get(id: string, callback: (value: unknown) => void): unknown };

/** An image painted by the page: inline ones come with the operator, others arrive from the worker by id. */
async function resolveImage(page: PdfPage, reference: unknown, options: PdfOptions): Promise<PdfImage | undefined> {
  if (reference && typeof reference === 'object') return reference as PdfImage;
  if (typeof reference !== 'string') return undefined;
  // pdf.js keeps images shared between pages under ids starting with 'g_' in commonObjs
  const store = (reference.startsWith('g_') ? page.commonObjs : page.objs) as unknown as ObjectStore;
  const arrived = new Promise<unknown>((resolve) => store.get(reference, resolve));
  try {
    return (await withDeadline(arrived, options, 'decoding a page image', IMAGE_WAIT_MS)) as PdfImage;
  } catch (error) {
    if (error instanceof DeadlineError && options.now() > options.deadline) throw error;
    // an image that never arrives (broken stream) is skipped, not waited for
    return undefined;
  }
}

async function readPage(document: PdfDocument, pageNumber: number, collector: PdfCollector, facts: PdfFacts, options: PdfOptions, qrBudget: { left: number }): Promise<void> {
  const page = await withDeadline(document.getPage(pageNumber), options, `opening page ${pageNumber}`);
  try {
    const content = await withDeadline(page.getTextContent(), options, `reading text of page ${pageNumber}`);
    const items: TextItemLike[] = [];
    for (const item of content.items) if (isTextItem(item)) items.push(item);
    const annotations = await withDeadline(page.getAnnotations({ intent: 'display' }), options, `reading links of page ${pageNumber}`);
    for (const annotation of annotations as Array<Record<string, unknown>>) {
      if (annotation.subtype === 'Widget') facts.hasForm = true;
      const actions = annotation.actions as Record<string, unknown> | undefined;
      if (actions && Object.keys(actions).length > 0) facts.hasJavascript = true;
      const target = (annotation.unsafeUrl ?? annotation.url) as string | undefined;
      if (annotation.subtype !== 'Link' || typeof target !== 'string') continue;
      const overlaid = typeof annotation.overlaidText === 'string' ? annotation.overlaidText : '';
      const text = overlaid.trim() || textUnderRect(items, (annotation.rect as number[] | undefined) ?? []);
      collector.add(target, 'pdf-annotation', text || undefined);
    }
    const text = pageText(items);
    const pageChars = text.replace(/\s+/g, ' ').trim().length;
    facts.textChars += pageChars;
    for (const url of findUrlsInText(text, options.limits.maxLinks)) collector.add(url, 'pdf-text');
    // Decoding a page's images is the costliest step of all; QR lures are short, sparse PDFs,
    // so only those pages are painted and searched.
    // A PDF that already carries a clickable link is judged by that link; the QR search (decoding every picture,
    // the costliest step of all) is kept for PDFs whose payload could only be a picture.
    if (document.numPages <= QR_SEARCH_MAX_PAGES && pageChars <= QR_SEARCH_MAX_PAGE_TEXT && collector.externalLinkCount() === 0) {
      await readPageImages(page, collector, options, qrBudget);
    }
  } finally {
    page.cleanup();
  }
}

async function readDocument(task: PdfLoadingTask, collector: PdfCollector, facts: PdfFacts, options: PdfOptions): Promise<void> {
  const document = await withDeadline(task.promise, options, 'opening the PDF');
  facts.pages = document.numPages;
  const metadata = await withDeadline(document.getMetadata(), options, 'reading metadata').catch(() => undefined);
  const info = (metadata?.info ?? {}) as Record<string, unknown>;
  if (info.EncryptFilterName) facts.encrypted = true;
  if (info.IsAcroFormPresent === true || info.IsXFAPresent === true) facts.hasForm = true;
  const scripts = await withDeadline(document.getJSActions(), options, 'reading scripts').catch(() => null);
  if (scripts && Object.keys(scripts).length > 0) facts.hasJavascript = true;

  const pagesToRead = Math.min(document.numPages, options.limits.maxPdfPages);
  if (document.numPages > pagesToRead) collector.errors.push(`only the first ${pagesToRead} of ${document.numPages} pages were read`);
  const qrBudget = { left: MAX_QR_IMAGES };
  for (let pageNumber = 1; pageNumber <= pagesToRead; pageNumber++) {
    try {
      await readPage(document, pageNumber, collector, facts, options, qrBudget);
    } catch (error) {
      if (error instanceof DeadlineError) throw error;
      collector.errors.push(`page ${pageNumber} cannot be read: ${(error as Error).message}`);
    }
  }
}

export async function inspectPdf(data: Uint8Array, given: PdfOptions): Promise<PdfInspection> {
  // one PDF never gets more than the whole attachment budget, even when the caller set no deadline
  const options = { ...given, deadline: Math.min(given.deadline, given.now() + given.limits.attachmentBudgetMs) };
  const collector = new PdfCollector(options);
  const raw = scanPdfBytes(data, options.limits.maxLinks);
  const facts: PdfFacts = {
    pages: raw.pageObjects,
    links: 0,
    encrypted: raw.encrypted,
    hasJavascript: raw.hasJavascript,
    hasForm: raw.hasForm,
    textChars: 0,
    images: raw.imageObjects,
  };
  const addRawUris = () => {
    if (facts.encrypted) return;
    for (const uri of raw.uris) collector.add(uri, 'pdf-annotation');
    for (const target of raw.submitTargets) collector.add(target, 'pdf-annotation');
  };
  const finish = (): PdfInspection => {
    facts.links = collector.externalLinkCount();
    // images hidden in object streams are only seen when pages are painted
    facts.images = Math.max(facts.images, collector.paintedImages);
    return { facts, links: collector.links, qrCodes: collector.qrCodes, errors: collector.errors };
  };

  if (data.byteLength > options.limits.maxPdfBytes) {
    collector.errors.push(`PDF of ${data.byteLength} bytes is over the ${options.limits.maxPdfBytes}-byte limit: not opened, only its raw bytes were scanned for links`);
    addRawUris();
    return finish();
  }
  if (options.now() > options.deadline) {
    collector.errors.push('time budget spent: PDF not opened, only its raw bytes were scanned for links');
    addRawUris();
    return finish();
  }

  let task: PdfLoadingTask | undefined;
  try {
    task = await openPdf(data);
    await readDocument(task, collector, facts, options);
    // pdf.js does not report where a form is submitted; the raw bytes do, when not compressed
    if (!facts.encrypted) for (const target of raw.submitTargets) collector.add(target, 'pdf-annotation');
  } catch (error) {
    if (isPasswordError(error)) {
      facts.encrypted = true;
      collector.errors.push('password-protected PDF: its pages cannot be read without the password');
    } else if (error instanceof DeadlineError) {
      collector.errors.push(`${error.message}; the rest of the PDF was skipped`);
      if (collector.links.length === 0) addRawUris();
    } else {
      collector.errors.push(`the PDF engine cannot read this file: ${(error as Error).message}; only its raw bytes were scanned`);
      addRawUris();
    }
  } finally {
    // destroying releases the document's memory; a failure to do so must not hide the result
    await task?.destroy().catch(() => undefined);
  }
  return finish();
}
