// analyse() on hostile and broken input: it must always resolve with a complete, JSON-safe Analysis,
// name the problem in `errors` where there is one to name, and never hang (the timeouts are hang
// guards only; nothing here measures speed).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { analyse } from '../../src/mail/analyse.js';
import { defaultAnalyseOptions } from '../../src/mail/options.js';
import type { Analysis } from '../../src/model/analysis.js';
import { bareCrLineEndings, NASTY_INPUTS, zipBombAttachment } from '../support/nasty-mail.js';

const HANG_GUARD_MS = 120_000;
const options = defaultAnalyseOptions({ now: () => new Date('2017-07-12T00:00:00Z') });

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Runs analyse and checks what must hold for any input whatsoever. */
async function analyseSafely(bytes: Buffer): Promise<Analysis> {
  const input = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const analysis = await analyse(input, options);
  assert.equal(analysis.schema, 'kizuki.analysis/1');
  assert.equal(analysis.sha256, sha256(input), 'sha256 is of the whole raw input, even when only part was analysed');
  assert.equal(analysis.size, bytes.byteLength);
  assert.ok(Array.isArray(analysis.errors));
  for (const error of analysis.errors) {
    assert.equal(typeof error.stage, 'string');
    assert.ok(error.message.length > 0, 'every error says something');
  }
  return analysis;
}

/** The Analysis survives a JSON round trip unchanged (no classes, BigInts, Buffers or undefined-in-arrays). */
function assertJsonSafe(analysis: Analysis): void {
  assert.deepEqual(JSON.parse(JSON.stringify(analysis)), analysis);
}

// Each nasty input is generated and analysed once; the tests below read the same Analysis.
const analyses = new Map<string, Promise<Analysis>>();

function analysisOf(name: string): Promise<Analysis> {
  let pending = analyses.get(name);
  if (!pending) {
    const nasty = NASTY_INPUTS.find((n) => n.name === name);
    if (!nasty) throw new Error(`no nasty input named ${name}`);
    pending = analyseSafely(nasty.make());
    analyses.set(name, pending);
  }
  return pending;
}

function errorText(analysis: Analysis): string {
  const attachmentErrors = analysis.attachments.flatMap((a) => a.errors);
  return [...analysis.errors.map((e) => `${e.stage}: ${e.message}`), ...attachmentErrors].join('\n');
}

function hasErrorFrom(analysis: Analysis, stages: string[], pattern: RegExp): boolean {
  return analysis.errors.some((e) => stages.includes(e.stage) && pattern.test(e.message));
}

describe('analyse() never rejects, whatever the input', () => {
  for (const nasty of NASTY_INPUTS) {
    test(`${nasty.name}: ${nasty.problem}`, { timeout: HANG_GUARD_MS }, async () => {
      assertJsonSafe(await analysisOf(nasty.name));
    });
  }
});

describe('analyse() names the problem', () => {
  test('empty file → a parse error saying it is empty', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('empty');
    assert.ok(hasErrorFrom(analysis, ['parse'], /empty/i), errorText(analysis));
    assert.equal(analysis.subject, '');
    assert.equal(analysis.attachments.length, 0);
  });

  test('zip bomb → a zip error, nothing unpacked past the limit', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('zip-bomb');
    assert.ok(hasErrorFrom(analysis, ['zip', 'limit'], /bomb|limit|budget|ratio/i), errorText(analysis));
    const unpacked = analysis.attachments.filter((a) => a.depth > 0).reduce((sum, a) => sum + a.size, 0);
    assert.ok(unpacked <= options.limits.maxUnpackedBytes, `unpacked ${unpacked} bytes, limit ${options.limits.maxUnpackedBytes}`);
  });

  test('zip whose members together pass the unpack budget → a zip/limit error, budget kept', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('zip-over-limit');
    assert.ok(hasErrorFrom(analysis, ['zip', 'limit'], /budget|limit/i), errorText(analysis));
    const unpacked = analysis.attachments.filter((a) => a.depth > 0).reduce((sum, a) => sum + a.size, 0);
    assert.ok(unpacked <= options.limits.maxUnpackedBytes, `unpacked ${unpacked} bytes, limit ${options.limits.maxUnpackedBytes}`);
  });

  test('encrypted PDF → a pdf error about the password, and the PDF is marked encrypted', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('encrypted-pdf');
    assert.ok(hasErrorFrom(analysis, ['pdf'], /password|encrypt/i), errorText(analysis));
    const pdf = analysis.attachments.find((a) => a.detectedType === 'pdf');
    assert.ok(pdf, 'the attachment is recognised as a PDF by its content');
    assert.equal(pdf.pdf?.encrypted, true);
  });

  test('50 MB PDF → size limits reported, the PDF still recognised and its link still found', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('large-pdf');
    assert.ok(hasErrorFrom(analysis, ['limit', 'pdf'], /limit|bytes/i), errorText(analysis));
    const pdf = analysis.attachments.find((a) => a.detectedType === 'pdf');
    assert.ok(pdf, 'the PDF is still listed');
    assert.ok(
      analysis.links.some((l) => l.host === 'large-pdf.example.com'),
      'the raw scan finds the link near the start of the PDF',
    );
  });

  test('10,000 nested multiparts → a parse error about nesting, headers still read', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('nested-10000');
    assert.ok(hasErrorFrom(analysis, ['parse', 'limit'], /nest|depth|limit/i), errorText(analysis));
    assert.equal(analysis.subject, 'nested 10000');
  });

  test('messages attached 50 deep → a limit error, opened no deeper than maxDepth', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('attached-50-deep');
    assert.ok(hasErrorFrom(analysis, ['limit', 'attachment'], /deep|depth|nest/i), errorText(analysis));
    assert.ok(analysis.attachments.length > 0, 'the first attached messages are opened');
    assert.ok(Math.max(...analysis.attachments.map((a) => a.depth)) <= options.limits.maxDepth);
  });

  test('10,000 sibling parts → a limit error, and no more links kept than the limit', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('wide-10000');
    assert.ok(analysis.errors.some((e) => e.stage === 'limit'), errorText(analysis));
    assert.ok(analysis.links.length <= options.limits.maxLinks);
    assert.ok(analysis.text.length <= options.limits.maxBodyChars);
  });

  test('a 4 MB header line → reported, and the headers before it still read', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('enormous-header');
    assert.equal(analysis.subject, 'enormous header');
    assert.ok(hasErrorFrom(analysis, ['parse', 'limit'], /header|size|limit/i), errorText(analysis));
  });

  test('bad base64 in a PDF part → a pdf error, the message itself still read', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('bad-base64');
    assert.equal(analysis.subject, 'bad base64');
    assert.ok(hasErrorFrom(analysis, ['pdf', 'attachment', 'parse'], /pdf|base64|invalid/i), errorText(analysis));
  });
});

describe('analyse() still reads what can be read', () => {
  test('bare CR line endings: subject and link recovered', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('bare-cr');
    assert.equal(analysis.subject, 'bare CR line endings');
    assert.ok(analysis.links.some((l) => l.host === 'bare-cr.example.com'));
  });

  test('mixed CRLF / LF / CR: sender, subject and link recovered', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('mixed-line-endings');
    assert.equal(analysis.from.address, 'mixed@robustness.invalid');
    assert.match(analysis.subject, /^mixed line/);
    assert.ok(analysis.links.some((l) => l.host === 'mixed.example.com'));
  });

  test('malformed MIME: headers read, the link in the unterminated HTML part found', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('malformed-mime');
    assert.equal(analysis.subject, 'malformed mime');
    assert.equal(analysis.from.address, 'sender@robustness.invalid');
    assert.ok(analysis.links.some((l) => l.host === 'unclosed.example.com'), JSON.stringify(analysis.links));
  });

  test('header-only message: headers read, empty bodies', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('header-only');
    assert.equal(analysis.subject, 'header only');
    assert.match(analysis.messageId, /header-only@robustness\.invalid/);
    assert.equal(analysis.attachments.length, 0);
    assert.equal(analysis.links.length, 0);
  });

  test('garbage Content-Type parameters: the message is still read', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('garbage-params');
    assert.equal(analysis.subject, 'garbage content-type parameters');
    assert.equal(analysis.to[0]?.address, 'victim@robustness.invalid');
  });

  test('missing boundary: headers read', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('missing-boundary');
    assert.equal(analysis.subject, 'missing boundary');
  });

  test('wrong and unknown charsets: text decoded without throwing, Japanese kept where the bytes allow', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('wrong-charset');
    assert.match(analysis.subject, /wrong charset/);
    assert.ok(analysis.text.length > 0);
  });

  test('one bad input does not spoil the next: a clean message right after a bomb is analysed normally', { timeout: HANG_GUARD_MS }, async () => {
    await analyseSafely(zipBombAttachment());
    const analysis = await analyseSafely(bareCrLineEndings());
    assert.equal(analysis.errors.length, 0, errorText(analysis));
    assert.equal(analysis.subject, 'bare CR line endings');
  });
});

describe('problems analyse() names in its errors', () => {
  test('a 4 MB header value is not carried whole into the Analysis', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('enormous-header');
    const kept = analysis.headers.reduce((sum, h) => sum + h.value.length, 0);
    assert.ok(kept < 1024 * 1024, `header values total ${kept} characters`);
  });

  test('random binary → a parse error saying no message was found', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('random-binary');
    assert.ok(hasErrorFrom(analysis, ['parse'], /header|not a message|binary/i), errorText(analysis));
  });

  test('unknown charset → a charset error', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('wrong-charset');
    assert.ok(analysis.errors.some((e) => e.stage === 'charset'), errorText(analysis));
  });

  test('multipart without boundary → a parse error', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analysisOf('missing-boundary');
    assert.ok(hasErrorFrom(analysis, ['parse'], /boundary/i), errorText(analysis));
  });
});
