import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { looksLikeMail, readSources, type SourceItem, splitMbox } from '../../src/scan/sources.js';

const msg = (n: number, body = 'hello') => `From: a${n}@example.com\nTo: b@example.com\nSubject: m${n}\n\n${body}\n`;

async function collect(items: AsyncIterable<SourceItem>) {
  const out: Array<{ path: string; index?: number; text?: string; error?: string }> = [];
  for await (const item of items) {
    if ('error' in item) out.push({ path: item.ref.path, error: item.error });
    else out.push({ ...item.ref, text: Buffer.from(item.raw).toString('latin1') });
  }
  return out;
}

describe('scan sources', () => {
  it('splits an mbox at From_ lines that follow an empty line, and unquotes >From', async () => {
    const mbox =
      `From alice@example.com Mon Jan  1 00:00:00 2024\n${msg(1, 'line one\n>From the archive\nFrom inside a paragraph')}\n` +
      `From - Tue Jan  2 00:00:00 2024\n${msg(2)}\n` +
      `From bob@example.com Wed Jan  3 00:00:00 2024\r\n${msg(3)}`;
    const parts: string[] = [];
    // feed it in tiny chunks so separators straddle chunk boundaries
    const bytes = Buffer.from(mbox);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    for await (const part of splitMbox(chunks)) parts.push(part.toString());
    assert.equal(parts.length, 3);
    assert.match(parts[0]!, /^From: a1@example.com/);
    assert.match(parts[0]!, /\nFrom the archive\n/, '>From is unquoted');
    assert.match(parts[0]!, /\nFrom inside a paragraph/, 'a From line inside a paragraph does not split');
    assert.match(parts[1]!, /^From: a2@example.com/);
    assert.match(parts[2]!, /^From: a3@example.com/);
  });

  it('reads files, folders (recursively, sorted, skipping non-mail files) and mbox files with indexes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-src-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'b.eml'), msg(2));
    writeFileSync(join(dir, 'a.eml'), `From x@y Mon Jan  1 00:00:00 2024\n${msg(1)}`);
    writeFileSync(join(dir, 'README.md'), '# not mail\n');
    writeFileSync(join(dir, 'sub', 'box.mbox'), `From a Mon Jan  1 00:00:00 2024\n${msg(3)}\nFrom b Mon Jan  1 00:00:00 2024\n${msg(4)}`);
    writeFileSync(join(dir, 'empty.eml'), '');
    writeFileSync(join(dir, 'noise.eml'), Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00]));
    writeFileSync(join(dir, 'noise.bin'), Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00]));
    const summary = { skipped: [] as string[] };
    const items = await collect(readSources([dir, join(dir, 'missing.eml')], summary));
    assert.deepEqual(
      items.map((i) => [i.path.slice(dir.length + 1), i.index]),
      [['a.eml', undefined], ['b.eml', undefined], ['empty.eml', undefined], ['noise.eml', undefined], ['sub/box.mbox', 0], ['sub/box.mbox', 1], ['missing.eml', undefined]],
    );
    assert.match(items[0]!.text!, /^From: a1@example.com/, 'a single message loses its leading From_ line');
    assert.equal(items[2]!.text, '');
    assert.match(items[6]!.error!, /no such file or folder/);
    assert.deepEqual(summary.skipped.map((p) => p.slice(dir.length + 1)), ['README.md', 'noise.bin'], 'a binary .eml is still judged; other non-mail files are skipped');
  });

  it('reads standard input as one message or as an mbox', async () => {
    const one = await collect(readSources(['-'], undefined, [Buffer.from(msg(1))]));
    assert.deepEqual(one.map((i) => [i.path, i.index]), [['-', undefined]]);
    const many = await collect(readSources(['-'], undefined, [Buffer.from(`From a Mon\n${msg(1)}\nFrom b Mon\n${msg(2)}`)]));
    assert.deepEqual(many.map((i) => [i.path, i.index]), [['-', 0], ['-', 1]]);
  });

  it('yields each mbox message as it is read, in a buffer of its own', async () => {
    // 40 messages of about 30 KiB, read in 64 KiB chunks; the source counts what has been pulled from it
    const body = 'x'.repeat(30_000);
    const bytes = Buffer.from(Array.from({ length: 40 }, (_, i) => `From s${i} Mon Jan  1 00:00:00 2024\n${msg(i, body)}\n`).join(''));
    let pulled = 0;
    function* chunks() {
      for (let at = 0; at < bytes.length; at += 65_536) {
        pulled += 1;
        yield bytes.subarray(at, at + 65_536);
      }
    }
    const total = Math.ceil(bytes.length / 65_536);
    const pulledAtMessage: number[] = [];
    for await (const message of splitMbox(chunks())) {
      pulledAtMessage.push(pulled);
      // a view into the read chunk would take the whole chunk along when it is cloned to a worker
      assert.equal(message.byteOffset, 0);
      assert.equal(message.buffer.byteLength, message.byteLength, 'the message owns its memory, not a view into a chunk');
      assert.match(message.toString('latin1'), new RegExp(`^From: a${pulledAtMessage.length - 1}@example.com`));
    }
    assert.equal(pulledAtMessage.length, 40);
    assert.ok(pulledAtMessage[0]! <= 2, `the first message comes after at most two chunks of ${total} (came after ${pulledAtMessage[0]})`);
    for (const [i, n] of pulledAtMessage.entries()) assert.ok(n <= Math.ceil(((i + 2) * 30_100) / 65_536) + 1, `message ${i} waited for ${n} chunks`);
  });

  it('streams an mbox on standard input: the first message comes before the input ends', async () => {
    let ended = false;
    async function* stdin() {
      for (let i = 0; i < 5; i++) yield Buffer.from(`From s${i} Mon Jan  1 00:00:00 2024\n${msg(i)}\n`);
      ended = true;
    }
    const seen: Array<[number | undefined, boolean, string]> = [];
    for await (const item of readSources(['-'], undefined, stdin())) {
      assert.ok(!('error' in item));
      seen.push([item.ref.index, ended, Buffer.from(item.raw).toString('latin1').split('\n', 1)[0]!]);
    }
    assert.deepEqual(
      seen.map(([index]) => index),
      [0, 1, 2, 3, 4],
    );
    assert.equal(seen[0]![1], false, 'message 0 was handed on while standard input was still open');
    assert.deepEqual(
      seen.map(([, , first]) => first),
      ['From: a0@example.com', 'From: a1@example.com', 'From: a2@example.com', 'From: a3@example.com', 'From: a4@example.com'],
    );
    // a single message keeps its bytes: a '>From ' body line is not unquoted, as it would be inside an mbox
    const single = await collect(readSources(['-'], undefined, [Buffer.from('From x Mon\n'), Buffer.from(msg(1, '>From here'))]));
    assert.deepEqual(single.map((i) => [i.path, i.index]), [['-', undefined]]);
    assert.equal(single[0]!.text, msg(1, '>From here'));
    const empty = await collect(readSources(['-'], undefined, []));
    assert.deepEqual(empty, [{ path: '-', text: '' }]);
  });

  it('tells mail from other files by the first line', () => {
    assert.equal(looksLikeMail(Buffer.from('Return-Path: <a@b>\n')), true);
    assert.equal(looksLikeMail(Buffer.from('\r\nReceived: from x\n')), true);
    assert.equal(looksLikeMail(Buffer.from('From someone Mon Jan 1\n')), true);
    assert.equal(looksLikeMail(Buffer.from('path\tlabel\n')), false);
    assert.equal(looksLikeMail(Buffer.from('%PDF-1.7\n')), false);
  });
});
