// What every match of a regular expression must begin with: a short list of literal beginnings, read from the
// pattern's source. A prefilter built on it can tell in one pass over a text where a match cannot start, and the
// pattern itself then runs only where one can (anchored there with the sticky flag). Only what is read here with
// certainty narrows the list: anything this reader does not understand widens it or gives up, never the reverse.

/** A pattern's possible match beginnings. */
export interface MatchStarts {
  /**
   * every match starts with one of these; ASCII letters lower-cased (the pattern is read as case-insensitive),
   * other characters only when they have no case (CJK, kana, digits, punctuation). Never empty strings.
   */
  prefixes: string[];
  /** every match starts where `\b` holds */
  atWordBoundary: boolean;
}

type Node =
  | { t: 'chars'; set: string[] | null } // one character from `set`; null: too many to list
  | { t: 'empty' } // zero-width: lookarounds, \B, ^, $
  | { t: 'b' } // \b
  | { t: 'group'; alts: Node[][] }
  | { t: 'quant'; node: Node; min: number; max: number };

class Unsupported extends Error {}

const CLASS_LIMIT = 40;
const DIGITS = [...'0123456789'];

/** A character a prefix may carry: ASCII (letters folded) or a character without case; otherwise undefined. */
function foldChar(ch: string): string | undefined {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : ch;
  // CJK punctuation, kana, CJK ideographs, half-width katakana: no case anywhere
  const caseless = ch.toUpperCase() === ch && ch.toLowerCase() === ch;
  if (caseless && ((code >= 0x3000 && code <= 0x9fff) || (code >= 0xff66 && code <= 0xff9f))) return ch;
  return undefined;
}

function charsNode(chars: string[]): Node {
  if (chars.length === 1) {
    const folded = foldChar(chars[0] as string);
    return { t: 'chars', set: folded === undefined ? null : [folded] };
  }
  const set = new Set<string>();
  for (const ch of chars) {
    const folded = foldChar(ch);
    if (folded === undefined) return { t: 'chars', set: null };
    set.add(folded);
  }
  return { t: 'chars', set: set.size <= CLASS_LIMIT ? [...set] : null };
}

/** Parser for the pattern syntax of a RegExp without the `u` or `v` flag. */
class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new Unsupported(`unexpected ${this.src[this.i]}`);
    return node;
  }

  private alternation(): Node {
    const alts: Node[][] = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return { t: 'group', alts };
  }

  private sequence(): Node[] {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      items.push(this.quantifier(atom));
    }
    return items;
  }

  private quantifier(atom: Node): Node {
    const c = this.src[this.i];
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Number.POSITIVE_INFINITY];
    else if (c === '+') [min, max] = [1, Number.POSITIVE_INFINITY];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return atom; // a literal '{' (allowed without the u flag) was already consumed by atom() if it stood alone
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    if (this.src[this.i] === '?') this.i++; // lazy: the same strings
    if (atom.t === 'empty' || atom.t === 'b') return atom;
    return { t: 'quant', node: atom, min, max };
  }

  private atom(): Node {
    const c = this.src[this.i++] as string;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        return { t: 'chars', set: null };
      case '^':
      case '$':
        return { t: 'empty' };
      case '\\':
        return this.escape();
      case '{':
        if (/^\d+(,\d*)?\}/.test(this.src.slice(this.i))) throw new Unsupported('quantifier without an atom');
        return charsNode([c]);
      case '*':
      case '+':
      case '?':
        throw new Unsupported('quantifier without an atom');
      default:
        return charsNode([c]);
    }
  }

  private group(): Node {
    let zeroWidth = false;
    if (this.src.startsWith('?:', this.i)) this.i += 2;
    else if (this.src.startsWith('?=', this.i) || this.src.startsWith('?!', this.i)) {
      this.i += 2;
      zeroWidth = true;
    } else if (this.src.startsWith('?<=', this.i) || this.src.startsWith('?<!', this.i)) {
      this.i += 3;
      zeroWidth = true;
    } else if (this.src.startsWith('?<', this.i)) {
      const end = this.src.indexOf('>', this.i);
      if (end < 0) throw new Unsupported('unterminated group name');
      this.i = end + 1;
    } else if (this.src[this.i] === '?') throw new Unsupported('unknown group kind');
    const inner = this.alternation();
    if (this.src[this.i] !== ')') throw new Unsupported('unterminated group');
    this.i++;
    return zeroWidth ? { t: 'empty' } : inner;
  }

  /** One escaped character as a string, for classes; undefined for class escapes (\d, \w, \s …). */
  private escapedChar(inClass: boolean): string | undefined {
    const c = this.src[this.i++];
    if (c === undefined) throw new Unsupported('trailing backslash');
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S':
        return undefined;
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case 'f':
        return '\f';
      case '0':
        if (/[0-9]/.test(this.src[this.i] ?? '')) throw new Unsupported('octal escape');
        return '\0';
      case 'x':
      case 'u': {
        const length = c === 'x' ? 2 : 4;
        const hex = this.src.slice(this.i, this.i + length);
        if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) throw new Unsupported('loose hex escape');
        this.i += length;
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
      case 'c':
      case 'k':
      case 'p':
      case 'P':
        throw new Unsupported(`escape \\${c}`);
      case 'b':
        if (inClass) return '\b';
        throw new Unsupported('\\b handled by escape()');
      default:
        if (/[1-9]/.test(c)) throw new Unsupported('backreference');
        return c;
    }
  }

  private escape(): Node {
    const c = this.src[this.i];
    if (c === 'b') {
      this.i++;
      return { t: 'b' };
    }
    if (c === 'B') {
      this.i++;
      return { t: 'empty' };
    }
    if (c === 'd') {
      this.i++;
      return charsNode(DIGITS);
    }
    const ch = this.escapedChar(false);
    return ch === undefined ? { t: 'chars', set: null } : charsNode([ch]);
  }

  private charClass(): Node {
    let negated = false;
    if (this.src[this.i] === '^') {
      negated = true;
      this.i++;
    }
    const chars: string[] = [];
    let wide = negated;
    const member = (): string | undefined | null => {
      // null: a class escape (\d is listed, the others make the class wide)
      const c = this.src[this.i++];
      if (c === undefined) throw new Unsupported('unterminated class');
      if (c !== '\\') return c;
      if (this.src[this.i] === 'd') {
        this.i++;
        chars.push(...DIGITS);
        return null;
      }
      const ch = this.escapedChar(true);
      if (ch === undefined) wide = true;
      return ch ?? null;
    };
    while (this.src[this.i] !== ']') {
      const from = member();
      if (from === null || from === undefined) continue;
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        const to = member();
        if (to === null || to === undefined) {
          // '[a-\d]' is a literal '-' between the two without the u flag
          chars.push(from, '-');
          continue;
        }
        const a = from.charCodeAt(0);
        const b = to.charCodeAt(0);
        if (b < a) throw new Unsupported('range out of order');
        if (b - a > CLASS_LIMIT) wide = true;
        else for (let code = a; code <= b; code++) chars.push(String.fromCharCode(code));
      } else chars.push(from);
    }
    this.i++;
    if (wide) return { t: 'chars', set: null };
    // with the i flag a class holding 'A' also holds 'a': both fold to 'a'
    return charsNode(chars);
  }
}

function canBeEmpty(node: Node): boolean {
  switch (node.t) {
    case 'chars':
      return false;
    case 'empty':
    case 'b':
      return true;
    case 'group':
      return node.alts.some((alt) => alt.every(canBeEmpty));
    case 'quant':
      return node.min === 0 || canBeEmpty(node.node);
  }
}

interface Continuation {
  node: Node;
  next: Continuation | undefined;
}

function prepend(items: readonly Node[], next: Continuation | undefined): Continuation | undefined {
  let cont = next;
  for (let k = items.length - 1; k >= 0; k--) cont = { node: items[k] as Node, next: cont };
  return cont;
}

class TooMany extends Error {}

/**
 * Every beginning that a match of `root` can have: read on while the pattern goes on with one character, up to
 * `maxLength`; where it branches (a class, an alternation, an optional part), only while the beginning is still
 * shorter than `branchUntil` (past that a beginning is selective enough, and branching multiplies the list).
 */
function beginnings(root: Node, maxLength: number, branchUntil: number, limit: number): MatchStarts | undefined {
  const out = new Set<string>();
  let atWordBoundary = true;
  let empty = false;
  let paths = 0;
  const emit = (prefix: string) => {
    if (!prefix) empty = true;
    out.add(prefix);
    // distinct beginnings, and paths to them (the same beginning can be reached many ways)
    if (out.size > limit || ++paths > limit * 4) throw new TooMany();
  };
  const walk = (cont: Continuation | undefined, prefix: string, boundarySeen: boolean): void => {
    if (prefix.length >= maxLength || !cont) {
      emit(prefix);
      return;
    }
    const { node, next } = cont;
    switch (node.t) {
      case 'empty':
        walk(next, prefix, boundarySeen);
        return;
      case 'b':
        walk(next, prefix, boundarySeen || prefix.length === 0);
        return;
      case 'chars':
        if (!node.set || (node.set.length > 1 && prefix.length >= branchUntil)) {
          emit(prefix);
          return;
        }
        if (prefix.length === 0 && !boundarySeen) atWordBoundary = false;
        for (const ch of node.set) walk(next, prefix + ch, boundarySeen);
        return;
      case 'group':
        if (node.alts.length > 1 && prefix.length >= branchUntil) {
          emit(prefix);
          return;
        }
        for (const alt of node.alts) walk(prepend(alt, next), prefix, boundarySeen);
        return;
      case 'quant': {
        // a repeated part that can match nothing would not make the prefix longer: stop reading there
        if (canBeEmpty(node.node) && node.max > 1) {
          emit(prefix);
          return;
        }
        if (node.min > 0) {
          const rest: Node = { t: 'quant', node: node.node, min: node.min - 1, max: node.max - 1 };
          walk({ node: node.node, next: { node: rest, next } }, prefix, boundarySeen);
          return;
        }
        if (prefix.length >= branchUntil) {
          emit(prefix);
          return;
        }
        walk(next, prefix, boundarySeen);
        if (node.max > 0) {
          const rest: Node = { t: 'quant', node: node.node, min: 0, max: node.max - 1 };
          walk({ node: node.node, next: { node: rest, next } }, prefix, boundarySeen);
        }
        return;
      }
    }
  };
  walk({ node: root, next: undefined }, '', false);
  if (empty) return undefined;
  return { prefixes: [...out], atWordBoundary };
}

/**
 * The beginnings every match of `source` (a pattern without the u or v flag) must have, read as
 * case-insensitive, at most `limit` of them and as long as that allows (up to `maxLength`); undefined when the
 * pattern can match the empty string or uses syntax this reader leaves alone (backreferences, \p, \c …).
 */
export function matchStarts(source: string, maxLength = 10, limit = 300): MatchStarts | undefined {
  let root: Node;
  try {
    root = new Parser(source).parse();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  for (let branchUntil = Math.min(4, maxLength); branchUntil >= 1; branchUntil--) {
    try {
      return beginnings(root, maxLength, branchUntil, limit);
    } catch (error) {
      if (!(error instanceof TooMany)) throw error;
    }
  }
  return undefined;
}

function foldCode(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

function isWordCode(folded: number): boolean {
  return (folded >= 97 && folded <= 122) || (folded >= 48 && folded <= 57) || folded === 95;
}

/**
 * A list of patterns asked together whether each matches somewhere in a text, with the answers
 * `pattern.test(text)` gives. One pass over the text finds the places where some pattern's beginning stands (a
 * trie of the beginnings, as a table over the characters they use); each pattern then runs anchored (sticky) at
 * those places only. A pattern whose beginnings cannot be read runs as it is.
 */
export class PrefilteredPatterns {
  private readonly plain: Array<RegExp | undefined>;
  private readonly sticky: RegExp[];
  private readonly unfiltered: number[] = [];
  private readonly filtered: number;
  /** folded character → its column in `next` (0: no beginning uses it) */
  private readonly column = new Uint16Array(0x10000);
  private readonly width: number;
  /** trie node × column → child node (0: none; node 0 is the root) */
  private readonly next: Uint16Array | Int32Array;
  /** per node: patterns one of whose beginnings ends there */
  private readonly ends: Array<number[] | undefined>;
  /** per pattern: it can only start where \b holds */
  private readonly atWordBoundary: boolean[];
  /** every filtered pattern starts at a word boundary: nothing to look up elsewhere */
  private readonly boundariesOnly: boolean;
  /** per pattern: the last place it was run at (one text at a time) */
  private readonly tried: Int32Array;

  /** `startsOf` reads a pattern's beginnings (matchStarts, or a cache of what it gave for the same source) */
  constructor(patterns: ReadonlyArray<RegExp | undefined>, startsOf: (source: string) => MatchStarts | undefined = (source) => matchStarts(source)) {
    this.plain = patterns.map((p) => (p ? new RegExp(p.source, p.flags.replace(/[gy]/g, '')) : undefined));
    this.sticky = patterns.map((p) => new RegExp(p?.source ?? '(?!)', `${(p?.flags ?? '').replace(/[gy]/g, '')}y`));
    this.tried = new Int32Array(patterns.length);
    this.atWordBoundary = patterns.map(() => false);
    let boundariesOnly = true;
    const beginnings: Array<[number, string]> = [];
    patterns.forEach((p, index) => {
      if (!p) return;
      const starts = /[uv]/.test(p.flags) ? undefined : startsOf(p.source);
      if (!starts) {
        this.unfiltered.push(index);
        return;
      }
      this.atWordBoundary[index] = starts.atWordBoundary;
      if (!starts.atWordBoundary) boundariesOnly = false;
      for (const prefix of starts.prefixes) beginnings.push([index, prefix]);
    });
    this.filtered = patterns.filter((p, index) => p && !this.unfiltered.includes(index)).length;
    this.boundariesOnly = boundariesOnly;
    // columns for the characters the beginnings use, then the trie as a table
    let width = 1;
    for (const [, prefix] of beginnings) {
      for (let j = 0; j < prefix.length; j++) {
        const code = prefix.charCodeAt(j);
        if (!this.column[code]) this.column[code] = width++;
      }
    }
    this.width = width;
    // one row of `width` cells per node; there are at most as many nodes as beginning characters, plus the root
    let bound = 1;
    for (const [, prefix] of beginnings) bound += prefix.length;
    const cells = new Int32Array(bound * width);
    const ends: Array<number[] | undefined> = [undefined];
    for (const [index, prefix] of beginnings) {
      let node = 0;
      for (let j = 0; j < prefix.length; j++) {
        const cell = node * width + (this.column[prefix.charCodeAt(j)] as number);
        if (!cells[cell]) {
          cells[cell] = ends.length;
          ends.push(undefined);
        }
        node = cells[cell] as number;
      }
      const here = ends[node] ?? [];
      ends[node] = here;
      if (!here.includes(index)) here.push(index);
    }
    const used = cells.subarray(0, ends.length * width);
    // small enough to stay in the processor's cache between messages
    this.next = ends.length < 0x10000 ? new Uint16Array(used) : used.slice();
    this.ends = ends;
  }

  /** `patterns[k].test(text)` for every k (false where the pattern is undefined). */
  test(text: string): boolean[] {
    const result = this.plain.map(() => false);
    for (const index of this.unfiltered) result[index] = (this.plain[index] as RegExp).test(text);
    let remaining = this.filtered;
    if (!remaining) return result;
    this.tried.fill(-1);
    const { column, next, width, ends, boundariesOnly } = this;
    const length = text.length;
    let previousWord = false;
    for (let i = 0; i < length; i++) {
      const c = foldCode(text.charCodeAt(i));
      const word = isWordCode(c);
      const atBoundary = word !== previousWord;
      previousWord = word;
      if (boundariesOnly && !atBoundary) continue;
      let node = next[column[c] as number] as number;
      let j = i + 1;
      while (node) {
        const patterns = ends[node];
        if (patterns) {
          remaining -= this.runAt(text, i, atBoundary, patterns, result);
          if (remaining === 0) return result;
        }
        if (j >= length) break;
        const col = column[foldCode(text.charCodeAt(j++))] as number;
        node = col ? (next[node * width + col] as number) : 0;
      }
    }
    return result;
  }

  /** Runs each of `patterns` not yet decided anchored at `i`; how many matched. */
  private runAt(text: string, i: number, atBoundary: boolean, patterns: number[], result: boolean[]): number {
    let matched = 0;
    for (const k of patterns) {
      if (result[k] || this.tried[k] === i || (this.atWordBoundary[k] && !atBoundary)) continue;
      this.tried[k] = i;
      const sticky = this.sticky[k] as RegExp;
      sticky.lastIndex = i;
      if (sticky.test(text)) {
        result[k] = true;
        matched++;
      }
    }
    return matched;
  }
}
