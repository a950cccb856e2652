// analyse() over real mail from ../shared/corpus: a tenth of it, every ISO-2022-JP subject,
// and the files with CRLF / bare-CR line endings.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import PostalMime from 'postal-mime';
import { analyse } from '../../src/mail/analyse.js';
import { findHeaderBounds, readRawHeaders } from '../../src/mail/headers.js';
import { DEFAULT_LIMITS } from '../../src/mail/options.js';
import { prepareBytes } from '../../src/mail/parse.js';
import { readSinglePartBody } from '../../src/mail/single-part.js';
import { testOptions } from './core-fixtures.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = resolve(repoRoot, '../shared/corpus');

/** Rows of labels.tsv: path, label, source, date, tags. */
function corpusRows(t: TestContext): string[][] | undefined {
  const labels = join(corpus, 'labels.tsv');
  if (!existsSync(labels)) {
    if (process.env.CI) assert.fail('../shared/corpus not found');
    t.skip('../shared/corpus not found beside the repository');
    return undefined;
  }
  return readFileSync(labels, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'));
}

const KANA_RE = /[\u3040-\u30ff]/;

describe('analyse() on the real corpus', () => {
  it('gives every tenth file a complete Analysis without throwing, and without mojibake', async (t) => {
    const rows = corpusRows(t);
    if (!rows) return;
    const sample = rows.filter((_, i) => i % 10 === 0);
    const options = testOptions({ auth: { mode: 'headers', trustedHosts: ['mx.google.com', 'protection.outlook.com'] } });
    let replacementChars = 0;
    let withFrom = 0;
    for (const [path] of sample) {
      const raw = readFileSync(join(corpus, path!));
      const analysis = await analyse(raw, options);
      assert.equal(analysis.sha256, createHash('sha256').update(raw).digest('hex'), path);
      assert.equal(analysis.size, raw.byteLength);
      assert.ok(Array.isArray(analysis.errors));
      if (analysis.text.includes('\ufffd') || analysis.subject.includes('\ufffd')) replacementChars++;
      if (analysis.from.address) withFrom++;
    }
    assert.ok(sample.length > 800);
    // A handful of real messages carry U+FFFD in their own bytes; decoding must add none.
    assert.ok(replacementChars <= sample.length * 0.005, `${replacementChars} of ${sample.length} have U+FFFD`);
    assert.ok(withFrom >= sample.length * 0.95, `${withFrom} of ${sample.length} have a From address`);
  });

  it('decodes ISO-2022-JP encoded subjects to Japanese', async (t) => {
    const rows = corpusRows(t);
    if (!rows) return;
    let checked = 0;
    let japanese = 0;
    for (const [path] of rows) {
      const raw = readFileSync(join(corpus, path!));
      const header = raw.subarray(0, Math.max(0, raw.indexOf('\n\n')) || raw.length).toString('latin1');
      if (!/^Subject:[^\n]*=\?iso-2022-jp\?/im.test(header)) continue;
      const analysis = await analyse(raw, testOptions());
      checked++;
      assert.doesNotMatch(analysis.subject, /[\u001b\ufffd]|=\?iso-2022-jp\?/i, path);
      if (KANA_RE.test(analysis.subject)) japanese++;
    }
    assert.ok(checked >= 9, `only ${checked} files with ISO-2022-JP subjects`);
    assert.ok(japanese >= checked / 2, `${japanese} of ${checked} decoded subjects contain kana`);
  });

  it('parses the CRLF and bare-CR files like any other', async (t) => {
    const rows = corpusRows(t);
    if (!rows) return;
    const lineEndingFiles = rows.filter((row) => (row[4] ?? '').includes('newline-variant')).map((row) => row[0]!);
    for (const [path] of rows) {
      const raw = readFileSync(join(corpus, path!));
      if (/\r(?!\n)/.test(raw.toString('latin1'))) lineEndingFiles.push(path!);
    }
    assert.ok(lineEndingFiles.length >= 6, `${lineEndingFiles.length} files with other line endings`);
    for (const path of lineEndingFiles) {
      const analysis = await analyse(readFileSync(join(corpus, path)), testOptions());
      assert.ok(analysis.headers.length >= 5, `${path}: ${analysis.headers.length} headers`);
      assert.ok(analysis.subject !== '', `${path}: subject read`);
      assert.ok(
        analysis.headers.every((h) => !h.value.includes('\r')),
        `${path}: no CR left in header values`,
      );
    }
  });

  it('reads single-part bodies on the fast path exactly as postal-mime does', async (t) => {
    const rows = corpusRows(t);
    if (!rows) return;
    let compared = 0;
    for (const [path] of rows.filter((_, i) => i % 4 === 0)) {
      const bytes = prepareBytes(readFileSync(join(corpus, path!)), DEFAULT_LIMITS, []);
      const bounds = findHeaderBounds(bytes);
      const fast = readSinglePartBody(bytes, bounds.bodyStart, readRawHeaders(bytes, bounds, 2000).fields);
      if (!fast) continue;
      const reference = await PostalMime.parse(bytes, { forceRfc822Attachments: true });
      assert.equal(fast.text, reference.text ?? '', path);
      assert.equal(fast.html, reference.html ?? '', path);
      assert.equal(reference.attachments.length, 0, path);
      compared++;
    }
    assert.ok(compared > 1000, `only ${compared} single-part messages compared`);
  });
});
