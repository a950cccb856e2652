// Received header hops, top (added last, nearest our host) to bottom.
import { isIP } from 'node:net';
import type { ReceivedHop } from '../model/analysis.js';
import { isoDate } from './headers.js';

const CLAUSE_WORDS = new Set(['from', 'by', 'via', 'with', 'id', 'for']);
type ClauseName = 'from' | 'by' | 'via' | 'with' | 'id' | 'for';

interface Clause {
  /** words outside comments */
  words: string[];
  /** full text including comments, for finding the connecting IP */
  text: string;
}

const TOKEN_RE = /[()]|[^\s()]+/g;

/** Splits "from X (c) by Y with Z; date" into its clauses, ignoring keywords inside comments. */
function splitClauses(value: string): Partial<Record<ClauseName, Clause>> {
  const clauses: Partial<Record<ClauseName, Clause>> = {};
  let current: Clause | undefined;
  let currentStart = 0;
  let depth = 0;
  TOKEN_RE.lastIndex = 0;
  for (let match = TOKEN_RE.exec(value); match; match = TOKEN_RE.exec(value)) {
    const token = match[0];
    if (token === '(') {
      depth++;
    } else if (token === ')') {
      if (depth > 0) depth--;
    } else if (depth === 0) {
      const lower = token.length <= 4 ? token.toLowerCase() : '';
      if (lower && CLAUSE_WORDS.has(lower) && !clauses[lower as ClauseName]) {
        if (current) current.text = value.slice(currentStart, match.index);
        current = { words: [], text: '' };
        clauses[lower as ClauseName] = current;
        currentStart = match.index + token.length;
      } else if (current) {
        current.words.push(token);
      }
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
