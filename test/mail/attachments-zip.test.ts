import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { strFromU8 } from 'fflate';
import { inspectAttachments } from '../../src/mail/attachments/index.js';
import { bytesToText } from '../../src/mail/attachments/inflate.js';
import { buildPdf, buildZip, buildZipBomb, context, part, withDeclaredSize, withEncryptedFlag } from './attachments-fixtures.js';

describe('attachments: ZIP archives', () => {
  it('unpacks members and inspects each like an attachment, one level down', async () => {
    const pdf = await buildPdf({ links: [{ url: 'https://fake-docs.example.com/s', text: 'Document' }] });
    const zip = buildZip({ 'docs/shared.pdf': pdf, 'readme.txt': 'Open the PDF.' });
    const report = await inspectAttachments([part('files.zip', zip, 'application/zip')], context());
    assert.equal(report.attachments.length, 3);
    const [archive, member, text] = report.attachments;
    assert.equal(archive?.detectedType, 'zip');
    assert.deepEqual(archive?.archive, { entries: 2, encryptedEntries: 0, unpackedBytes: pdf.length + 'Open the PDF.'.length });
    assert.equal(member?.filename, 'shared.pdf');
    assert.equal(member?.detectedType, 'pdf');
    assert.equal(member?.depth, 1);
    assert.equal(member?.parentIndex, 0);
    assert.equal(member?.linkOnly, true);
    assert.equal(text?.detectedType, 'text');
    assert.equal(report.links.length, 1);
    assert.equal(report.links[0]?.attachmentIndex, 1, 'the link points at the member, not the archive');
  });

  it('follows nested archives down to maxDepth and no further', async () => {
    const inner = buildZip({ 'deep.txt': 'bottom' });
    const middle = buildZip({ 'inner.zip': inner });
    const outer = buildZip({ 'middle.zip': middle });
    const open = await inspectAttachments([part('outer.zip', outer)], context());
    assert.deepEqual(
      open.attachments.map((info) => [info.filename, info.depth, info.parentIndex]),
      [
        ['outer.zip', 0, undefined],
        ['middle.zip', 1, 0],
        ['inner.zip', 2, 1],
        ['deep.txt', 3, 2],
      ],
    );
    const capped = await inspectAttachments([part('outer.zip', outer)], context({ limits: { maxDepth: 1 } }));
    assert.deepEqual(capped.attachments.map((info) => info.filename), ['outer.zip', 'middle.zip']);
    assert.ok(capped.attachments[1]?.errors.some((error) => error.includes('nested deeper than 1')));
    assert.ok(capped.errors.some((error) => error.stage === 'limit'));
  });

  it('refuses a zip bomb with a clear error and unpacks nothing of it', async () => {
    const bomb = buildZipBomb(400);
    assert.ok(bomb.length < 1024 * 1024, `a 400 MB bomb packs into ${bomb.length} bytes`);
    const before = process.memoryUsage().rss;
    const report = await inspectAttachments([part('invoice.zip', bomb)], context());
    const [archive] = report.attachments;
    assert.equal(report.attachments.length, 1, 'no member was unpacked');
    assert.equal(archive?.archive?.unpackedBytes, 0);
    assert.ok(archive?.errors.some((error) => error.startsWith('zip bomb suspected') && error.includes('zeros.bin')));
    assert.ok(report.errors.some((error) => error.stage === 'zip' && error.message.includes('zip bomb')));
    assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024, 'memory stayed far below the bomb size');
  });

  it('stops a member that unpacks past the size it declares (a lying archive)', async () => {
    const honest = buildZipBomb(64);
    const liar = withDeclaredSize(honest, 1000);
    const report = await inspectAttachments([part('liar.zip', liar)], context());
    assert.equal(report.attachments.length, 1);
    assert.equal(report.attachments[0]?.archive?.unpackedBytes, 0);
    assert.ok(report.attachments[0]?.errors.some((error) => error.includes('unpacks past its declared 1000 bytes')));
  });

  it('keeps the total unpacked bytes per message under maxUnpackedBytes', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let n = 0; n < 5; n++) files[`part${n}.bin`] = randomBytes(300 * 1024);
    const zip = buildZip(files);
    const report = await inspectAttachments([part('a.zip', zip), part('b.zip', zip)], context({ limits: { maxUnpackedBytes: 1024 * 1024 } }));
    const unpacked = report.attachments.reduce((sum, info) => sum + (info.archive?.unpackedBytes ?? 0), 0);
    assert.equal(unpacked, 3 * 300 * 1024, 'three members fit in 1 MB, the fourth does not');
    assert.ok(report.attachments[0]?.errors.some((error) => error.startsWith('unpack budget reached: "part3.bin"')));
    assert.equal(report.attachments.at(-1)?.filename, 'b.zip', 'the second archive was listed but nothing fit');
  });

  it('notes password-protected members and does not try to unpack them', async () => {
    const zip = withEncryptedFlag(buildZip({ 'secret.pdf': 'not really a pdf', 'other.doc': 'x' }));
    const report = await inspectAttachments([part('locked.zip', zip)], context());
    assert.equal(report.attachments.length, 1);
    assert.equal(report.attachments[0]?.archive?.encryptedEntries, 2);
    assert.ok(report.attachments[0]?.errors.some((error) => error.includes('2 password-protected member(s): secret.pdf, other.doc')));
  });

  it('looks at no more than maxArchiveEntries members and says how many there were', async () => {
    const files: Record<string, string> = {};
    for (let n = 0; n < 30; n++) files[`f${n}.txt`] = `file ${n}`;
    const report = await inspectAttachments([part('many.zip', buildZip(files))], context({ limits: { maxArchiveEntries: 10 } }));
    assert.equal(report.attachments.length, 11);
    assert.equal(report.attachments[0]?.archive?.entries, 30);
    assert.ok(report.attachments[0]?.errors.some((error) => error.includes('declares 30 entries; only the first 10')));
  });

  it('unpacks a gzip file and inspects what was inside, keeping its stored name', async () => {
    const pdf = await buildPdf({ links: [{ url: 'https://gz-lure.example/d', text: 'Document' }] });
    const named = gzipSync(pdf);
    // set FNAME in the header and splice the name in after the 10-byte header
    const withName = Buffer.concat([named.subarray(0, 10), Buffer.from('Invoice 88.pdf\0', 'latin1'), named.subarray(10)]);
    withName[3] = (withName[3] ?? 0) | 0x08;
    const report = await inspectAttachments([part('invoice.gz', withName)], context());
    assert.deepEqual(report.attachments.map((info) => [info.filename, info.detectedType, info.depth, info.parentIndex]), [
      ['invoice.gz', 'gzip', 0, undefined],
      ['Invoice 88.pdf', 'pdf', 1, 0],
    ]);
    assert.equal(report.attachments[0]?.archive?.unpackedBytes, pdf.length);
    assert.equal(report.links[0]?.url, 'https://gz-lure.example/d');
    assert.equal(report.links[0]?.attachmentIndex, 1);
  });

  it('refuses a gzip bomb and reports a broken gzip file', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const broken = gzipSync(Buffer.from('hello hello hello')).subarray(0, 15);
    const report = await inspectAttachments([part('zeros.gz', bomb), part('cut.gz', broken)], context());
    assert.equal(report.attachments.length, 2);
    assert.ok(report.attachments[0]?.errors.some((error) => error.startsWith('gzip bomb suspected')));
    assert.equal(report.attachments[0]?.archive?.unpackedBytes, 0);
    assert.ok(report.attachments[1]?.errors.length);
  });

  it('reports a truncated archive without throwing', async () => {
    const zip = buildZip({ 'a.txt': 'hello world, hello world' });
    const report = await inspectAttachments([part('cut.zip', zip.slice(0, zip.length - 30))], context());
    assert.equal(report.attachments.length, 1);
    assert.ok(report.attachments[0]?.errors.length);
  });

  it('reads member names and Office parts as fflate did: UTF-8 with replacement characters, or Latin-1 byte by byte', () => {
    const samples = [
      Buffer.from('請求書_2025年.pdf', 'utf8'),
      Buffer.from([0x66, 0xe9, 0x2e, 0x70, 0x64, 0x66]),
      Buffer.from([0xff, 0xfe, 0x41, 0xc3, 0x28, 0xe2, 0x82]),
      Buffer.from([0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]),
      randomBytes(512),
    ];
    for (const bytes of samples) {
      const view = new Uint8Array(Buffer.concat([Buffer.from('xx'), bytes])).subarray(2);
      assert.equal(bytesToText(bytes), strFromU8(bytes));
      assert.equal(bytesToText(bytes, true), strFromU8(bytes, true));
      assert.equal(bytesToText(view, true), strFromU8(view, true), 'a view into a larger buffer');
    }
  });
});
