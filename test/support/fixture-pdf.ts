// Quotation and invoice PDFs for the fixture partners' mail, built with pdf-lib. Standard fonts carry Latin text only,
// so Japanese documents are written in romaji and English, as many Japanese exporters' PDFs are.
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';

export interface BusinessDocument {
  title: string;
  number: string;
  issued: string;
  seller: string[];
  buyer: string[];
  lines: Array<{ item: string; qty: number; price: number }>;
  currency: string;
  notes: string[];
  created: Date;
  seed: number;
}

/** pdf-lib names fonts with Math.random(): build with a seeded stand-in so the bytes repeat. */
async function seeded<T>(seed: number, build: () => Promise<T>): Promise<T> {
  const original = Math.random;
  let state = seed >>> 0;
  Math.random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  try {
    return await build();
  } finally {
    Math.random = original;
  }
}

export function makeBusinessPdf(doc: BusinessDocument): Promise<Uint8Array> {
  return seeded(doc.seed, async () => {
    const pdf = await PDFDocument.create({ updateMetadata: false });
    pdf.setTitle(`${doc.title} ${doc.number}`);
    pdf.setAuthor(doc.seller[0] ?? '');
    pdf.setCreator('Kizuki fixture generator');
    pdf.setProducer('pdf-lib');
    pdf.setCreationDate(doc.created);
    pdf.setModificationDate(doc.created);
    const page = pdf.addPage([595, 842]);
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
    let y = 790;
    const line = (text: string, size = 10, f = font, x = 50) => {
      page.drawText(text, { x, y, size, font: f, color: rgb(0.1, 0.1, 0.1) });
      y -= size + 6;
    };
    line(doc.title, 20, bold);
    line(`No. ${doc.number}    ${doc.issued}`);
    y -= 10;
    for (const s of doc.seller) line(s, 9);
    y -= 8;
    for (const b of doc.buyer) line(b, 9, bold);
    y -= 14;
    let total = 0;
    for (const l of doc.lines) {
      const amount = l.qty * l.price;
      total += amount;
      line(`${l.item}`, 10);
      y += 16;
      page.drawText(`${l.qty} x ${l.price.toLocaleString('en-US')} = ${doc.currency} ${amount.toLocaleString('en-US')}`, { x: 330, y, size: 10, font });
      y -= 16;
    }
    y -= 6;
    line(`Total: ${doc.currency} ${total.toLocaleString('en-US')}`, 12, bold, 330);
    y -= 10;
    for (const n of doc.notes) line(n, 9);
    return pdf.save({ useObjectStreams: false });
  });
}
