import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspectAttachments } from '../../src/mail/attachments/index.js';
import { inspectPdf } from '../../src/mail/attachments/pdf.js';
import { scanPdfBytes } from '../../src/mail/attachments/pdf-raw.js';
import { DEFAULT_LIMITS } from '../../src/mail/options.js';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { buildEncryptedPdf, buildHugePdf, buildPdf, context, part, qrPng } from './attachments-fixtures.js';

const pdfOptions = { attachmentIndex: 0, limits: DEFAULT_LIMITS, deadline: Number.MAX_SAFE_INTEGER, now: Date.now };

describe('attachments: PDF', () => {
  it('reads the 2017 lure: one page, one "Document" link to a fake Google page, a link carrier', async () => {
    const pdf = await buildPdf({ links: [{ url: 'https://docs-google.drive-share.example.net/view?id=77', text: 'Document' }] });
    const report = await inspectAttachments([part('shared.pdf', pdf, 'application/pdf')], context());
    assert.equal(report.attachments.length, 1);
    const [info] = report.attachments;
    assert.equal(info?.detectedType, 'pdf');
    assert.equal(info?.pdf?.pages, 1);
    assert.equal(info?.pdf?.links, 1);
    assert.equal(info?.pdf?.encrypted, false);
    assert.equal(info?.linkOnly, true);
    assert.deepEqual(info?.errors, []);
    assert.equal(report.links.length, 1);
    const [link] = report.links;
    assert.equal(link?.foundIn, 'pdf-annotation');
    assert.equal(link?.text, 'Document');
    assert.equal(link?.host, 'docs-google.drive-share.example.net');
    assert.equal(link?.registrableDomain, 'example.net');
    assert.equal(link?.attachmentIndex, 0);
  });

  it('finds URLs written in the page text and the text under annotations', async () => {
    const pdf = await buildPdf({
      links: [{ url: 'https://login.evil.example/a', text: 'www.google.com' }],
      body: ['For questions write to us or visit https://help.vendor.example/faq.'],
    });
    const result = await inspectPdf(pdf, pdfOptions);
    const byUrl = new Map(result.links.map((link) => [link.url, link]));
    assert.equal(byUrl.get('https://login.evil.example/a')?.textMismatch, true, 'visible text names google.com, target is elsewhere');
    assert.equal(byUrl.get('https://help.vendor.example/faq')?.foundIn, 'pdf-text', 'trailing full stop dropped');
    assert.equal(byUrl.get('http://www.google.com/')?.foundIn, 'pdf-text', 'the visible text is itself a URL in the page text');
    assert.equal(result.facts.links, 3);
    assert.ok(result.facts.textChars > 40);
  });

  it('is not a link carrier when it has many pages or plenty of text', async () => {
    const link = { url: 'https://shop.vendor.example/quote/17', text: 'Order online' };
    const long = await buildPdf({ pages: 5, links: [link] });
    const wordy = await buildPdf({ links: [link], body: Array.from({ length: 40 }, (_, i) => `Line ${i}: 24 units of model KZ-${i} at 1,200 USD each, delivery in June.`) });
    const report = await inspectAttachments([part('long.pdf', long), part('quote.pdf', wordy)], context());
    assert.equal(report.attachments[0]?.pdf?.pages, 5);
    assert.equal(report.attachments[0]?.linkOnly, false);
    assert.ok((report.attachments[1]?.pdf?.textChars ?? 0) > 600);
    assert.equal(report.attachments[1]?.linkOnly, false);
  });

  it('reads only maxPdfPages pages and says so', async () => {
    const pdf = await buildPdf({ pages: 4 });
    const report = await inspectAttachments([part('pages.pdf', pdf)], context({ limits: { maxPdfPages: 2 } }));
    const [info] = report.attachments;
    assert.equal(info?.pdf?.pages, 4);
    assert.ok(info?.errors.some((error) => error.includes('first 2 of 4 pages')));
    assert.ok(report.errors.some((error) => error.stage === 'pdf'));
  });

  it('reports a password-protected PDF clearly and still counts it', async () => {
    const report = await inspectAttachments([part('locked.pdf', buildEncryptedPdf())], context());
    const [info] = report.attachments;
    assert.equal(info?.detectedType, 'pdf');
    assert.equal(info?.pdf?.encrypted, true);
    assert.equal(info?.pdf?.pages, 1, 'page count read from the raw page objects');
    assert.equal(info?.linkOnly, false);
    assert.ok(info?.errors.some((error) => error.startsWith('password-protected PDF')));
    assert.ok(report.errors.some((error) => error.stage === 'pdf' && error.message.includes('locked.pdf')));
  });

  it('reads a QR code printed inside a PDF', async () => {
    const url = 'https://mfa-reset.example.org/k?u=1';
    const pdf = await buildPdf({ body: ['Scan the code with your phone to keep your mailbox.'], image: qrPng(url, 4) });
    const result = await inspectPdf(pdf, pdfOptions);
    assert.equal(result.facts.images, 1);
    assert.deepEqual(result.qrCodes, [url]);
    assert.equal(result.links.find((link) => link.foundIn === 'qr-pdf')?.url, url);
    const report = await inspectAttachments([part('scan.pdf', pdf)], context());
    assert.equal(report.attachments[0]?.linkOnly, true, 'a short PDF whose QR code is a URL is a link carrier');
  });

  it('leaves the pictures of a PDF that already carries a clickable link unsearched (the link decides)', async () => {
    const pdf = await buildPdf({
      links: [{ url: 'https://docs-viewer.example.net/d', text: 'Document' }],
      image: qrPng('https://mfa-reset.example.org/k?u=1', 4),
    });
    const result = await inspectPdf(pdf, pdfOptions);
    assert.deepEqual(result.links.map((link) => link.url), ['https://docs-viewer.example.net/d']);
    assert.deepEqual(result.qrCodes, []);
  });

  it('finds where an embedded form submits its fields', async () => {
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([595, 842]);
    const widget = pdf.context.obj({
      Type: 'Annot',
      Subtype: 'Widget',
      FT: 'Btn',
      Ff: 65536,
      T: PDFString.of('send'),
      Rect: [100, 100, 200, 130],
      A: { S: 'SubmitForm', F: { FS: 'URL', F: PDFString.of('https://harvest.example.net/login.php') }, Flags: 4 },
    });
    const reference = pdf.context.register(widget);
    page.node.set(PDFName.of('Annots'), pdf.context.obj([reference]));
    pdf.catalog.set(PDFName.of('AcroForm'), pdf.context.obj({ Fields: [reference] }));
    const bytes = await pdf.save({ useObjectStreams: false });
    const result = await inspectPdf(bytes, pdfOptions);
    assert.equal(result.facts.hasForm, true);
    assert.deepEqual(result.links.map((link) => [link.url, link.foundIn]), [['https://harvest.example.net/login.php', 'pdf-annotation']]);
  });

  it('handles a 50 MB PDF within limits: not opened, raw bytes scanned, limit noted', async () => {
    const pdf = await buildHugePdf(50, 'https://big.example.com/x');
    assert.ok(pdf.byteLength > 50 * 1024 * 1024);
    const report = await inspectAttachments([part('huge.pdf', pdf)], context());
    const [info] = report.attachments;
    assert.equal(info?.detectedType, 'pdf');
    assert.equal(info?.size, pdf.byteLength);
    assert.match(info?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.ok(info?.errors.some((error) => error.includes('over the') && error.includes('limit')));
    assert.equal(report.links[0]?.url, 'https://big.example.com/x', 'the link annotation was still found in the raw bytes');
    assert.equal(info?.pdf?.pages, 1);
  });

  it('copes with a truncated or garbage PDF', async () => {
    const pdf = await buildPdf({ links: [{ url: 'https://cut.example/z', text: 'Open' }] });
    const report = await inspectAttachments(
      [part('cut.pdf', pdf.slice(0, Math.floor(pdf.length / 2))), part('junk.pdf', Buffer.from('%PDF-1.7\n\x00\x01garbage garbage'))],
      context(),
    );
    assert.equal(report.attachments.length, 2);
    for (const info of report.attachments) assert.equal(info.detectedType, 'pdf');
    assert.equal(report.attachments[1]?.pdf?.pages, 0);
    assert.ok(report.attachments[1]?.errors.length);
  });

  it('scans raw bytes for URI actions, escapes and hex strings included', () => {
    const raw = Buffer.from(
      '%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n2 0 obj << /Type/Pages >> endobj\n' +
        '3 0 obj << /S /URI /URI (https://a.example/p\\(1\\)) >> endobj\n' +
        `4 0 obj << /S /URI /URI <${Buffer.from('https://b.example/').toString('hex')}> >> endobj\n` +
        '5 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> /AcroForm 6 0 R >> endobj\n' +
        '7 0 obj << /Type /Annot /Subtype /Widget /A << /S /SubmitForm /F << /FS /URL /F (https://harvest.example/p.php) >> /Flags 4 >> >> endobj\n',
      'latin1',
    );
    const facts = scanPdfBytes(raw, 10);
    assert.deepEqual(facts.uris, ['https://a.example/p(1)', 'https://b.example/']);
    assert.deepEqual(facts.submitTargets, ['https://harvest.example/p.php']);
    assert.equal(facts.pageObjects, 1);
    assert.equal(facts.hasJavascript, true);
    assert.equal(facts.hasOpenAction, true);
    assert.equal(facts.hasForm, true);
    assert.equal(facts.encrypted, false);
  });
});
