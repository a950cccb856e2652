// Kizuki's replacement for postal-mime's parse loop (src/mail/parse.ts) must give exactly what
// postal-mime's own loop gives: on lines that sit at the edges of the shortcut (CR runs, no final
// line break, "--" lines that are not boundaries, boundaries with trailing blanks) and on the corpus.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import PostalMime from 'postal-mime';
import { DEFAULT_LIMITS } from '../../src/mail/options.js';
import { onlyBodyHeaders, postalMimeOwnParse, prepareBytes } from '../../src/mail/parse.js';
import { corpusDir, corpusPaths } from '../support/cli.js';

const OPTIONS = { forceRfc822Attachments: true, maxNestingDepth: 100, attachmentEncoding: 'arraybuffer' as const };

/** The parse result as comparable JSON, attachment bytes as hex; a throw becomes its message. */
async function outcome(parse: (parser: PostalMime, bytes: Uint8Array) => Promise<unknown>, bytes: Uint8Array): Promise<string> {
  try {
    const email = await parse(new PostalMime(OPTIONS), bytes);
    return JSON.stringify(email, (_key, value: unknown) => (value instanceof ArrayBuffer ? Buffer.from(value).toString('hex') : value));
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

const patched = (parser: PostalMime, bytes: Uint8Array) => parser.parse(bytes);
const own = (parser: PostalMime, bytes: Uint8Array) => postalMimeOwnParse.call(parser, bytes);

async function assertSame(bytes: Uint8Array, name: string): Promise<void> {
  const expected = await outcome(own, bytes);
  assert.equal(await outcome(patched, bytes), expected, name);
}

const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

describe("postal-mime's parse loop, streamlined", () => {
  it('is the loop postal-mime runs (the patch is in place)', () => {
    assert.notEqual(PostalMime.prototype.parse, postalMimeOwnParse);
  });

  const multipart = (body: string, eol = '\r\n') =>
    ['From: a@b.example', 'Content-Type: multipart/mixed; boundary="b1"', '', body].join(eol);
  const cases: Record<string, string> = {
    'empty input': '',
    'one line, no line break': 'Subject: x',
    'only line breaks': '\n\r\n\r\r\n',
    'CR runs before LF and a CR inside a line': 'Subject: a\rb\r\r\r\n\r\nbody\r\r\nend',
    'no final line break after a boundary': multipart('--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b1--'),
    'boundary with trailing blanks': multipart('--b1 \t\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1-- \r\n'),
    '"--" lines that are not boundaries': multipart('--b1\r\nContent-Type: text/plain\r\n\r\n--\r\n---\r\n--b2\r\n--b1x\r\n--b1--\r\n'),
    '"--" lines before any multipart': 'Subject: x\n\n--\n--b1\n-- sig\n',
    'nested multiparts, LF only': multipart(
      ['--b1', 'Content-Type: multipart/alternative; boundary=b2', '', '--b2', 'Content-Type: text/plain', '', 'plain', '--b2', 'Content-Type: text/html', '', '<p>html</p>', '--b2--', '--b1', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '', 'AAEC', '--b1--', ''].join('\n'),
      '\n',
    ),
    'a part that ends with the message (no closing boundary)': multipart('--b1\r\nContent-Type: text/plain\r\n\r\nunterminated\r\n'),
    'a final line that is a bare "--"': multipart('--b1\r\nContent-Type: text/plain\r\n\r\nx\r\n--'),
    'base64 part with "--" lines, padding mid-body and no final line break': multipart(
      '--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nQUJD\r\nRA==\r\n--\r\nRUZH\r\n-- x\r\n\r\nSEk=\r\n--b1x\r\nSktM\r\n--b1--\r\nafter',
    ),
    'base64 part running to the end of the message': multipart('--b1\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\nAAAA\r\r\nAAAA', '\n'),
    'top-level base64 with "--" lines and no boundaries': 'Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBE\r\n--\r\n--JVBE\r\nRi0x\r\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`gives what postal-mime's own loop gives: ${name}`, async () => {
      await assertSame(bytesOf(text), name);
    });
  }

  it('gives what postal-mime gives on a fifth of the corpus', async (t) => {
    const paths = corpusPaths(t);
    if (!paths) return;
    let compared = 0;
    for (let i = 0; i < paths.length; i += 5) {
      // prepareBytes is what parseMessage hands postal-mime (bare CRs already made LFs)
      const bytes = prepareBytes(readFileSync(join(corpusDir, paths[i]!)), DEFAULT_LIMITS, []);
      await assertSame(bytes, paths[i]!);
      // and the raw file, bare CRs and all
      await assertSame(new Uint8Array(readFileSync(join(corpusDir, paths[i]!))), `${paths[i]} (raw)`);
      compared++;
    }
    assert.ok(compared > 1000, `compared ${compared} files`);
  });
});

/** What parse.ts takes from postal-mime: the bodies and the attachments. */
async function bodies(bytes: Uint8Array): Promise<string> {
  try {
    const email = await new PostalMime(OPTIONS).parse(bytes);
    return JSON.stringify({
      text: email.text,
      html: email.html,
      attachments: email.attachments.map((a) => ({
        filename: a.filename,
        mimeType: a.mimeType,
        disposition: a.disposition,
        content: Buffer.from(a.content as ArrayBuffer).toString('hex'),
      })),
    });
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

describe('only the body-deciding top-level fields go to postal-mime', () => {
  const body = ['', '--b1', 'Content-Type: text/plain', '', 'plain', '--b1', 'Content-Type: text/html', '', '<p>html</p>', '--b1--', ''];
  const cases: Record<string, string[]> = {
    'ordinary multipart': ['From: a@b.example', 'Subject: hi', 'Content-Type: multipart/alternative; boundary="b1"', ...body],
    'folded Content-Type after a folded Received': ['Received: from x', '\tby y; Mon, 1 Jan 2024 00:00:00 +0000', 'Content-Type: multipart/alternative;', ' boundary="b1"', ...body],
    'a Content-Type line that folds into another field': ['X-Note: see', ' Content-Type: text/html', 'Content-Type: multipart/alternative; boundary=b1', ...body],
    'two Content-Types: the first wins': ['Content-Type: text/plain', 'Content-Type: multipart/alternative; boundary=b1', ...body],
    'blanks around the field name': ['Content-Type : multipart/alternative; boundary=b1', ...body],
    'upper case name': ['CONTENT-TYPE: multipart/alternative; boundary=b1', 'CONTENT-TRANSFER-ENCODING: 7bit', ...body],
    'the first line starts with a blank': [' Content-Type: multipart/alternative; boundary=b1', 'From: a@b.example', ...body],
    'a field with no colon on its first line': ['Content-Type', ' : multipart/alternative; boundary=b1', ...body],
    'non-ASCII in a field name': ['Cont\u00e9nt-Type: text/plain', 'Content-Type: multipart/alternative; boundary=b1', ...body],
    'single part, base64, attachment disposition': ['From: a@b.example', 'Content-Type: application/pdf; name="a.pdf"', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="a.pdf"', '', 'JVBERi0xLjQK', ''],
    'no empty line at all': ['From: a@b.example', 'Content-Type: text/plain'],
    'no header at all': ['', 'just a body'],
  };
  for (const [name, lines] of Object.entries(cases)) {
    for (const eol of ['\n', '\r\n']) {
      it(`reads the same bodies and attachments: ${name} (${eol === '\n' ? 'LF' : 'CRLF'})`, async () => {
        const bytes = bytesOf(lines.join(eol));
        const trimmed = onlyBodyHeaders(bytes);
        assert.equal(await bodies(trimmed), await bodies(bytes));
        if (name === 'ordinary multipart') assert.ok(trimmed.length < bytes.length, 'the other fields were left out');
        if (trimmed !== bytes) {
          // parse.ts hands a trimmed copy over as its ArrayBuffer, which postal-mime then does not copy
          assert.equal(trimmed.byteOffset, 0);
          assert.equal(trimmed.byteLength, trimmed.buffer.byteLength);
          assert.equal(await bodies(trimmed.buffer as unknown as Uint8Array), await bodies(bytes));
        }
      });
    }
  }

  it('reads the same bodies and attachments on a fifth of the corpus', async (t) => {
    const paths = corpusPaths(t);
    if (!paths) return;
    for (let i = 2; i < paths.length; i += 5) {
      const bytes = prepareBytes(readFileSync(join(corpusDir, paths[i]!)), DEFAULT_LIMITS, []);
      assert.equal(await bodies(onlyBodyHeaders(bytes)), await bodies(bytes), paths[i]);
    }
  });
});
