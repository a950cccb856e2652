// Attachment fixtures built at test time: PDFs (pdf-lib and hand-written), ZIP archives and bombs
// (fflate), a docx with an external hyperlink, QR code images. Nothing large is ever committed.
import { randomBytes } from 'node:crypto';
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import jpeg from 'jpeg-js';
import { PDFDocument, PDFName, type PDFPage, PDFString, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import qrcode from 'qrcode-generator';
import type { AttachmentContext, RawPart } from '../../src/mail/attachments/index.js';
import { DEFAULT_LIMITS, type AnalysisLimits } from '../../src/mail/options.js';

export function part(filename: string, content: Uint8Array | string, mimeType = 'application/octet-stream'): RawPart {
  return { filename, mimeType, disposition: 'attachment', content: typeof content === 'string' ? strToU8(content) : content };
}

export function context(overrides: Omit<Partial<AttachmentContext>, 'limits'> & { limits?: Partial<AnalysisLimits> } = {}): AttachmentContext {
  return {
    depth: 0,
    deadline: Number.MAX_SAFE_INTEGER,
    parseNested: async () => {
      throw new Error('this test attaches no message');
    },
    ...overrides,
    limits: { ...DEFAULT_LIMITS, ...(overrides.limits ?? {}) },
  };
}

function addLinkAnnotation(pdf: PDFDocument, page: PDFPage, rect: [number, number, number, number], url: string): void {
  const annotation = pdf.context.obj({
    Type: 'Annot',
    Subtype: 'Link',
    Rect: rect,
    Border: [0, 0, 0],
    A: { Type: 'Action', S: 'URI', URI: PDFString.of(url) },
  });
  const existing = page.node.Annots();
  const reference = pdf.context.register(annotation);
  if (existing) existing.push(reference);
  else page.node.set(PDFName.of('Annots'), pdf.context.obj([reference]));
}

export interface PdfSpec {
  pages?: number;
  /** a clickable word on page 1 for each entry */
  links?: Array<{ url: string; text: string }>;
  /** words written on page 1 (URLs in it become text links) */
  body?: string[];
  /** a PNG drawn on page 1 */
  image?: Uint8Array;
}

/** A PDF with link annotations over visible words, optional body text, extra pages and an image. */
export async function buildPdf(spec: PdfSpec): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const pageCount = spec.pages ?? 1;
  for (let n = 0; n < pageCount; n++) {
    const page = pdf.addPage([595, 842]);
    if (n > 0) page.drawText(`Page ${n + 1}`, { x: 60, y: 780, size: 12, font });
  }
  const first = pdf.getPage(0);
  let y = 760;
  for (const link of spec.links ?? []) {
    first.drawText(link.text, { x: 60, y, size: 14, font });
    const width = font.widthOfTextAtSize(link.text, 14);
    addLinkAnnotation(pdf, first, [58, y - 4, 62 + width, y + 14], link.url);
    y -= 40;
  }
  for (const line of spec.body ?? []) {
    first.drawText(line, { x: 60, y, size: 10, font });
    y -= 16;
  }
  if (spec.image) {
    const image = await pdf.embedPng(spec.image);
    first.drawImage(image, { x: 60, y: 100, width: 200, height: 200 });
  }
  return pdf.save();
}

/**
 * A one-page PDF encrypted with the standard security handler (revision 2) under a password we do
 * not know: the /U entry is random, so the empty user password does not open it.
 */
export function buildEncryptedPdf(): Uint8Array {
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    `<< /Filter /Standard /V 1 /R 2 /O <${hex(randomBytes(32))}> /U <${hex(randomBytes(32))}> /P -44 >>`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefAt = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  const id = hex(randomBytes(16));
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A valid PDF of about `megabytes` MB: one link annotation, then a large uncompressed stream. */
export async function buildHugePdf(megabytes: number, url: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  addLinkAnnotation(pdf, page, [50, 700, 200, 720], url);
  const filler = pdf.context.stream(new Uint8Array(megabytes * 1024 * 1024).fill(0x41), {});
  pdf.catalog.set(PDFName.of('KizukiFiller'), pdf.context.register(filler));
  return pdf.save({ useObjectStreams: false });
}

/** The module matrix of a QR code for `text`, drawn at `scale` pixels per module with a quiet zone. */
function qrPixels(text: string, scale: number): { width: number; dark: (x: number, y: number) => boolean } {
  const code = qrcode(0, 'M');
  code.addData(text);
  code.make();
  const modules = code.getModuleCount();
  const quiet = 4;
  const width = (modules + quiet * 2) * scale;
  return {
    width,
    dark: (x, y) => {
      const row = Math.floor(y / scale) - quiet;
      const col = Math.floor(x / scale) - quiet;
      return row >= 0 && col >= 0 && row < modules && col < modules && code.isDark(row, col);
    },
  };
}

/**
 * A QR code as PNG: black on white by default; 'inverted' draws white on black, 'transparent'
 * draws black modules on a fully transparent background.
 */
export function qrPng(text: string, scale = 6, style: 'plain' | 'inverted' | 'transparent' = 'plain'): Uint8Array {
  const { width, dark } = qrPixels(text, scale);
  const png = new PNG({ width, height: width });
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      const isDark = dark(x, y);
      const value = (style === 'inverted' ? !isDark : isDark) ? 0 : 255;
      png.data[at] = style === 'transparent' ? 0 : value;
      png.data[at + 1] = style === 'transparent' ? 0 : value;
      png.data[at + 2] = style === 'transparent' ? 0 : value;
      png.data[at + 3] = style === 'transparent' && !isDark ? 0 : 255;
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** A large light-grey picture with a QR code drawn somewhere inside it, as in a photo or a scan. */
export function qrInLargePng(text: string, width: number, height: number, scale: number, at: { x: number; y: number }): Uint8Array {
  const code = qrPixels(text, scale);
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inCode = x >= at.x && y >= at.y && x < at.x + code.width && y < at.y + code.width;
      const value = inCode ? (code.dark(x - at.x, y - at.y) ? 0 : 255) : 200 + ((x * 7 + y * 3) % 40);
      const offset = (y * width + x) * 4;
      png.data[offset] = value;
      png.data[offset + 1] = value;
      png.data[offset + 2] = value;
      png.data[offset + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

export function qrJpeg(text: string, scale = 6): Uint8Array {
  const { width, dark } = qrPixels(text, scale);
  const data = Buffer.alloc(width * width * 4);
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      const value = dark(x, y) ? 0 : 255;
      data[at] = value;
      data[at + 1] = value;
      data[at + 2] = value;
      data[at + 3] = 255;
    }
  }
  return new Uint8Array(jpeg.encode({ data, width, height: width }, 90).data);
}

/** A plain PNG with no QR code in it (a grey gradient). */
export function plainPng(width = 120, height = 80): Uint8Array {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const value = (i % width) * 2;
    png.data[i * 4] = value;
    png.data[i * 4 + 1] = value;
    png.data[i * 4 + 2] = value;
    png.data[i * 4 + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png));
}

export function buildZip(files: Record<string, Uint8Array | string>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(files)) entries[name] = typeof content === 'string' ? strToU8(content) : content;
  return zipSync(entries, { level: 6 });
}

/**
 * A ZIP holding one member of `megabytes` MB of zeros, built without ever holding them: one MB of
 * zeros is deflated once with a sync flush (so the block can be repeated), the block is repeated,
 * and a final empty block closes the stream. The archive headers are written by hand.
 */
export function buildZipBomb(megabytes: number, name = 'zeros.bin'): Uint8Array {
  const zeros = Buffer.alloc(1024 * 1024);
  const block = deflateRawSync(zeros, { level: 9, finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const packed = Buffer.concat([...Array.from({ length: megabytes }, () => block), deflateRawSync(Buffer.alloc(0))]);
  let crc = 0;
  for (let n = 0; n < megabytes; n++) crc = crc32(zeros, crc);
  return storeZipEntry(name, packed, { crc, size: megabytes * zeros.length, method: 8 });
}

/** A one-member ZIP around already-compressed bytes. */
function storeZipEntry(name: string, packed: Uint8Array, member: { crc: number; size: number; method: number }): Uint8Array {
  const fileName = Buffer.from(name, 'utf8');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x800, 6);
  local.writeUInt16LE(member.method, 8);
  local.writeUInt32LE(member.crc >>> 0, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(member.size, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x800, 8);
  central.writeUInt16LE(member.method, 10);
  central.writeUInt32LE(member.crc >>> 0, 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(member.size, 24);
  central.writeUInt16LE(fileName.length, 28);
  central.writeUInt32LE(0, 42);
  const directoryOffset = local.length + fileName.length + packed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(directoryOffset, 16);
  return new Uint8Array(Buffer.concat([local, fileName, packed, central, fileName, end]));
}

function findSignatures(data: Uint8Array, signature: number): number[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const found: number[] = [];
  for (let at = 0; at + 4 <= data.length; at++) if (view.getUint32(at, true) === signature) found.push(at);
  return found;
}

/** Rewrite every member's declared (uncompressed) size in the central directory: a lying archive. */
export function withDeclaredSize(zip: Uint8Array, declaredSize: number): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  for (const at of findSignatures(copy, 0x02014b50)) view.setUint32(at + 24, declaredSize, true);
  return copy;
}

/** Set the 'encrypted' flag on every member, as a password-protected archive has it. */
export function withEncryptedFlag(zip: Uint8Array): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  for (const at of findSignatures(copy, 0x02014b50)) view.setUint16(at + 8, view.getUint16(at + 8, true) | 1, true);
  for (const at of findSignatures(copy, 0x04034b50)) view.setUint16(at + 6, view.getUint16(at + 6, true) | 1, true);
  return copy;
}

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** A minimal docx: a paragraph of text and one hyperlink whose target lives in an external relationship. */
export function buildDocx(options: { paragraph: string; linkText: string; url: string; macros?: boolean; remoteTemplate?: string }): Uint8Array {
  const files: Record<string, string | Uint8Array> = {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '</Types>',
    '_rels/.rels':
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${REL_NS}">` +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
      '</Relationships>',
    'word/document.xml':
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W_NS}" xmlns:r="${R_NS}"><w:body>` +
      `<w:p><w:r><w:t>${options.paragraph}</w:t></w:r></w:p>` +
      `<w:p><w:hyperlink r:id="rId9"><w:r><w:t>${options.linkText}</w:t></w:r></w:hyperlink></w:p>` +
      '</w:body></w:document>',
    'word/_rels/document.xml.rels':
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${REL_NS}">` +
      `<Relationship Id="rId9" Type="${R_NS}/hyperlink" Target="${options.url.replace(/&/g, '&amp;')}" TargetMode="External"/>` +
      '</Relationships>',
  };
  if (options.macros) files['word/vbaProject.bin'] = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3, 4]);
  if (options.remoteTemplate) {
    files['word/_rels/settings.xml.rels'] =
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${REL_NS}">` +
      `<Relationship Id="rId1" Type="${R_NS}/attachedTemplate" Target="${options.remoteTemplate}" TargetMode="External"/>` +
      '</Relationships>';
  }
  return buildZip(files);
}
