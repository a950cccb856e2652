// Hostile and broken inputs for robustness tests, made in memory at test time (nothing big is committed).
// Each generator returns the raw bytes of one "message" exactly as a mail source would hand it over.
import { crc32 } from 'node:zlib';
import { deflateSync } from 'fflate';
import { base64Lines, CRLF } from './mime-writer.js';

const MB = 1024 * 1024;

function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

function headerBlock(subject: string, extra: string[] = []): string {
  return [
    'From: "Robustness Test" <sender@robustness.invalid>',
    'To: <victim@robustness.invalid>',
    `Subject: ${subject}`,
    'Date: Mon, 3 Jul 2017 13:00:00 +0000',
    `Message-ID: <${subject.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}@robustness.invalid>`,
    'MIME-Version: 1.0',
    ...extra,
  ].join(CRLF);
}

function withAttachment(subject: string, contentType: string, filename: string, content: Uint8Array): Buffer {
  const boundary = 'nasty-boundary-0001';
  const head = headerBlock(subject, [`Content-Type: multipart/mixed; boundary="${boundary}"`]);
  const parts = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'See the attachment.',
    `--${boundary}`,
    `Content-Type: ${contentType}; name="${filename}"`,
    `Content-Disposition: attachment; filename="${filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
  ].join(CRLF);
  return Buffer.concat([bytes(`${head}${CRLF}${CRLF}${parts}${CRLF}`), bytes(base64Lines(content)), bytes(`${CRLF}--${boundary}--${CRLF}`)]);
}

/** A repeatable pseudo-random byte stream (mulberry32), so "random" inputs are the same on every run. */
export function seededBytes(size: number, seed = 2017): Buffer {
  const out = Buffer.allocUnsafe(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i += 4) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const value = (t ^ (t >>> 14)) >>> 0;
    for (let k = 0; k < 4 && i + k < size; k++) out[i + k] = (value >>> (k * 8)) & 0xff;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Broken MIME structure

/** Header lines without colons, a part without headers, an unterminated multipart and stray boundaries. */
export function malformedMime(): Buffer {
  return bytes(
    [
      headerBlock('malformed mime', ['Content-Type: multipart/mixed; boundary="outer"']),
      'this line has no colon and is not a header',
      ': a header with no name',
      '',
      'preamble text',
      '--outer',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain',
      'no blank line before this body',
      '--outer',
      '--inner--',
      'text after a closing boundary of a part that was never opened',
      '--outer',
      '',
      'a part with no headers at all',
      '--outer-',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<html><body><a href="http://unclosed.example.com/path">unclosed',
      // no closing boundary, no final newline
    ].join(CRLF),
  );
}

/** multipart/mixed with no boundary parameter at all. */
export function missingBoundary(): Buffer {
  return bytes(
    [
      headerBlock('missing boundary', ['Content-Type: multipart/mixed']),
      '',
      '--somewhere',
      'Content-Type: text/plain',
      '',
      'The header promised parts but named no boundary.',
      '--somewhere--',
      '',
    ].join(CRLF),
  );
}

/** Base64 with characters outside the alphabet, a broken padding and a truncated final quantum. */
export function badBase64(): Buffer {
  const boundary = 'b64';
  return bytes(
    [
      headerBlock('bad base64', [`Content-Type: multipart/mixed; boundary="${boundary}"`]),
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      'SGVsbG8g!!!@@@###d29ybGQ=====',
      'not base64 at all; just words in a base64 part',
      `--${boundary}`,
      'Content-Type: application/pdf; name="broken.pdf"',
      'Content-Disposition: attachment; filename="broken.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0xLjQKJeLjz9MKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK%%%%JVBER',
      'i0x',
      `--${boundary}--`,
      '',
    ].join(CRLF),
  );
}

/** Parts whose declared charset is unknown or wrong for the bytes they carry. */
export function wrongCharset(): Buffer {
  const boundary = 'cs';
  const shiftJisBytes = Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]); // こんにちは in Shift_JIS
  const utf8Japanese = Buffer.from('ファイルを共有しました', 'utf8');
  return Buffer.concat([
    bytes(
      [
        headerBlock('=?x-no-such-charset?B?SGVsbG8=?= wrong charset', [`Content-Type: multipart/mixed; boundary="${boundary}"`]),
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset="x-no-such-charset"',
        'Content-Transfer-Encoding: 8bit',
        '',
        'caf\xe9 \xff\xfe unknown charset',
        `--${boundary}`,
        'Content-Type: text/plain; charset="utf-8"',
        'Content-Transfer-Encoding: 8bit',
        '',
        '',
      ].join(CRLF),
    ),
    shiftJisBytes,
    bytes([CRLF + `--${boundary}`, 'Content-Type: text/plain; charset="iso-2022-jp"', 'Content-Transfer-Encoding: 8bit', '', ''].join(CRLF)),
    utf8Japanese,
    bytes(`${CRLF}--${boundary}--${CRLF}`),
  ]);
}

/** The same simple message with every line ending a bare CR (old Mac style). */
export function bareCrLineEndings(): Buffer {
  return bytes(
    [
      headerBlock('bare CR line endings', ['Content-Type: text/plain; charset=us-ascii']),
      '',
      'Every line of this message ends in a bare carriage return.',
      'Visit http://bare-cr.example.com/login to see whether links survive.',
      '',
    ].join('\r'),
  );
}

/** CRLF, bare LF and bare CR mixed within one message, including inside the headers. */
export function mixedLineEndings(): Buffer {
  return bytes(
    'From: <mixed@robustness.invalid>\r\nTo: <victim@robustness.invalid>\nSubject: mixed line\r endings\r\n' +
      'Date: Mon, 3 Jul 2017 13:00:00 +0000\rMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n' +
      '--m\rContent-Type: text/plain\n\r\nline one\rline two\nline three http://mixed.example.com/\r\n--m--\r',
  );
}

/** `depth` multiparts each nested inside the one before (10,000 by default). */
export function deeplyNestedMultipart(depth = 10_000): Buffer {
  const chunks: string[] = [headerBlock(`nested ${depth}`, ['Content-Type: multipart/mixed; boundary="n0"']), ''];
  for (let level = 1; level < depth; level++) {
    chunks.push(`--n${level - 1}`, `Content-Type: multipart/mixed; boundary="n${level}"`, '');
  }
  chunks.push(`--n${depth - 1}`, 'Content-Type: text/plain', '', 'the innermost part', `--n${depth - 1}--`);
  for (let level = depth - 2; level >= 0; level--) chunks.push(`--n${level}--`);
  chunks.push('');
  return bytes(chunks.join(CRLF));
}

/** One multipart with `count` sibling parts (10,000 by default), each with a link. */
export function wideMultipart(count = 10_000): Buffer {
  const chunks: string[] = [headerBlock(`wide ${count}`, ['Content-Type: multipart/mixed; boundary="w"']), ''];
  for (let i = 0; i < count; i++) {
    chunks.push('--w', 'Content-Type: text/plain', '', `part ${i} http://part${i}.example.com/`);
  }
  chunks.push('--w--', '');
  return bytes(chunks.join(CRLF));
}

/** A message attached inside a message, `depth` times over (50 by default), the innermost carrying a link. */
export function nestedAttachedMessages(depth = 50): Buffer {
  let inner = [
    'From: <innermost@robustness.invalid>',
    'Subject: innermost',
    'Content-Type: text/plain',
    '',
    'the innermost message http://innermost.example.com/',
    '',
  ].join(CRLF);
  for (let level = depth - 1; level >= 0; level--) {
    const boundary = `r${level}`;
    const subject = level === 0 ? `attached ${depth} deep` : `level ${level}`;
    inner = [
      headerBlock(subject, [`Content-Type: multipart/mixed; boundary="${boundary}"`]),
      '',
      `--${boundary}`,
      'Content-Type: text/plain',
      '',
      `level ${level}`,
      `--${boundary}`,
      'Content-Type: message/rfc822',
      'Content-Disposition: attachment; filename="forwarded.eml"',
      '',
      inner,
      `--${boundary}--`,
      '',
    ].join(CRLF);
  }
  return bytes(inner);
}

/** Content-Type and Content-Disposition whose parameters are nonsense. */
export function garbageContentTypeParameters(): Buffer {
  return bytes(
    [
      headerBlock('garbage content-type parameters', [
        'Content-Type: multipart/mixed; boundary=; boundary="a"; boundary="b; ;;;; charset=="=="; name*0*=\'\'%ZZ%; =====; "unterminated',
      ]),
      '',
      '--a',
      'Content-Type: text/plain; charset*=utf-8\'\'%E3%81; format=flowed; delsp=yes; ; =; x',
      'Content-Disposition: attachment; filename*0="a; filename*1*=%%%; filename*9999999999=z; size=-1',
      'Content-Transfer-Encoding: x-unheard-of',
      '',
      'body of a part with garbage parameters',
      '--b',
      'Content-Type: /; ',
      '',
      'body with an empty type',
      '--a--',
      '',
    ].join(CRLF),
  );
}

// ---------------------------------------------------------------------------------------------
// Messages that are not messages

/** Zero bytes. */
export function emptyFile(): Buffer {
  return Buffer.alloc(0);
}

/** Pseudo-random bytes, with NULs and high bytes, that look nothing like mail. */
export function randomBinary(size = 64 * 1024): Buffer {
  return seededBytes(size, 42);
}

/** Headers only: no blank line, no body. */
export function headerOnly(): Buffer {
  return bytes(headerBlock('header only'));
}

/** One unfolded Subject line of `size` bytes (4 MB by default). */
export function enormousHeaderLine(size = 4 * MB): Buffer {
  const filler = 'A'.repeat(size);
  return bytes(`${headerBlock('enormous header', ['Content-Type: text/plain'])}${CRLF}X-Enormous: ${filler}${CRLF}${CRLF}short body${CRLF}`);
}

// ---------------------------------------------------------------------------------------------
// Hostile attachments

interface ZipMember {
  name: string;
  /** raw deflate data */
  compressed: Uint8Array;
  crc: number;
  size: number;
}

function deflatedMember(name: string, content: Uint8Array): ZipMember {
  return { name, compressed: deflateSync(content, { level: 9 }), crc: crc32(content), size: content.byteLength };
}

/** Lays members out as a zip file (local headers, data, central directory); members may share one compressed buffer. */
function zipOf(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(m.crc, 14);
    local.writeUInt32LE(m.compressed.byteLength, 18);
    local.writeUInt32LE(m.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(m.crc, 16);
    central.writeUInt32LE(m.compressed.byteLength, 20);
    central.writeUInt32LE(m.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(m.compressed));
    centrals.push(central, name);
    offset += local.length + name.length + m.compressed.byteLength;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A zip whose members unpack to far more than they weigh: `entries` members of `entryMb` MB of zeros
 * each (1 GB from about 1 MB by default, all members sharing one compressed stream), plus a zip in the zip.
 */
export function zipBomb(entries = 100, entryMb = 10): Buffer {
  const zeros = deflatedMember('zeros', new Uint8Array(entryMb * MB));
  const members: ZipMember[] = [];
  for (let i = 0; i < entries; i++) members.push({ ...zeros, name: `invoice-${String(i).padStart(3, '0')}.txt` });
  const inner = zipOf([{ ...zeros, name: 'more-zeros.bin' }]);
  members.push(deflatedMember('inner.zip', inner));
  return zipOf(members);
}

/**
 * A quieter bomb: each member is a 1 KB random block repeated (about 100:1), so no single member looks
 * absurd, but together they unpack to more than the per-message unpacking budget (`totalMb`, 80 by default).
 */
export function zipOverUnpackLimit(totalMb = 80, memberMb = 4): Buffer {
  const block = seededBytes(1024, 99);
  const content = Buffer.alloc(memberMb * MB);
  for (let at = 0; at < content.length; at += block.length) block.copy(content, at);
  const member = deflatedMember('part', content);
  const members: ZipMember[] = [];
  for (let i = 0; i < totalMb / memberMb; i++) members.push({ ...member, name: `report-${String(i).padStart(2, '0')}.bin` });
  return withAttachment('zip over the unpack limit', 'application/zip', 'reports.zip', zipOf(members));
}

export function zipBombAttachment(entries = 100, entryMb = 10): Buffer {
  return withAttachment('zip bomb', 'application/zip', 'invoices.zip', zipBomb(entries, entryMb));
}

/** Builds a PDF from object bodies (object n = bodies[n-1]) with a correct cross-reference table. */
export function buildRawPdf(bodies: Buffer[], trailerExtra = ''): Buffer {
  const chunks: Buffer[] = [bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  let offset = chunks[0]?.length ?? 0;
  const offsets: number[] = [];
  bodies.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([bytes(`${i + 1} 0 obj\n`), body, bytes('\nendobj\n')]);
    chunks.push(chunk);
    offset += chunk.length;
  });
  const xref = [`xref\n0 ${bodies.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  chunks.push(bytes(`${xref}trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${offset}\n%%EOF\n`));
  return Buffer.concat(chunks);
}

function stream(dict: string, data: Buffer): Buffer {
  return Buffer.concat([bytes(`<< ${dict} /Length ${data.length} >>\nstream\n`), data, bytes('\nendstream')]);
}

/** A valid one-page PDF of about `sizeMb` MB (50 by default): a link annotation and a huge unused stream. */
export function largePdf(sizeMb = 50): Buffer {
  const content = bytes('BT /F1 18 Tf 72 720 Td (Large document: see https://large-pdf.example.com/view) Tj ET');
  const pattern = bytes('%% filler line to make this PDF large, never drawn %%\n');
  const padding = Buffer.alloc(sizeMb * MB);
  for (let at = 0; at < padding.length; at += pattern.length) pattern.copy(padding, at);
  return buildRawPdf([
    bytes('<< /Type /Catalog /Pages 2 0 R >>'),
    bytes('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    bytes(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [6 0 R] /Resources << /Font << /F1 5 0 R >> /XObject << /Big 7 0 R >> >> >>',
    ),
    stream('', content),
    bytes('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
    bytes('<< /Type /Annot /Subtype /Link /Rect [72 710 400 740] /A << /S /URI /URI (https://large-pdf.example.com/view) >> >>'),
    stream('/Type /XObject /Subtype /Form /BBox [0 0 1 1]', padding),
  ]);
}

export function largePdfAttachment(sizeMb = 50): Buffer {
  return withAttachment('large pdf', 'application/pdf', 'catalogue.pdf', largePdf(sizeMb));
}

/**
 * A PDF encrypted with the standard security handler and a user password nobody knows: readers must ask
 * for a password (phishing kits use this to hide their link from scanners).
 */
export function encryptedPdf(): Buffer {
  const hex = (seed: number) => seededBytes(32, seed).toString('hex').toUpperCase();
  const id = seededBytes(16, 7).toString('hex').toUpperCase();
  return buildRawPdf(
    [
      bytes('<< /Type /Catalog /Pages 2 0 R >>'),
      bytes('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
      bytes('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>'),
      stream('', seededBytes(96, 11)),
      bytes(`<< /Filter /Standard /V 2 /R 3 /Length 128 /O <${hex(101)}> /U <${hex(202)}> /P -3904 >>`),
    ],
    `/Encrypt 5 0 R /ID [<${id}> <${id}>] `,
  );
}

export function encryptedPdfAttachment(): Buffer {
  return withAttachment('encrypted pdf', 'application/pdf', 'secure-document.pdf', encryptedPdf());
}

// ---------------------------------------------------------------------------------------------

export interface NastyInput {
  name: string;
  /** what is wrong with it, for test names and failure messages */
  problem: string;
  make: () => Buffer;
}

/** Every generator above with its default size, in one list. */
export const NASTY_INPUTS: NastyInput[] = [
  { name: 'malformed-mime', problem: 'broken headers and multipart structure', make: malformedMime },
  { name: 'missing-boundary', problem: 'multipart without a boundary parameter', make: missingBoundary },
  { name: 'bad-base64', problem: 'invalid and truncated base64', make: badBase64 },
  { name: 'wrong-charset', problem: 'unknown and mismatched charsets', make: wrongCharset },
  { name: 'bare-cr', problem: 'bare CR line endings', make: bareCrLineEndings },
  { name: 'mixed-line-endings', problem: 'CRLF, LF and CR mixed', make: mixedLineEndings },
  { name: 'nested-10000', problem: '10,000 nested multipart levels', make: () => deeplyNestedMultipart() },
  { name: 'wide-10000', problem: '10,000 sibling parts', make: () => wideMultipart() },
  { name: 'attached-50-deep', problem: 'messages attached inside messages, 50 levels', make: () => nestedAttachedMessages() },
  { name: 'garbage-params', problem: 'nonsense Content-Type parameters', make: garbageContentTypeParameters },
  { name: 'empty', problem: 'an empty file', make: emptyFile },
  { name: 'random-binary', problem: 'random binary data', make: () => randomBinary() },
  { name: 'header-only', problem: 'headers without a body', make: headerOnly },
  { name: 'enormous-header', problem: 'a 4 MB header line', make: () => enormousHeaderLine() },
  { name: 'zip-bomb', problem: 'a zip that unpacks to about 1 GB', make: () => zipBombAttachment() },
  { name: 'zip-over-limit', problem: 'a zip whose members together pass the unpack budget', make: () => zipOverUnpackLimit() },
  { name: 'large-pdf', problem: 'a 50 MB PDF attachment', make: () => largePdfAttachment() },
  { name: 'encrypted-pdf', problem: 'a password-protected PDF', make: encryptedPdfAttachment },
];
