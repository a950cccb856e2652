// Received header hops, top (added last, nearest our host) to bottom.
import { isIP } from 'node:net';
import type { ReceivedHop } from '../model/analysis.js';
import { isoDate } from './headers.js';

const CLAUSE_WORDS = new Set(['from', 'by', 'via', 'with', 'id', 'for']);
type ClauseName = 'from' | 'by' | 'via' | 'with' | 'id' | 'for';

interface Clause {
  /** the first word outside comments (the only one read), when there is one */
  words: string[];
  /** full text including comments, for finding the connecting IP */
  text: string;
}

/** A character of the regex class \s (JavaScript's white space and line terminators). */
export function isRegexSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/**
 * Splits "from X (c) by Y with Z; date" into its clauses, ignoring keywords inside comments.
 * Tokens are '(' , ')' and runs of anything else but white space, as /[()]|[^\s()]+/g finds
 * them; only a clause's first word is kept (the only one read), so the others are never sliced.
 */
export function splitClauses(value: string): Partial<Record<ClauseName, Clause>> {
  const clauses: Partial<Record<ClauseName, Clause>> = {};
  let current: Clause | undefined;
  let currentStart = 0;
  let depth = 0;
  const length = value.length;
  let i = 0;
  while (i < length) {
    const code = value.charCodeAt(i);
    if (code === 0x28) {
      depth++;
      i++;
      continue;
    }
    if (code === 0x29) {
      if (depth > 0) depth--;
      i++;
      continue;
    }
    if (isRegexSpace(code)) {
      i++;
      continue;
    }
    const start = i;
    while (i < length) {
      const next = value.charCodeAt(i);
      if (next === 0x28 || next === 0x29 || isRegexSpace(next)) break;
      i++;
    }
    if (depth > 0) continue;
    const lower = i - start <= 4 ? value.slice(start, i).toLowerCase() : '';
    if (lower && CLAUSE_WORDS.has(lower) && !clauses[lower as ClauseName]) {
      if (current) current.text = value.slice(currentStart, start);
      current = { words: [], text: '' };
      clauses[lower as ClauseName] = current;
      currentStart = i;
    } else if (current && current.words.length === 0) {
      current.words.push(value.slice(start, i));
    }
  }
  if (current) current.text = value.slice(currentStart);
  return clauses;
}

const BRACKETED_IP_RE = /\[(?:IPv6:)?([0-9a-f:.]+)\]/gi;
const PAREN_IP_RE = /\(([0-9a-f:.]{3,})\)|\s([0-9]{1,3}(?:\.[0-9]{1,3}){3})\b/gi;

function cleanIp(candidate: string): string | undefined {
  const ip = candidate.replace(/^IPv6:/i, '').replace(/^::ffff:(?=\d+\.)/i, '');
  return isIP(ip) ? ip : undefined;
}

function findIp(text: string, fromHost: string): string | undefined {
  for (const match of text.matchAll(BRACKETED_IP_RE)) {
    const ip = cleanIp(match[1]!);
    if (ip) return ip;
  }
  for (const match of text.matchAll(PAREN_IP_RE)) {
    const ip = cleanIp((match[1] ?? match[2])!);
    if (ip) return ip;
  }
  return cleanIp(fromHost.replace(/^\[|\]$/g, ''));
}

function firstWord(clause: Clause | undefined): string | undefined {
  const word = clause?.words[0]?.replace(/;$/, '');
  return word ? word : undefined;
}

/** One Received value into a hop; fields the header does not name stay undefined. */
export function parseReceivedHop(value: string, index: number): ReceivedHop {
  const hop: ReceivedHop = { index };
  const semicolon = value.lastIndexOf(';');
  const route = semicolon >= 0 ? value.slice(0, semicolon) : value;
  const date = semicolon >= 0 ? isoDate(value.slice(semicolon + 1)) : '';
  const clauses = splitClauses(route);
  const from = firstWord(clauses.from);
  if (from) hop.from = from;
  const by = firstWord(clauses.by);
  if (by) hop.by = by;
  const ip = clauses.from ? findIp(clauses.from.text, from ?? '') : undefined;
  if (ip) hop.ip = ip;
  const withProtocol = firstWord(clauses.with);
  if (withProtocol) hop.with = withProtocol;
  if (date) hop.date = date;
  return hop;
}

/** Every Received value (already unfolded), top to bottom. */
export function parseReceivedChain(values: string[]): ReceivedHop[] {
  return values.map((value, index) => parseReceivedHop(value, index));
}
