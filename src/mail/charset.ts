// Bytes of a text part → text, without mojibake when the declared charset is wrong.
// Real mail often lies: Japanese carriers send EUC-JP labelled ISO-2022-JP, old clients send
// UTF-8 or Latin-1 with no label or 'us-ascii'. Decoding with the label alone turns every
// such byte into U+FFFD; here the bytes are checked and a better decoder is picked.
import { isAscii, isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

const decoders = new Map<string, TextDecoder | null>();

function decoderFor(label: string, fatal: boolean): TextDecoder | null {
  const key = `${fatal ? '!' : ''}${label}`;
  let decoder = decoders.get(key);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label, { fatal });
    } catch {
      decoder = null;
    }
    decoders.set(key, decoder);
  }
  return decoder;
}

function tryDecode(label: string, bytes: Uint8Array): string | undefined {
  // A strict decoder reports bad bytes by throwing, which is slow; for UTF-8 Node can tell first.
  if (label === 'utf-8' && !isUtf8(bytes)) return undefined;
  const decoder = decoderFor(label, true);
  if (!decoder) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Charsets whose 7-bit form is plain ASCII (so ASCII bytes decode as themselves). */
const ASCII_COMPATIBLE = /^(?:|us-ascii|ascii|utf-?8|iso-?8859-\d+|windows-125\d|cp125\d|latin-?1|iso-2022-jp|shift[_-]?jis|sjis|x-sjis|euc-jp|euc-kr|gb2312|gbk|gb18030|big5|koi8-[ru])$/;
/** Labels that say "7-bit" or "UTF-8": 8-bit bytes under them are a lie to be investigated. */
const UNRELIABLE = /^(?:|us-ascii|ascii|utf-?8|iso-2022-jp|unknown|unknown-8bit|x-unknown|default|none)$/;

export function normaliseCharset(charset: string | undefined): string {
  return (charset ?? '').trim().replace(/^["']|["']$/g, '').toLowerCase();
}

/** Where decodeText writes what it noticed (an unknown label, bytes that do not fit their label). */
export type CharsetNotes = Set<string>;

/** Decodes a text part's bytes, using the declared charset when it fits the bytes. */
export function decodeText(bytes: Uint8Array, declaredCharset: string | undefined, notes?: CharsetNotes): string {
  const label = normaliseCharset(declaredCharset);
  const known = label === '' || decoderFor(label, false) !== null;
  if (!known) notes?.add(`unknown charset "${label.slice(0, 60)}": decoded by looking at the bytes instead`);
  const has8bit = !isAscii(bytes);

  if (!has8bit) {
    // Raw ISO-2022-JP escapes are Japanese whatever the label says.
    if (bytes.indexOf(0x1b) >= 0) return decoderFor('iso-2022-jp', false)!.decode(bytes);
    if (ASCII_COMPATIBLE.test(label) || !known) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    return decoderFor(label, false)!.decode(bytes);
  }

  if (known && !UNRELIABLE.test(label)) {
    const declared = tryDecode(label, bytes);
    if (declared !== undefined) return declared;
  }
  const [text, decoder] = guessDecode(bytes, label);
  // 8-bit bytes under 'us-ascii' or no label are everyday sloppiness, not worth a note.
  if (known && label !== '' && label !== 'us-ascii' && label !== 'ascii' && decoder !== label) {
    notes?.add(`text labelled "${label}" is not valid ${label}; decoded as ${decoder}`);
  }
  return text;
}

/** Picks a decoder by the bytes: UTF-8 when valid, then Japanese legacy encodings, then Windows-1252. */
function guessDecode(bytes: Uint8Array, label: string): [string, string] {
  const utf8 = tryDecode('utf-8', bytes);
  if (utf8 !== undefined) return [utf8, label === 'utf8' ? 'utf8' : 'utf-8'];
  const mayBeJapanese = label === '' || UNRELIABLE.test(label) || /jis|euc-jp/.test(label);
  if (mayBeJapanese && (label === 'iso-2022-jp' || looksJapanese(bytes))) {
    const eucJp = tryDecode('euc-jp', bytes);
    if (eucJp !== undefined) return [eucJp, 'euc-jp'];
    const shiftJis = tryDecode('shift_jis', bytes);
    if (shiftJis !== undefined) return [shiftJis, 'shift_jis'];
  }
  // A declared legacy charset that did not fit exactly still beats a guess.
  if (label && !UNRELIABLE.test(label)) {
    const lenient = decoderFor(label, false);
    if (lenient) return [lenient.decode(bytes), label];
  }
  // windows-1252 maps (almost) every byte to a character: nothing becomes U+FFFD.
  return [decoderFor('windows-1252', false)!.decode(bytes), 'windows-1252'];
}

/**
 * EUC-JP and Shift_JIS text is dense in high-byte pairs; Latin-1 text has isolated high
 * bytes between ASCII letters. Counts pairs of consecutive high bytes.
 */
function looksJapanese(bytes: Uint8Array): boolean {
  let high = 0;
  let pairs = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      high++;
      if (i + 1 < bytes.length && bytes[i + 1]! >= 0x80) {
        pairs++;
        i++;
      }
    }
  }
  return high > 0 && pairs * 2 >= high * 0.5;
}
