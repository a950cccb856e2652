// Text normalisation shared by the lure, brand and token detectors.

// Built from a string: the class mixes format and variation-selector code points on purpose.
// biome-ignore lint/complexity/useRegexLiterals: a literal would trip the combining-character lint
const INVISIBLE_RE = new RegExp('[\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u206f\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0]', 'g');

// Whitespace runs that are not already one plain space: replacing only these gives what `/\s+/g → ' '` gives,
// without a match (and a copy) for every space between two words.
const UNCOLLAPSED_SPACE = /[^\S ]\s*| \s+/g;

/** `text.replace(/\s+/g, ' ')`, with fewer matches. */
export function collapseSpaces(text: string): string {
  return text.replace(UNCOLLAPSED_SPACE, ' ');
}

/** NFKC, lower-case, invisible characters removed, whitespace collapsed. Keeps Japanese intact. */
export function normaliseText(text: string): string {
  return collapseSpaces(text.normalize('NFKC').replace(INVISIBLE_RE, '').toLowerCase()).trim();
}

/** What `/\s/` matches outside ASCII (ECMAScript WhiteSpace and LineTerminator); a test checks every code unit. */
const WIDE_SPACES = new Set([0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]);

/** Whether a UTF-16 code unit is one `/\s/` matches. */
export function isSpaceCode(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || (code >= 0xa0 && WIDE_SPACES.has(code));
}

/** `text.replace(/\s+/g, ' ').trim().length`. */
export function collapsedLength(text: string): number {
  return collapseSpaces(text).trim().length;
}

/**
 * normaliseText of pieces joined by whitespace, from the pieces' own normalised forms: `normaliseText(a + ' ' + b)`
 * is `joinNormalised(normaliseText(a), normaliseText(b))`. NFKC, invisible-character removal and lower-casing
 * never look across a space or line break (both are stable under normalisation, and neither cased nor
 * case-ignorable, which bounds the final-sigma context), and collapsing and trimming leave one space between two
 * non-empty pieces. test/detect/prep-fast-paths.test.ts checks this on crafted text.
 */
export function joinNormalised(...pieces: string[]): string {
  return pieces.filter((piece) => piece !== '').join(' ');
}

/**
 * foldDiacritics of a joinNormalised text from its pieces, each given as [normalised, foldDiacritics(normalised)]:
 * decomposition, mark removal and composition do not reach across a space either. A piece counts by its
 * normalised form (a piece of marks alone folds to '' yet still brings its space).
 */
export function joinFolded(...pieces: Array<readonly [string, string]>): string {
  return pieces
    .filter(([normalised]) => normalised !== '')
    .map(([, folded]) => folded)
    .join(' ');
}

/** normaliseText plus diacritics removed: 'você' → 'voce', 'não' → 'nao'. Only for Latin-script patterns. */
export function foldDiacritics(normalised: string): string {
  return normalised.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
}

/** Crude HTML to visible text for the lure detectors when a message has HTML but no plain text part. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code) % 0x110000))
    .replace(/&[a-z]+;/gi, ' ');
}

/** Alt texts, titles and image file names in HTML: where brand logos name themselves. */
export function htmlImageWords(html: string): string {
  const words: string[] = [];
  const re = /<img\b[^>]*>/gi;
  for (const tag of html.matchAll(re)) {
    for (const attr of tag[0].matchAll(/\b(alt|title|src)\s*=\s*["']([^"']{1,300})["']/gi)) {
      const value = attr[2] ?? '';
      words.push(attr[1]?.toLowerCase() === 'src' ? (value.split(/[/?#]/).filter(Boolean).pop() ?? '') : value);
    }
    if (words.length > 200) break;
  }
  return words.join(' ');
}

const LATIN = /\p{Script=Latin}/u;
const LOOKALIKE_SCRIPTS = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}]/u;

/** Words that mix Latin letters with Cyrillic, Greek or Armenian ones: a homoglyph trick against filters. */
export function countMixedScriptWords(text: string): number {
  // no Cyrillic, Greek or Armenian letter anywhere (most mail): no word can mix them in
  if (!LOOKALIKE_SCRIPTS.test(text)) return 0;
  let count = 0;
  for (const word of text.matchAll(/\p{L}{3,}/gu)) {
    if (LATIN.test(word[0]) && LOOKALIKE_SCRIPTS.test(word[0])) count++;
  }
  return count;
}

/** Mathematical alphanumerics, enclosed and full-width Latin letters: styled text that NFKC would fold. */
export function countFancyLetters(text: string): number {
  let count = 0;
  // by code point, as `for (const ch of text)` reads it (a lone surrogate counts as itself), without a string each
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x24b6) continue; // nearly every character: below all four ranges and not a surrogate
    const cp = text.codePointAt(i) ?? 0;
    if (cp > 0xffff) i++;
    if ((cp >= 0x1d400 && cp <= 0x1d7ff) || (cp >= 0x24b6 && cp <= 0x24e9) || (cp >= 0x1f130 && cp <= 0x1f189) || (cp >= 0xff21 && cp <= 0xff5a)) count++;
  }
  return count;
}

export function countInvisible(text: string): number {
  // match() with a global pattern starts from 0 and leaves lastIndex at 0: the shared pattern is safe here
  return text.match(INVISIBLE_RE)?.length ?? 0;
}
