// Look-alike domains: homoglyphs, small edit distances and IDN skeletons compared against protected domains.
import { domainToUnicode } from 'node:url';
import { parse as parseDomain } from 'tldts';

/** Optimal string alignment distance (Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((d[(i - 1) * cols + j] ?? 0) + 1, (d[i * cols + j - 1] ?? 0) + 1, (d[(i - 1) * cols + j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (d[(i - 2) * cols + j - 2] ?? 0) + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1] ?? 0;
}

// Rows of the distance table, kept between calls: the look-alike check runs for every new host of every message.
let rowBefore = new Int32Array(64);
let rowAbove = new Int32Array(64);
let rowHere = new Int32Array(64);

/**
 * `editDistance(a, b) <= limit`, computed row by row and given up as soon as a whole row exceeds the limit (no row's
 * smallest value is below the one before it, transpositions included). No table is allocated.
 */
export function withinEditDistance(a: string, b: string, limit: number): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > limit) return false;
  const cols = b.length + 1;
  if (rowHere.length < cols) {
    rowBefore = new Int32Array(cols * 2);
    rowAbove = new Int32Array(cols * 2);
    rowHere = new Int32Array(cols * 2);
  }
  for (let j = 0; j < cols; j++) rowAbove[j] = j;
  for (let i = 1; i <= a.length; i++) {
    rowHere[0] = i;
    let smallest = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((rowAbove[j] as number) + 1, (rowHere[j - 1] as number) + 1, (rowAbove[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rowBefore[j - 2] as number) + 1);
      rowHere[j] = best;
      if (best < smallest) smallest = best;
    }
    if (smallest > limit) return false;
    const spare = rowBefore;
    rowBefore = rowAbove;
    rowAbove = rowHere;
    rowHere = spare;
  }
  return (rowAbove[cols - 1] as number) <= limit;
}

/** 1 for equal strings, 0 for nothing in common (1 - distance / longer length). */
export function similarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  if (!longer) return 1;
  return 1 - editDistance(a, b) / longer;
}

// Characters that render like Latin letters or digits, folded onto one representative.
const CONFUSABLES: Record<string, string> = {
  '0': 'o', '1': 'l', i: 'l', '|': 'l', '3': 'e', '5': 's', '$': 's', '@': 'a', '4': 'a', '7': 't', '8': 'b',
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'l', ј: 'j', ѕ: 's', ԁ: 'd', ɡ: 'g', һ: 'h', ո: 'n',
  ı: 'l', ł: 'l', ɩ: 'l', α: 'a', ο: 'o', ν: 'v', τ: 't', κ: 'k', ρ: 'p', υ: 'u', ω: 'w',
};

/** A visual skeleton of a domain label: confusables folded, diacritics dropped, 'rn'→'m', 'vv'→'w', hyphens and dots dropped. */
export function skeleton(label: string): string {
  const unicode = label.startsWith('xn--') || label.includes('.xn--') ? domainToUnicode(label) || label : label;
  let folded = '';
  for (const ch of unicode.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()) folded += CONFUSABLES[ch] ?? ch;
  return folded.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/cl/g, 'd').replace(/[-_.]/g, '');
}

export interface DomainParts {
  /** registrable domain, e.g. 'example.co.jp' */
  registrable: string;
  /** the label before the public suffix, e.g. 'example' */
  label: string;
}

export function domainParts(host: string): DomainParts {
  const parsed = parseDomain(host);
  const registrable = parsed.domain ?? '';
  return { registrable, label: parsed.domainWithoutSuffix ?? '' };
}

export interface ProtectedDomain {
  domain: string;
  label: string;
  skeleton: string;
  /** who owns it, e.g. 'organisation', 'contact', or a brand id */
  owner: string;
}

export function protectDomain(domain: string, owner: string): ProtectedDomain | undefined {
  const parts = domainParts(domain.toLowerCase());
  if (!parts.registrable || !parts.label) return undefined;
  return { domain: parts.registrable, label: parts.label, skeleton: skeleton(parts.label), owner };
}

/**
 * The protected domain `host` imitates, or undefined. A host imitates a protected domain when it is not that
 * domain but its registrable label has the same visual skeleton, or is within a small edit distance of it
 * (one edit for labels of 5–8 characters, two for longer ones; brand names only from 9 characters). Labels
 * shorter than 4 never match, which keeps 'w3.org' from imitating 'we.tl'.
 */
const memo = new WeakMap<readonly ProtectedDomain[], Map<string, ProtectedDomain | null>>();
const MEMO_LIMIT = 50_000;

export function imitatedDomain(host: string, protectedDomains: readonly ProtectedDomain[]): ProtectedDomain | undefined {
  let cache = memo.get(protectedDomains);
  if (!cache) {
    cache = new Map();
    memo.set(protectedDomains, cache);
  }
  const key = host.toLowerCase();
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const found = findImitated(key, protectedDomains);
  if (cache.size >= MEMO_LIMIT) cache.clear();
  cache.set(key, found ?? null);
  return found;
}

function findImitated(host: string, protectedDomains: readonly ProtectedDomain[]): ProtectedDomain | undefined {
  const parts = domainParts(host);
  if (!parts.registrable || !parts.label) return undefined;
  if (protectedDomains.some((p) => p.domain === parts.registrable)) return undefined;
  const sk = skeleton(parts.label);
  for (const p of protectedDomains) {
    if (p.label.length < 4) continue; // 'w3' and 'we' share a skeleton: short names only collide by chance
    if (sk === p.skeleton && (parts.label !== p.label || parts.label.startsWith('xn--'))) return p;
    if (parts.label === p.label) continue; // same name under another suffix: handled by brand rules, too noisy here
    // small edits: for the organisation's and its contacts' domains, and for long brand names only
    // ('lindows' is one edit from 'windows' and a different company)
    if (p.label.length < 5 || (p.owner === 'brand' && p.label.length < 9)) continue;
    const allowed = p.label.length > 8 ? 2 : 1;
    if (withinEditDistance(sk, p.skeleton, allowed)) return p;
  }
  return undefined;
}
