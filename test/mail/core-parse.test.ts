import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeText } from '../../src/mail/charset.js';
import { DEFAULT_LIMITS } from '../../src/mail/options.js';
import PostalMime from 'postal-mime';
import { base64Letters, findHeaderBounds, isoDate, readRawHeaders, wordBytes } from '../../src/mail/headers.js';
import { fixBareCarriageReturns, parseMessage, prepareBytes } from '../../src/mail/parse.js';
import { readSinglePartBody } from '../../src/mail/single-part.js';
import { concatBytes, crlf, encodedWord, eucJp, iso2022jp, lf, shiftJis } from './core-fixtures.js';

describe('parseMessage: headers', () => {
  it('keeps every header in order, unfolded and RFC 2047-decoded', async () => {
    const raw = crlf(
      'Received: from a.example by b.example; Mon, 3 Jul 2017 22:30:00 +0900',
      'Received: from c.example',
      '  by a.example; Mon, 3 Jul 2017 22:29:00 +0900',
      'From: =?UTF-8?B?5bGx55Sw?= <Taro.Yamada@Partner.Example>',
      'To: a@x.example, "B, Person" <b@y.example>',
      'Cc: c@z.example',
      'Bcc: hidden@w.example',
      'Reply-To: reply@other.example',
      'Return-Path: <Bounce@Partner.Example>',
      'Subject: =?UTF-8?Q?shared_you_a_file_=E2=9C=93?=',
      'Message-ID: <m1@partner.example>',
      'In-Reply-To: <m0@partner.example>',
      'References: <m-1@partner.example>',
      '\t<m0@partner.example>',
      'Date: Mon, 3 Jul 2017 22:30:00 +0900',
      '',
      'body',
    );
    const message = await parseMessage(raw, DEFAULT_LIMITS);
    assert.deepEqual(
      message.headers.map((h) => h.key),
      ['received', 'received', 'from', 'to', 'cc', 'bcc', 'reply-to', 'return-path', 'subject', 'message-id', 'in-reply-to', 'references', 'date'],
    );
    assert.equal(message.headers[1]!.value, 'from c.example  by a.example; Mon, 3 Jul 2017 22:29:00 +0900');
    assert.equal(message.headers[2]!.value, '山田 <Taro.Yamada@Partner.Example>');
    assert.deepEqual(message.from, { name: '山田', address: 'taro.yamada@partner.example', domain: 'partner.example' });
    assert.deepEqual(
      message.to.map((a) => [a.name, a.address]),
      [
        ['', 'a@x.example'],
        ['B, Person', 'b@y.example'],
      ],
    );
    assert.equal(message.cc[0]!.address, 'c@z.example');
    assert.equal(message.bcc[0]!.address, 'hidden@w.example');
    assert.equal(message.replyTo[0]!.domain, 'other.example');
    assert.equal(message.returnPath, 'bounce@partner.example');
    assert.equal(message.subject, 'shared you a file ✓');
    assert.equal(message.messageId, '<m1@partner.example>');
    assert.equal(message.inReplyTo, '<m0@partner.example>');
    assert.deepEqual(message.references, ['<m-1@partner.example>', '<m0@partner.example>']);
    assert.equal(message.date, '2017-07-03T13:30:00.000Z');
    assert.equal(message.text.trim(), 'body');
    assert.deepEqual(message.errors, []);
  });

  it('decodes an ISO-2022-JP subject split across two encoded words', async () => {
    const bytes = iso2022jp('ファイルをきょうゆうしました');
    // split inside the JIS run (even inside a character), on a base64 group boundary
    const first = bytes.subarray(0, 12);
    const second = bytes.subarray(12);
    const raw = concatBytes(
      'From: a@b.example\r\nSubject: ',
      encodedWord('ISO-2022-JP', first),
      '\r\n ',
      encodedWord('ISO-2022-JP', second),
      '\r\n\r\nx',
    );
    const message = await parseMessage(raw, DEFAULT_LIMITS);
    // each half alone is not valid ISO-2022-JP: only joining them gives the words back
    assert.equal(message.subject, 'ファイルをきょうゆうしました');
  });

  it('reads raw (unencoded) ISO-2022-JP and 8-bit Latin-1 header bytes without U+FFFD', async () => {
    const raw = concatBytes('Subject: ', iso2022jp('テスト'), '\nFrom: "M\xfcller" <m@x.example>\n\nbody');
    const message = await parseMessage(raw, DEFAULT_LIMITS);
    assert.equal(message.subject, 'テスト');
    assert.equal(message.from.name, 'Müller');
  });

  it('takes an mbox "From " first line off and still reads the headers', async () => {
    const raw = lf('From someone@example.com  Thu Aug 22 12:00:00 2002', 'From: real@sender.example', 'Subject: hello', '', 'text');
    const message = await parseMessage(raw, DEFAULT_LIMITS);
    assert.equal(message.from.address, 'real@sender.example');
    assert.equal(message.subject, 'hello');
    assert.equal(message.headers[0]!.key, 'from');
  });

  it('reads bare-CR and CRLF messages the same as LF ones', async () => {
    const lines = ['From: a@b.example', 'Subject: line endings', 'Content-Type: text/plain', '', 'first line', 'second line'];
    const bareCr = Buffer.from(lines.join('\r'), 'latin1');
    const viaCrlf = await parseMessage(crlf(...lines), DEFAULT_LIMITS);
    const viaCr = await parseMessage(bareCr, DEFAULT_LIMITS);
    for (const message of [viaCrlf, viaCr]) {
      assert.equal(message.subject, 'line endings');
      assert.equal(message.from.address, 'a@b.example');
      assert.match(message.text, /first line\r?\nsecond line/);
    }
    assert.deepEqual([...fixBareCarriageReturns(Buffer.from('a\rb\r\nc'))], [...Buffer.from('a\nb\r\nc')]);
  });

  it('turns undisclosed-recipients into an empty-address entry', async () => {
    const message = await parseMessage(lf('From: a@b.example', 'To: undisclosed-recipients:;', '', 'x'), DEFAULT_LIMITS);
    assert.deepEqual(message.to, [{ name: 'undisclosed-recipients', address: '', domain: '' }]);
  });

  it('gives an empty date for junk and parses common date shapes', () => {
    assert.equal(isoDate('not a date'), '');
    assert.equal(isoDate(''), '');
    assert.equal(isoDate('Tue, 27 Aug 2002 01:50:37 -0700 (EDT)'), '2002-08-27T08:50:37.000Z');
    assert.equal(isoDate('3 Jul 17 13:30 GMT'), '2017-07-03T13:30:00.000Z');
    assert.equal(isoDate('Wed, 5 Jun 2024 09:00:00 JST'), '2024-06-05T00:00:00.000Z');
  });
});

describe('parseMessage: bodies and parts', () => {
  it('decodes Shift_JIS, EUC-JP mislabelled as ISO-2022-JP, and ISO-2022-JP bodies', async () => {
    const sjis = concatBytes('From: a@b.example\nContent-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: 8bit\n\n', shiftJis('ごかくにんください'));
    const mislabelled = concatBytes('From: a@b.example\nContent-Type: text/plain; charset=iso-2022-jp\n\n', eucJp('はいしんできません'));
    const jis = concatBytes('From: a@b.example\nContent-Type: text/plain; charset=ISO-2022-JP\n\n', iso2022jp('おしらせ'));
    assert.equal((await parseMessage(sjis, DEFAULT_LIMITS)).text.trim(), 'ごかくにんください');
    assert.equal((await parseMessage(mislabelled, DEFAULT_LIMITS)).text.trim(), 'はいしんできません');
    assert.equal((await parseMessage(jis, DEFAULT_LIMITS)).text.trim(), 'おしらせ');
  });

  it('decodes unlabelled 8-bit text as UTF-8 when valid, else as Windows-1252', () => {
    assert.equal(decodeText(Buffer.from('café', 'utf8'), undefined), 'café');
    assert.equal(decodeText(Buffer.from('caf\xe9', 'latin1'), 'us-ascii'), 'café');
    assert.equal(decodeText(Buffer.from('plain', 'latin1'), 'utf-8'), 'plain');
  });

  it('returns attachments and message/rfc822 parts as raw parts, base64 and QP decoded', async () => {
    const raw = lf(
      'From: a@b.example',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="XX"',
      '',
      '--XX',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'caf=C3=A9 =',
      'au lait',
      '--XX',
      'Content-Type: application/pdf; name="quote.pdf"',
      'Content-Disposition: attachment; filename="quote.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 fake').toString('base64'),
      '--XX',
      'Content-Type: message/rfc822',
      '',
      'From: inner@c.example',
      'Subject: inner',
      '',
      'inner body',
      '--XX--',
      '',
    );
    const message = await parseMessage(raw, DEFAULT_LIMITS);
    assert.equal(message.text.trim(), 'café au lait');
    assert.equal(message.parts.length, 2);
    assert.deepEqual(
      message.parts.map((p) => [p.filename, p.mimeType, p.disposition]),
      [
        ['quote.pdf', 'application/pdf', 'attachment'],
        ['', 'message/rfc822', ''],
      ],
    );
    assert.equal(Buffer.from(message.parts[0]!.content).toString(), '%PDF-1.4 fake');
    // the attached message stays a part: its body does not join this message's text
    assert.doesNotMatch(message.text, /inner body/);
    assert.match(Buffer.from(message.parts[1]!.content).toString(), /Subject: inner/);
  });

  it('caps message size and part count, saying so in errors', async () => {
    const limits = { ...DEFAULT_LIMITS, maxMessageBytes: 200, maxParts: 2 };
    const parts: string[] = [];
    for (let i = 0; i < 5; i++) parts.push('--B', `Content-Type: application/octet-stream; name="f${i}.bin"`, '', `data${i}`);
    const many = lf('From: a@b.example', 'Content-Type: multipart/mixed; boundary="B"', '', ...parts, '--B--', '');
    const capped = await parseMessage(many, { ...DEFAULT_LIMITS, maxParts: 2 });
    assert.equal(capped.parts.length, 2);
    assert.ok(capped.errors.some((e) => e.stage === 'limit' && /5 attachments/.test(e.message)));
    const big = await parseMessage(lf('From: a@b.example', '', 'x'.repeat(1000)), limits);
    assert.ok(big.bytes.length <= 200);
    assert.ok(big.errors.some((e) => e.stage === 'limit'));
  });

  it('names what is wrong: binary input, a missing or absent boundary, unknown or wrong charsets, huge headers', async () => {
    const stages = async (raw: Uint8Array) => (await parseMessage(raw, DEFAULT_LIMITS)).errors.map((e) => `${e.stage}: ${e.message}`);
    assert.ok((await stages(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0x0a, 0x0a, 3]))).some((e) => /^parse: .*not a mail message/.test(e)));
    assert.ok((await stages(lf('From: a@b.example', 'Content-Type: multipart/mixed', '', 'x'))).some((e) => /^parse: .*without a boundary/.test(e)));
    const noBoundary = lf('From: a@b.example', 'Content-Type: multipart/mixed; boundary="zz"', '', '--other', '', 'sign in at https://lure.example/');
    assert.ok((await stages(noBoundary)).some((e) => /^parse: .*"zz" never appears/.test(e)));
    assert.match((await parseMessage(noBoundary, DEFAULT_LIMITS)).text, /https:\/\/lure\.example\//, 'the body is still read as text');
    const unknown = await stages(concatBytes('From: a@b.example\nContent-Type: text/plain; charset=x-no-such\n\ncaf\xe9'));
    assert.ok(unknown.some((e) => /^charset: unknown charset "x-no-such"/.test(e)));
    const wrong = await stages(concatBytes('From: a@b.example\nContent-Type: text/plain; charset=iso-2022-jp\n\n', eucJp('はい')));
    assert.ok(wrong.some((e) => /^charset: text labelled "iso-2022-jp" is not valid iso-2022-jp; decoded as euc-jp/.test(e)));
    assert.deepEqual(await stages(lf('From: a@b.example', 'Content-Type: text/plain; charset=us-ascii', '', 'fine')), []);
    const huge = await parseMessage(lf('From: a@b.example', `X-Big: ${'A'.repeat(100_000)}`, '', 'x'), DEFAULT_LIMITS);
    assert.ok(huge.headers[1]!.value.length <= 32 * 1024);
    assert.ok(huge.errors.some((e) => e.stage === 'limit' && /x-big/.test(e.message)));
  });

  it('keeps the headers and reads the body as text when the MIME structure is absurdly deep', async () => {
    const lines = ['From: deep@b.example', 'Subject: deep', 'Content-Type: multipart/mixed; boundary="b0"', ''];
    for (let i = 0; i < 150; i++) lines.push(`--b${i}`, `Content-Type: multipart/mixed; boundary="b${i + 1}"`, '');
    lines.push('--b150', 'Content-Type: text/plain', '', 'see https://deep.example/login', '');
    const message = await parseMessage(lf(...lines), DEFAULT_LIMITS);
    assert.equal(message.subject, 'deep');
    assert.ok(message.errors.some((e) => e.stage === 'parse'));
    assert.match(message.text, /https:\/\/deep\.example\/login/);
  });
});

describe('single-part fast path', () => {
  const cases: Record<string, Uint8Array> = {
    'quoted-printable with soft breaks and a broken escape': crlf('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '', 'caf=C3=A9 au =', 'lait =ZZ 100=25', 'end='),
    'base64 padded on every line': lf('Content-Type: text/html; charset="utf-8"', 'Content-Transfer-Encoding: base64', '', Buffer.from('<p>ab').toString('base64'), Buffer.from('cd</p>').toString('base64')),
    'CRLF 8bit without a final line break': crlf('Content-Type: text/plain; charset=iso-8859-1', '', 'Gr\u00fc\u00dfe', '', 'last'),
    'no Content-Type at all': lf('From: a@b.example', '', 'plain body', ''),
    'empty body': lf('From: a@b.example', 'Content-Type: text/plain', ''),
    'LF lines, no final line break': concatBytes(lf('Content-Type: text/plain', '', 'one', 'two'), new TextEncoder().encode('three')),
    'LF lines ending in blank lines': lf('Content-Type: text/plain', '', 'one', '', '', ''),
    'a body of line breaks only': lf('Content-Type: text/html', '', '', '', ''),
    'CR runs before LF and alone': concatBytes(lf('Content-Type: text/plain', '', ''), new TextEncoder().encode('a\r\r\nb\rc\r\n\r\nend\r\r')),
    'ISO-2022-JP escapes under a us-ascii label': concatBytes(lf('Content-Type: text/plain; charset=us-ascii', '', ''), iso2022jp('\u3053\u3093\u306b\u3061\u306f')),
  };
  for (const [name, raw] of Object.entries(cases)) {
    it(`matches postal-mime: ${name}`, async () => {
      const bytes = prepareBytes(raw, DEFAULT_LIMITS, []);
      const bounds = findHeaderBounds(bytes);
      const fast = readSinglePartBody(bytes, bounds.bodyStart, readRawHeaders(bytes, bounds, 100).fields);
      assert.ok(fast, 'took the fast path');
      const reference = await PostalMime.parse(bytes);
      assert.equal(fast.text, reference.text ?? '');
      assert.equal(fast.html, reference.html ?? '');
    });
  }

  it('leaves multipart, flowed, attachment and non-text messages to postal-mime', () => {
    for (const raw of [
      lf('Content-Type: multipart/mixed; boundary=x', '', '--x--'),
      lf('Content-Type: text/plain; format=flowed', '', 'x'),
      lf('Content-Type: text/plain', 'Content-Disposition: attachment; filename=a.txt', '', 'x'),
      lf('Content-Type: application/pdf', '', '%PDF'),
    ]) {
      const bounds = findHeaderBounds(raw);
      assert.equal(readSinglePartBody(raw, bounds.bodyStart, readRawHeaders(raw, bounds, 100).fields), undefined);
    }
  });
});

describe('base64Letters (RFC 2047 B words)', () => {
  it('keeps exactly the letters the class [a-z0-9+/] (case-insensitive) keeps', () => {
    const reference = (text: string) => text.replace(/[^a-z0-9+/]/gi, '');
    const samples = ['', '=', '==', 'QUJD', 'QUI=', 'QQ==', 'Q=Q=', '=QUJD', 'QU JD', 'QUJD\t=', 'QUJD==x', 'a-b_c.d', '\u00e9QUJD', 'QUJD=\u00e9'];
    for (let code = 0; code < 0x180; code++) samples.push(`QU${String.fromCharCode(code)}JD==`, `QUJD${String.fromCharCode(code)}`);
    for (const text of samples) assert.equal(base64Letters(text), reference(text), JSON.stringify(text));
  });
});

describe('wordBytes (RFC 2047 Q words)', () => {
  it('gives the bytes of the character-by-character reading', () => {
    const reference = (text: string): Buffer => {
      const bytes: number[] = [];
      for (let i = 0; i < text.length; i++) {
        const ch = text[i]!;
        if (ch === '_') bytes.push(0x20);
        else if (ch === '=' && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
          bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
          i += 2;
        } else bytes.push(ch.charCodeAt(0) & 0xff);
      }
      return Buffer.from(bytes);
    };
    const samples = ['', '_', '=', '=4', '=41', '=4g', '=g4', 'a=41=42_c', 'caf=C3=A9', 'caf=c3=a9', '==41', '=41=', 'x=4', '\u00e9\u3042=E3=81=82', '\ud83d\ude00_=F0=9F=98=80'];
    for (let code = 0; code < 0x100; code++) samples.push(`=${String.fromCharCode(code)}1`, `=4${String.fromCharCode(code)}`);
    for (const text of samples) assert.deepEqual([...wordBytes('q', text)], [...reference(text)], JSON.stringify(text));
    assert.deepEqual([...wordBytes('B', 'w6k=')], [0xc3, 0xa9]);
  });
});
