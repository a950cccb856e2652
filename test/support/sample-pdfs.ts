// PDFs for the seed-2017 samples, built with pdf-lib. Dates and metadata are fixed so the bytes never change.
import { PDFDocument, PDFName, type PDFPage, PDFString, rgb, StandardFonts } from 'pdf-lib';

const FIXED_DATE = new Date('2017-06-30T00:00:00Z');

/**
 * pdf-lib names font resources with Math.random() suffixes; run `build` with a seeded generator in its
 * place so the same input always gives the same bytes.
 */
async function withSeededRandom<T>(seed: number, build: () => Promise<T>): Promise<T> {
  const original = Math.random;
  let state = seed >>> 0;
  Math.random = () => {
    // mulberry32: a small, well-known 32-bit generator; quality is irrelevant here, repeatability is all
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  try {
    return await build();
  } finally {
    Math.random = original;
  }
}

async function newDocument(title: string, author: string, created: Date): Promise<PDFDocument> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.setTitle(title);
  pdf.setAuthor(author);
  pdf.setCreator('Kizuki sample generator');
  pdf.setProducer('pdf-lib');
  pdf.setCreationDate(created);
  pdf.setModificationDate(created);
  return pdf;
}

/** Put a clickable URI link annotation over a rectangle of the page. */
function addLink(pdf: PDFDocument, page: PDFPage, rect: [number, number, number, number], url: string): void {
  const annotation = pdf.context.obj({
    Type: 'Annot',
    Subtype: 'Link',
    Rect: rect,
    Border: [0, 0, 0],
    A: { Type: 'Action', S: 'URI', URI: PDFString.of(url) },
  });
  const ref = pdf.context.register(annotation);
  page.node.set(PDFName.of('Annots'), pdf.context.obj([ref]));
}

/**
 * The lure: one page that looks like a locked document preview, whose only content worth the name is a
 * button labelled "Document" linking to `url`.
 */
export function makeLurePdf(url: string, created: Date = FIXED_DATE): Promise<Uint8Array> {
  return withSeededRandom(1703, () => buildLurePdf(url, created));
}

async function buildLurePdf(url: string, created: Date): Promise<Uint8Array> {
  const pdf = await newDocument('Document', '', created);
  const page = pdf.addPage([595, 842]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  // a grey block standing in for a blurred page, as such lures show
  for (let row = 0; row < 14; row++) {
    page.drawRectangle({ x: 80, y: 700 - row * 28, width: 300 + ((row * 37) % 140), height: 10, color: rgb(0.85, 0.85, 0.87) });
  }
  page.drawText('A file has been shared with you', { x: 80, y: 300, size: 16, font: bold, color: rgb(0.2, 0.2, 0.2) });
  page.drawText('Preview is not available. Open the file online to view it.', {
    x: 80,
    y: 276,
    size: 11,
    font: regular,
    color: rgb(0.35, 0.35, 0.35),
  });
  const button: [number, number, number, number] = [80, 200, 260, 244];
  page.drawRectangle({ x: 80, y: 200, width: 180, height: 44, color: rgb(0.26, 0.52, 0.96) });
  page.drawText('Document', { x: 128, y: 216, size: 16, font: bold, color: rgb(1, 1, 1) });
  addLink(pdf, page, button, url);
  return pdf.save({ useObjectStreams: false });
}

export interface QuotationLine {
  sku: string;
  description: string;
  quantity: number;
  unitPriceUsd: number;
}

export interface Quotation {
  number: string;
  issued: string;
  validUntil: string;
  seller: string[];
  buyer: string[];
  lines: QuotationLine[];
  terms: string[];
  contactLine: string;
  siteUrl: string;
}

function money(n: number): string {
  return `USD ${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** An ordinary multi-page quotation: cover, priced lines, terms; its one link goes to the seller's own site. */
export function makeQuotationPdf(quote: Quotation, created: Date = FIXED_DATE): Promise<Uint8Array> {
  return withSeededRandom(614, () => buildQuotationPdf(quote, created));
}

async function buildQuotationPdf(quote: Quotation, created: Date): Promise<Uint8Array> {
  const pdf = await newDocument(`Quotation ${quote.number}`, quote.seller[0] ?? '', created);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const text = (page: PDFPage, s: string, x: number, y: number, size = 10, font = regular): void => {
    page.drawText(s, { x, y, size, font, color: rgb(0.1, 0.1, 0.1) });
  };

  const cover = pdf.addPage([595, 842]);
  text(cover, 'QUOTATION', 60, 760, 24, bold);
  text(cover, `No. ${quote.number}`, 60, 730, 12);
  text(cover, `Issued: ${quote.issued}    Valid until: ${quote.validUntil}`, 60, 712, 10);
  text(cover, 'From', 60, 670, 11, bold);
  for (const [i, line] of quote.seller.entries()) text(cover, line, 60, 652 - i * 14);
  text(cover, 'To', 320, 670, 11, bold);
  for (const [i, line] of quote.buyer.entries()) text(cover, line, 320, 652 - i * 14);
  const total = quote.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceUsd, 0);
  text(cover, `Total (ex works, before duties and freight): ${money(total)}`, 60, 520, 12, bold);
  text(cover, 'Line items are on page 2; terms and conditions on page 3.', 60, 500);
  text(cover, quote.contactLine, 60, 120, 9);

  const items = pdf.addPage([595, 842]);
  text(items, 'Line items', 60, 780, 16, bold);
  const columns = [60, 150, 400, 460];
  for (const [i, heading] of ['SKU', 'Description', 'Qty', 'Amount'].entries()) {
    text(items, heading, columns[i] ?? 60, 750, 10, bold);
  }
  for (const [row, line] of quote.lines.entries()) {
    const y = 730 - row * 18;
    text(items, line.sku, columns[0] ?? 60, y, 9);
    text(items, line.description, columns[1] ?? 150, y, 9);
    text(items, String(line.quantity), columns[2] ?? 400, y, 9);
    text(items, money(line.quantity * line.unitPriceUsd), columns[3] ?? 460, y, 9);
  }
  text(items, `Total: ${money(total)}`, 400, 720 - quote.lines.length * 18, 10, bold);

  const terms = pdf.addPage([595, 842]);
  text(terms, 'Terms and conditions', 60, 780, 16, bold);
  for (const [i, line] of quote.terms.entries()) text(terms, `${i + 1}. ${line}`, 60, 750 - i * 20, 9);
  const siteY = 730 - quote.terms.length * 20;
  text(terms, `Full warranty terms: ${quote.siteUrl}`, 60, siteY, 9);
  addLink(pdf, terms, [160, siteY - 2, 480, siteY + 10], quote.siteUrl);

  return pdf.save({ useObjectStreams: false });
}
