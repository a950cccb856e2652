import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AttachmentInfo, Link } from '../../src/model/analysis.js';
import { inspectAttachments } from '../../src/mail/attachments/index.js';
import { parseMessage } from '../../src/mail/parse.js';
import { isPdf } from '../../src/mail/attachments/sniff.js';
import { context } from './attachments-fixtures.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = path.resolve(repoRoot, '../shared/corpus');

test('real phishing PDFs in ../shared/corpus: every one inspected, links and link carriers found', async (t) => {
  if (!existsSync(corpus)) {
    if (process.env.CI) assert.fail('../shared/corpus not found');
    t.skip('../shared/corpus not found beside the repository');
    return;
  }
  const folder = path.join(corpus, 'phishing');
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(folder, name))
    .filter((file) => file.endsWith('.eml'))
    .sort();
  const pdfs: Array<{ file: string; info: AttachmentInfo; links: Link[] }> = [];
  for (const file of files) {
    const raw = readFileSync(file);
    // cheap pre-filter: a PDF part declares its type or names its file
    if (!/application\/pdf|\.pdf\b/i.test(raw.toString('latin1'))) continue;
    const parsed = await parseMessage(new Uint8Array(raw), context().limits);
    const pdfParts = parsed.parts.filter((part) => isPdf(part.content));
    if (pdfParts.length === 0) continue;
    const report = await inspectAttachments(pdfParts, context({ deadline: Date.now() + 60_000 }));
    assert.equal(report.attachments.length, pdfParts.length, `${file}: every PDF is listed`);
    for (const info of report.attachments) {
      if (info.detectedType !== 'pdf') continue;
      pdfs.push({ file, info, links: report.links.filter((link) => link.attachmentIndex === info.index) });
    }
  }
  assert.ok(pdfs.length >= 50, `the corpus holds dozens of phishing PDFs (found ${pdfs.length})`);
  for (const { file, info, links } of pdfs) {
    assert.ok(info.pdf, `${file}: PDF facts present`);
    assert.ok(info.pdf.pages >= 1 || info.errors.length > 0, `${file}: pages counted or a reason given`);
    const external = new Set(links.filter((link) => link.scheme.startsWith('http') || link.scheme === 'ftp').map((link) => link.url));
    assert.equal(info.pdf.links, external.size, `${file}: link count matches the links returned`);
    if (info.linkOnly) {
      assert.ok(info.pdf.pages <= 2 && info.pdf.textChars <= 600, `${file}: a link carrier is short`);
      assert.ok(external.size >= 1 && (external.size <= 3 || info.qrCodes.length > 0), `${file}: a link carrier carries a few links`);
    }
  }
  const annotationLinks = pdfs.flatMap(({ links }) => links).filter((link) => link.foundIn === 'pdf-annotation');
  assert.ok(annotationLinks.length >= 20, `link annotations are read (found ${annotationLinks.length})`);
  assert.ok(annotationLinks.some((link) => link.text), 'annotations come with the words under them');
  const carriers = pdfs.filter(({ info }) => info.linkOnly).length;
  assert.ok(carriers >= 10, `one-link lure PDFs are recognised (found ${carriers})`);
});
