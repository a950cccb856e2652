import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { strToU8 } from 'fflate';
import { inspectAttachments, type RawPart } from '../../src/mail/attachments/index.js';
import { buildDocx, buildEncryptedPdf, buildPdf, buildZip, buildZipBomb, context, part, qrPng } from './attachments-fixtures.js';

/** A stand-in for mail-core's parser: each attached message's bytes name a canned result. */
function fakeParser(messages: Record<string, { parts: RawPart[]; text: string; html: string }>) {
  const calls: Array<{ key: string; depth: number }> = [];
  const parseNested = async (raw: Uint8Array, depth: number) => {
    const key = Buffer.from(raw).toString('utf8').split('\n')[0] ?? '';
    calls.push({ key, depth });
    const found = messages[key];
    if (!found) throw new Error(`unparsable message ${key}`);
    return found;
  };
  return { calls, parseNested };
}

const message = (key: string) => part('forwarded.eml', `Subject: ${key}\nFrom: a@b.example\nTo: c@d.example\n\nbody`, 'message/rfc822');

describe('attachments: the inspector as a whole', () => {
  it('opens attached messages: their body links and their own attachments, one level down', async () => {
    const pdf = await buildPdf({ links: [{ url: 'https://lure.example.com/doc', text: 'Document' }] });
    const { calls, parseNested } = fakeParser({
      'Subject: outer': {
        parts: [part('shared.pdf', pdf, 'application/pdf'), message('inner')],
        text: 'See https://text-link.example.org/a for the file.',
        html: '<p><a href="https://html-link.example.org/b">open</a></p>',
      },
      'Subject: inner': { parts: [], text: 'nothing here', html: '' },
    });
    const report = await inspectAttachments([message('outer')], context({ parseNested }));
    assert.deepEqual(calls, [
      { key: 'Subject: outer', depth: 1 },
      { key: 'Subject: inner', depth: 2 },
    ]);
    assert.deepEqual(
      report.attachments.map((info) => [info.filename, info.detectedType, info.depth, info.parentIndex]),
      [
        ['forwarded.eml', 'message', 0, undefined],
        ['shared.pdf', 'pdf', 1, 0],
        ['forwarded.eml', 'message', 1, 0],
      ],
    );
    assert.deepEqual(
      report.links.map((link) => [link.url, link.foundIn, link.attachmentIndex]),
      [
        ['https://text-link.example.org/a', 'text', 0],
        ['https://html-link.example.org/b', 'html-href', 0],
        ['https://lure.example.com/doc', 'pdf-annotation', 1],
      ],
    );
    assert.equal(report.attachments[1]?.linkOnly, true);
  });

  it('stops opening attached messages at maxDepth and survives a parser failure', async () => {
    const { parseNested } = fakeParser({ 'Subject: a': { parts: [message('b')], text: '', html: '' }, 'Subject: b': { parts: [message('c')], text: '', html: '' } });
    const report = await inspectAttachments([message('a'), message('unknown')], context({ parseNested, limits: { maxDepth: 2 } }));
    assert.equal(report.attachments.length, 4);
    assert.ok(report.attachments[2]?.errors.some((error) => error.includes('nested deeper than 2')));
    assert.ok(report.attachments[3]?.errors.some((error) => error.includes('cannot parse the attached message: unparsable message Subject: unknown')));
  });

  it('past the deadline, every attachment is still listed, sniffed and hashed, and the skip is reported once', async () => {
    const pdf = await buildPdf({ links: [{ url: 'https://late.example/x', text: 'x' }] });
    let clock = 1000;
    const report = await inspectAttachments(
      [part('a.pdf', pdf), part('b.zip', buildZip({ 'c.txt': 'c' })), part('d.png', qrPng('https://q.example/'))],
      context({ deadline: 500, now: () => clock++ }),
    );
    assert.deepEqual(report.attachments.map((info) => info.detectedType), ['pdf', 'zip', 'png']);
    for (const info of report.attachments) {
      assert.match(info.sha256, /^[0-9a-f]{64}$/);
      assert.deepEqual(info.errors, ['time budget spent: only sniffed and hashed']);
    }
    assert.equal(report.links.length, 0);
    assert.equal(report.errors.filter((error) => error.stage === 'limit').length, 1);
  });

  it('a deadline that passes while a PDF is being read cuts the rest short with a note', async () => {
    const pdf = await buildPdf({ pages: 6, links: [{ url: 'https://slow.example/', text: 'go' }] });
    let clock = 0;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    // every look at the clock costs 400 ms of budget: the PDF runs out somewhere inside
    const report = await inspectAttachments([part('slow.pdf', pdf), part('next.pdf', pdf)], context({ deadline: 2500, now: () => (clock += 400) }));
    // let the torn-down PDF engine settle: its abandoned promises must not reject unhandled
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.off('unhandledRejection', onUnhandled);
    assert.deepEqual(unhandled, []);
    assert.equal(report.attachments.length, 2);
    assert.ok(report.attachments[0]?.errors.some((error) => error.includes('time budget spent')));
    assert.deepEqual(report.attachments[1]?.errors, ['time budget spent: only sniffed and hashed']);
  });

  it('keeps at most maxParts attachments, archive members included', async () => {
    const files: Record<string, string> = {};
    for (let n = 0; n < 20; n++) files[`n${n}.txt`] = String(n);
    const report = await inspectAttachments([part('a.zip', buildZip(files)), part('late.txt', 'x')], context({ limits: { maxParts: 8 } }));
    assert.equal(report.attachments.length, 8);
    assert.ok(report.errors.some((error) => error.stage === 'limit' && error.message.includes('more than 8 attachments')));
  });

  it('caps the links it returns at maxLinks', async () => {
    const anchors = Array.from({ length: 30 }, (_, i) => `<a href="https://l${i}.example.com/">${i}</a>`).join('');
    const report = await inspectAttachments([part('links.html', `<html><body>${anchors}</body></html>`), part('more.html', `<html><body>${anchors}</body></html>`)], context({ limits: { maxLinks: 25 } }));
    assert.equal(report.links.length, 25);
    assert.ok(report.errors.some((error) => error.stage === 'limit' && error.message.includes('links')));
  });

  it('never throws on hostile or random input, and lists every part', async () => {
    const pdf = await buildPdf({ links: [{ url: 'https://x.example/', text: 'x' }] });
    const docx = buildDocx({ paragraph: 'p', linkText: 'l', url: 'https://l.example/' });
    const hostile: RawPart[] = [
      part('empty.bin', new Uint8Array(0)),
      part('random.bin', new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251)),
      part('fake.pdf', strToU8('%PDF-')),
      part('fake.zip', strToU8('PK\u0003\u0004 not really')),
      part('fake.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])),
      part('fake.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])),
      part('half.pdf', pdf.slice(0, 200)),
      part('half.docx', docx.slice(0, docx.length - 40)),
      part('locked.pdf', buildEncryptedPdf()),
      part('bomb.zip', buildZipBomb(100)),
      part('tag-soup.html', '<html><form action=<<<"><input type=password'.repeat(50)),
      part('x.svg', '<svg><a xlink:href="javascript:alert(1)"><script>location="//evil.example/p"'),
      { filename: '', mimeType: '', disposition: '', content: strToU8('plain') },
    ];
    // damaged copies of a good PDF, the same damage every run
    let seed = 2017;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let n = 0; n < 20; n++) {
      const noisy = pdf.slice();
      for (let k = 0; k < 30; k++) noisy[Math.floor(next() * noisy.length)] = Math.floor(next() * 256);
      hostile.push(part(`noisy${n}.pdf`, noisy));
    }
    const report = await inspectAttachments(hostile, context());
    assert.equal(report.attachments.length, hostile.length);
    assert.deepEqual(report.attachments.map((info) => info.index), hostile.map((_, i) => i));
    assert.equal(report.attachments[11]?.html?.hasScript, true);
    assert.ok(report.links.some((link) => link.url === 'https://evil.example/p'), 'protocol-relative script redirect resolved');
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(report)));
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report, 'the report is JSON-safe');
  });
});
