// Markdown (as markdown-it tokens) → a printable A4 PDF with a Japanese font embedded (pdfkit subsets it), so the
// letter opens and prints the same everywhere. The font is a file on the machine: Debian's fonts-ipafont-gothic
// or fonts-noto-cjk, or any TTF/OTF/TTC named by KIZUKI_PDF_FONT.
import { existsSync } from 'node:fs';
import type Token from 'markdown-it/lib/token.mjs';
import PDFDocument from 'pdfkit';

export interface PdfOptions {
  /** a TTF/OTF file, or 'file.ttc#PostScriptName' for a font collection; default: the first font found */
  fontPath?: string;
  title?: string;
  /** fixed creation date (ISO), so that the same record gives the same file */
  createdAt?: string;
}

const CANDIDATES = [
  '/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf',
  '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf',
  '/usr/share/fonts/truetype/fonts-japanese-gothic.ttf',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKjp-Regular',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc#NotoSansCJKjp-Regular',
];

export class FontMissingError extends Error {
  constructor(tried: string[]) {
    super(
      `no Japanese font for the PDF: looked for ${tried.join(', ')}. Install one (apt-get install fonts-ipafont-gothic) or set KIZUKI_PDF_FONT to a TTF, OTF or TTC#name file`,
    );
    this.name = 'FontMissingError';
  }
}

/** The font file to embed: the option, KIZUKI_PDF_FONT, or the first of the usual Debian places that exists. */
export function findFont(explicit?: string): { file: string; family?: string } {
  const given = explicit ?? process.env.KIZUKI_PDF_FONT;
  const list = given ? [given] : CANDIDATES;
  for (const entry of list) {
    const [file = '', family] = entry.split('#');
    if (existsSync(file)) return family ? { file, family } : { file };
  }
  throw new FontMissingError(list.map((e) => e.split('#')[0] ?? e));
}

function inlineText(token: Token | undefined): string {
  if (!token) return '';
  if (!token.children) return token.content;
  return token.children.map((c) => (c.type === 'softbreak' ? ' ' : c.type === 'hardbreak' ? '\n' : c.type === 'text' || c.type === 'code_inline' ? c.content : '')).join('');
}

const SIZES: Record<string, number> = { h1: 17, h2: 13, h3: 11.5 };
const BODY = 10;

export function markdownToPdf(tokens: Token[], options: PdfOptions = {}): Promise<Uint8Array> {
  const font = findFont(options.fontPath);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 56, right: 56 },
    info: { Title: options.title ?? '', Creator: 'Kizuki', CreationDate: options.createdAt ? new Date(options.createdAt) : new Date(0) },
    bufferPages: true,
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  doc.registerFont('jp', font.file, font.family);
  doc.font('jp').fontSize(BODY);
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;

  const lists: Array<{ ordered: boolean; n: number }> = [];
  let table: string[][] | undefined;
  let row: string[] | undefined;
  let pendingBullet = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    switch (t.type) {
      case 'heading_open': {
        const size = SIZES[t.tag] ?? BODY;
        doc.moveDown(t.tag === 'h1' ? 0 : 0.6);
        doc.fontSize(size).text(inlineText(tokens[i + 1]), left, undefined, { width });
        if (t.tag === 'h1') {
          const y = doc.y + 2;
          doc.moveTo(left, y).lineTo(left + width, y).lineWidth(1).stroke();
        }
        doc.moveDown(0.4).fontSize(BODY);
        i++;
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: t.type === 'ordered_list_open', n: 0 });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        if (lists.length === 0) doc.moveDown(0.3);
        break;
      case 'list_item_open': {
        const list = lists[lists.length - 1];
        if (list) list.n++;
        pendingBullet = list?.ordered ? `${list.n}.` : '•';
        break;
      }
      case 'table_open':
        table = [];
        break;
      case 'tr_open':
        row = [];
        break;
      case 'tr_close':
        if (table && row) table.push(row);
        row = undefined;
        break;
      case 'table_close':
        if (table) drawTable(doc, table, left, width);
        table = undefined;
        break;
      case 'inline': {
        const content = inlineText(t);
        if (row) {
          row.push(content);
          break;
        }
        if (pendingBullet || lists.length > 0) {
          const indent = 14 * lists.length;
          const x = left + indent;
          if (pendingBullet) doc.text(pendingBullet, x - 10, undefined, { width: 10, continued: false, lineBreak: false });
          if (pendingBullet) doc.moveUp();
          doc.text(content, x + 4, undefined, { width: width - indent - 4, lineGap: 2 });
          pendingBullet = '';
        } else {
          doc.text(content, left, undefined, { width, lineGap: 2 });
          doc.moveDown(0.5);
        }
        break;
      }
      case 'hr':
        doc.moveDown(0.5);
        break;
      default:
        break;
    }
  }
  // page numbers, once every page exists
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(8).text(`${p + 1} / ${range.count}`, left, doc.page.height - 36, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}

function drawTable(doc: PDFKit.PDFDocument, rows: string[][], left: number, width: number): void {
  const columns = Math.max(...rows.map((r) => r.length));
  // the last column of a two-column table holds the long text; wider tables share the width evenly
  const widths = columns === 2 ? [width * 0.38, width * 0.62] : Array.from({ length: columns }, () => width / columns);
  const pad = 3;
  doc.fontSize(columns > 3 ? 7.5 : 9);
  for (const [r, cells] of rows.entries()) {
    const height = Math.max(...cells.map((c, k) => doc.heightOfString(c, { width: (widths[k] ?? 40) - 2 * pad }))) + 2 * pad;
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    let x = left;
    for (let k = 0; k < columns; k++) {
      const w = widths[k] ?? 40;
      if (r === 0) doc.rect(x, y, w, height).fillAndStroke('#eeeeee', '#999999').fillColor('#000000');
      else doc.rect(x, y, w, height).strokeColor('#999999').stroke();
      doc.text(cells[k] ?? '', x + pad, y + pad, { width: w - 2 * pad });
      x += w;
    }
    doc.x = left;
    doc.y = y + height;
  }
  doc.fontSize(BODY).moveDown(0.6);
}
