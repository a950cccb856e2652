// Links in message bodies: bare URLs in text, and href / form action / meta refresh / src in
// HTML with the anchor's visible text. One streaming htmlparser2 pass over the HTML also
// yields its readable text, used when the message has no text/plain part.
import { Parser, type QuoteType } from 'htmlparser2';
import type { Link, LinkSource } from '../model/analysis.js';
import { makeLink } from './url.js';

// A URL in running text ends at whitespace, quotes, angle brackets, or CJK text and
// full-width punctuation (Japanese mail often runs a URL straight into a sentence).
const TEXT_URL_RE = /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'`\u00a0\u3000-\u9fff\uff00-\uffef]+/gi;
const TRAILING_PUNCTUATION_RE = /[.,;:!?'"*\]}>]+$/;

/** Trims what a sentence adds around a URL (a full stop, a closing bracket). */
function trimUrl(candidate: string): string {
  let url = candidate.replace(TRAILING_PUNCTUATION_RE, '');
  while (url.endsWith(')') && countOf(url, '(') < countOf(url, ')')) {
    url = url.slice(0, -1).replace(TRAILING_PUNCTUATION_RE, '');
  }
  return url;
}

function countOf(text: string, ch: string): number {
  let count = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) count++;
  return count;
}

/** Collects links, dropping duplicates by (url, foundIn) and stopping at a limit. */
export class LinkCollector {
  readonly links: Link[] = [];
  private readonly seen = new Set<string>();
  /** links that were dropped because the limit was reached */
  dropped = 0;

  constructor(private readonly maxLinks: number) {}

  add(link: Link | undefined): void {
    if (!link) return;
    const key = `${link.foundIn}\u0000${link.url}`;
    if (this.seen.has(key)) return;
    if (this.links.length >= this.maxLinks) {
      this.dropped++;
      return;
    }
    this.seen.add(key);
    this.links.push(link);
  }

  addAll(links: Link[]): void {
    for (const link of links) this.add(link);
  }
}

/** Bare URLs and www. names in plain text. */
export function collectTextLinks(text: string, collector: LinkCollector, foundIn: LinkSource = 'text'): void {
  if (!text) return;
  TEXT_URL_RE.lastIndex = 0;
  for (const match of text.matchAll(TEXT_URL_RE)) {
    const url = trimUrl(match[0]);
    if (url.length > 4) collector.add(makeLink(url, foundIn));
  }
}

const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure',
  'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre',
  'section', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
const HIDDEN_TAGS = new Set(['script', 'style', 'title', 'template', 'head', 'noscript', 'svg']);
const SRC_TAGS = new Set(['img', 'iframe', 'frame', 'embed', 'script', 'input']);
const HTML_WHITESPACE_RE = /[ \t\n\r\f]+/g;
const URL_WHITESPACE_RE = /[\t\r\n]/g;
const META_REFRESH_URL_RE = /url\s*=\s*['"]?([^'"\s;]+)/i;

/** The attributes scanHtml reads; the values of all others are never assembled. */
const READ_ATTRIBUTES = new Set(['href', 'alt', 'action', 'http-equiv', 'content', 'src']);

/**
 * htmlparser2's Parser, keeping only the attributes scanHtml reads: the values of the others
 * (style, class, width and the rest, most of a mail's HTML) are not assembled into strings nor
 * stored in the tag's attribute object. Everything else, and the attributes it keeps (first
 * occurrence wins, entities decoded), is the Parser's own code.
 */
class LinkParser extends Parser {
  /** whether the attribute being read is one of READ_ATTRIBUTES */
  private keeping = false;
  override onattribname(start: number, endIndex: number): void {
    super.onattribname(start, endIndex);
    this.keeping = READ_ATTRIBUTES.has((this as unknown as { attribname: string }).attribname);
  }
  override onattribdata(start: number, endIndex: number): void {
    if (this.keeping) super.onattribdata(start, endIndex);
  }
  override onattribentity(cp: number): void {
    if (this.keeping) super.onattribentity(cp);
  }
  override onattribend(quote: QuoteType, endIndex: number): void {
    if (this.keeping) super.onattribend(quote, endIndex);
    else this.endIndex = endIndex;
  }
}

export interface HtmlScan {
  /** readable text of the HTML (scripts, styles and head dropped, entities decoded) */
  text: string;
}

/**
 * One pass over an HTML body: adds its links to `collector` and returns its readable text.
 * Bare URLs written as text (outside anchors) are added with foundIn 'text'.
 * `ParserClass` is for the test that compares LinkParser with htmlparser2's own Parser.
 */
export function scanHtml(html: string, collector: LinkCollector, maxTextChars: number, ParserClass: typeof Parser = LinkParser): HtmlScan {
  const scanner = new HtmlLinkScanner(collector, maxTextChars);
  const parser = new ParserClass(scanner, { decodeEntities: true });
  parser.write(html);
  parser.end();
  scanner.closeAnchor();

  collectTextLinks(scanner.outsideAnchorText.join(''), collector, 'text');
  return { text: scanner.readable.finish() };
}

/**
 * The parser's handler for one HTML body. A class rather than callbacks made for each body: V8 keeps the optimised
 * code of a function made anew per call only while one of its closures lives, so in a long-running scan daemon the
 * per-body callbacks were compiled again after every full garbage collection (traced with --trace-opt).
 */
class HtmlLinkScanner {
  readonly readable: HtmlTextBuilder;
  readonly outsideAnchorText: string[] = [];
  private hiddenDepth = 0;
  private base: string | undefined = undefined;
  private anchor: { href: string; text: string[]; alt: string } | undefined = undefined;

  constructor(
    private readonly collector: LinkCollector,
    maxTextChars: number,
  ) {
    this.readable = new HtmlTextBuilder(maxTextChars);
  }

  private resolve(raw: string): string {
    const cleaned = raw.replace(URL_WHITESPACE_RE, '').trim();
    if (!cleaned) return cleaned;
    if (this.base && !/^[a-z][a-z0-9+.-]*:/i.test(cleaned)) {
      try {
        return new URL(cleaned, this.base).href;
      } catch {
        return cleaned;
      }
    }
    if (cleaned.startsWith('//')) return `https:${cleaned}`;
    return cleaned;
  }

  closeAnchor(): void {
    const anchor = this.anchor;
    if (!anchor) return;
    const visible = anchor.text.join('').trim() || anchor.alt;
    this.collector.add(makeLink(this.resolve(anchor.href), 'html-href', visible || undefined));
    this.anchor = undefined;
  }

  onopentag(name: string, attribs: Record<string, string>): void {
    this.outsideAnchorText.push(' ');
    if (HIDDEN_TAGS.has(name)) this.hiddenDepth++;
    if (BLOCK_TAGS.has(name)) this.readable.block();
    switch (name) {
      case 'base':
        if (attribs.href && /^https?:/i.test(attribs.href.trim())) this.base = attribs.href.trim();
        break;
      case 'a':
      case 'area':
        if (attribs.href) {
          this.closeAnchor();
          if (name === 'area') this.collector.add(makeLink(this.resolve(attribs.href), 'html-href', attribs.alt || undefined));
          else this.anchor = { href: attribs.href, text: [], alt: '' };
        }
        break;
      case 'form':
        if (attribs.action) this.collector.add(makeLink(this.resolve(attribs.action), 'html-form'));
        break;
      case 'meta':
        if (attribs['http-equiv']?.toLowerCase() === 'refresh' && attribs.content) {
          const target = META_REFRESH_URL_RE.exec(attribs.content)?.[1];
          if (target) this.collector.add(makeLink(this.resolve(target), 'html-meta-refresh'));
        }
        break;
    }
    if (SRC_TAGS.has(name) && attribs.src) {
      const src = attribs.src.trim();
      // Inline images (cid:) and data: URIs are not links.
      if (!/^(?:cid|data):/i.test(src)) this.collector.add(makeLink(this.resolve(src), 'html-src'));
    }
    if (name === 'img' && this.anchor && attribs.alt) this.anchor.alt = this.anchor.alt || attribs.alt;
  }

  ontext(data: string): void {
    if (this.hiddenDepth > 0) return;
    if (this.anchor) this.anchor.text.push(data);
    else this.outsideAnchorText.push(data);
    this.readable.text(data);
  }

  onclosetag(name: string): void {
    this.outsideAnchorText.push(' ');
    if (HIDDEN_TAGS.has(name) && this.hiddenDepth > 0) this.hiddenDepth--;
    if (name === 'a') this.closeAnchor();
    if (BLOCK_TAGS.has(name)) this.readable.block();
  }
}

/** Collapses HTML whitespace: runs of blanks to one space, at most one empty line in a row. */
function tidyText(text: string): string {
  return text
    .replace(/[ \t\r\f\v\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Stands for a block element's line break until the text is tidied; text holding one takes the slow path. */
const BLOCK_MARK = '\u0000';
const BLOCK_WHITESPACE_RE = /[ \t\n\r\f\v\u00a0]+/g;
const AROUND_BLOCK_MARK_RE = / ?\u0000 ?/g;

/**
 * The readable text of an HTML body, as its text pieces and block breaks arrive. What comes out is
 * tidyText() of the pieces, each with its runs of HTML whitespace made one space, and the breaks as
 * LF; pieces are kept while the length so far (counted that way) is under `maxChars`, and the result
 * is cut to `maxChars`. It is built without a regex per piece: the breaks are marked with BLOCK_MARK
 * and the whole text is tidied in three passes (test/mail/html-text.test.ts compares it with the
 * piece-by-piece reading).
 */
export class HtmlTextBuilder {
  private readonly pieces: string[] = [];
  /** positions in `pieces` of the block breaks (for the slow path) */
  private readonly breaks: number[] = [];
  /** the pieces' raw length: never less than their collapsed length */
  private rawLength = 0;
  /** once the raw length has reached the limit: the collapsed length of the pieces kept */
  private collapsedLength = -1;
  private full = false;
  private markInText = false;

  constructor(private readonly maxChars: number) {}

  text(data: string): void {
    if (!this.markInText && data.includes(BLOCK_MARK)) this.markInText = true;
    this.push(data, false);
  }

  block(): void {
    this.push(BLOCK_MARK, true);
  }

  private push(piece: string, isBreak: boolean): void {
    if (this.full) return;
    if (isBreak) this.breaks.push(this.pieces.length);
    this.pieces.push(piece);
    if (this.collapsedLength < 0) {
      this.rawLength += piece.length;
      // While the raw length is under the limit the collapsed length is too, so every piece is kept.
      if (this.rawLength < this.maxChars) return;
      this.collapsedLength = 0;
      for (const kept of this.pieces) this.collapsedLength += collapsedPieceLength(kept);
    } else {
      this.collapsedLength += collapsedPieceLength(piece);
    }
    if (this.collapsedLength >= this.maxChars) this.full = true;
  }

  finish(): string {
    if (this.markInText) {
      const breaks = new Set(this.breaks);
      const pieces = this.pieces.map((piece, i) => (breaks.has(i) ? '\n' : piece.replace(HTML_WHITESPACE_RE, ' ')));
      return tidyText(pieces.join('')).slice(0, this.maxChars);
    }
    // Text line breaks are blanks here (only the marks are breaks), so one pass collapses every run.
    return this.pieces
      .join('')
      .replace(BLOCK_WHITESPACE_RE, ' ')
      .replace(AROUND_BLOCK_MARK_RE, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
      .slice(0, this.maxChars);
  }
}

/** A piece's length once its whitespace runs are one space (a break is one LF, and BLOCK_MARK is one character). */
function collapsedPieceLength(piece: string): number {
  return piece.replace(HTML_WHITESPACE_RE, ' ').length;
}
