// SPF, DKIM, DMARC and ARC: either checked here with mailauth (mode 'verify'), or read from the
// Authentication-Results header of a receiving host we trust (mode 'headers', right for stored
// mail, where re-checking SPF long after delivery means nothing).
import type { AnalysisError, AuthenticationSummary, AuthOutcome, HeaderField, ReceivedHop } from '../model/analysis.js';
import type { AuthOptions } from './options.js';

export { DEFAULT_TRUSTED_HOSTS } from './options.js';
import { registrableDomain } from './url.js';

/** Microsoft 365 writes Authentication-Results without an authserv-id; we file those under this name. */
export const MICROSOFT_AUTHSERV_ID = 'protection.outlook.com';


export function noAuthentication(): AuthenticationSummary {
  return {
    source: 'none',
    spf: { result: 'none' },
    dkim: [],
    dmarc: { result: 'none' },
    arc: { result: 'none' },
  };
}

const OUTCOMES: Record<string, AuthOutcome> = {
  pass: 'pass',
  fail: 'fail',
  hardfail: 'fail',
  softfail: 'softfail',
  neutral: 'neutral',
  none: 'none',
  skipped: 'none',
  // Microsoft: no DMARC record, but it would have passed. There is no published policy, so 'none'.
  bestguesspass: 'none',
  temperror: 'temperror',
  temperr: 'temperror',
  permerror: 'permerror',
  permerr: 'permerror',
  policy: 'policy',
};

export function toOutcome(value: string | undefined): AuthOutcome {
  if (!value) return 'unknown';
  return OUTCOMES[value.toLowerCase()] ?? 'unknown';
}

/** One method result of an Authentication-Results header ("dkim=pass header.d=x.com"). */
export interface AuthResultEntry {
  method: string;
  result: string;
  /** property name (lower-case, e.g. 'header.d', 'smtp.mailfrom', 'action') → value */
  props: Record<string, string>;
  /** text of the comments in this entry, joined */
  comment: string;
}

export interface ParsedAuthResults {
  /** lower-case authserv-id; MICROSOFT_AUTHSERV_ID when the header has none */
  authservId: string;
  entries: AuthResultEntry[];
}

/**
 * Splits at top-level ';', keeping comments (nested parentheses) and quoted strings whole: a
 * segment's text has each comment as one space and quoted strings unquoted (backslash escapes
 * undone); its comment holds the comments' text. Runs of ordinary characters are copied as slices.
 */
export function splitSegments(value: string): Array<{ text: string; comment: string }> {
  const segments: Array<{ text: string; comment: string }> = [];
  let text = '';
  let comment = '';
  let depth = 0;
  let quoted = false;
  const length = value.length;
  let i = 0;
  while (i < length) {
    let j = i;
    if (quoted) {
      while (j < length && value.charCodeAt(j) !== 0x5c && value.charCodeAt(j) !== 0x22) j++;
      text += value.slice(i, j);
      if (j >= length) break;
      if (value.charCodeAt(j) === 0x22) {
        quoted = false;
        i = j + 1;
      } else if (j + 1 < length) {
        text += value[j + 1];
        i = j + 2;
      } else {
        text += '\\';
        i = j + 1;
      }
    } else if (depth > 0) {
      while (j < length && value.charCodeAt(j) !== 0x28 && value.charCodeAt(j) !== 0x29) j++;
      comment += value.slice(i, j);
      if (j >= length) break;
      if (value.charCodeAt(j) === 0x28) {
        depth++;
        comment += '(';
      } else {
        depth--;
        comment += depth > 0 ? ')' : ' ';
      }
      i = j + 1;
    } else {
      while (j < length && value.charCodeAt(j) !== 0x28 && value.charCodeAt(j) !== 0x22 && value.charCodeAt(j) !== 0x3b) j++;
      text += value.slice(i, j);
      if (j >= length) break;
      const c = value.charCodeAt(j);
      if (c === 0x28) {
        depth = 1;
        text += ' ';
      } else if (c === 0x22) {
        quoted = true;
      } else {
        segments.push({ text, comment });
        text = '';
        comment = '';
      }
      i = j + 1;
    }
  }
  segments.push({ text, comment });
  return segments;
}

/** Parses one Authentication-Results value (RFC 8601, plus Microsoft's id-less variant). */
export function parseAuthenticationResults(value: string): ParsedAuthResults {
  const segments = splitSegments(value);
  let authservId = '';
  const entries: AuthResultEntry[] = [];
  segments.forEach((segment, position) => {
    const tokens = segment.text.split(/\s+/).filter(Boolean);
    if (position === 0) {
      const first = tokens[0] ?? '';
      if (!first.includes('=')) {
        authservId = first.toLowerCase();
        tokens.length = 0;
      } else {
        authservId = MICROSOFT_AUTHSERV_ID;
      }
    }
    const head = tokens.shift();
    if (!head) return;
    const eq = head.indexOf('=');
    if (eq <= 0) return;
    const entry: AuthResultEntry = {
      method: head.slice(0, eq).toLowerCase(),
      result: head.slice(eq + 1).toLowerCase(),
      props: {},
      comment: segment.comment.trim(),
    };
    for (const token of tokens) {
      const at = token.indexOf('=');
      if (at <= 0) continue;
      const key = token.slice(0, at).toLowerCase();
      if (!(key in entry.props)) entry.props[key] = token.slice(at + 1);
    }
    entries.push(entry);
  });
  return { authservId, entries };
}

function domainOfIdentity(identity: string | undefined): string | undefined {
  if (!identity) return undefined;
  const domain = identity.slice(identity.lastIndexOf('@') + 1).toLowerCase().trim();
  return domain && domain !== 'none' ? domain : undefined;
}

/** DKIM alignment in DMARC's relaxed sense: same registrable domain as From. */
export function isAligned(signingDomain: string | undefined, fromDomain: string): boolean {
  if (!signingDomain || !fromDomain) return false;
  const signing = registrableDomain(signingDomain) || signingDomain.toLowerCase();
  const from = registrableDomain(fromDomain) || fromDomain.toLowerCase();
  return signing === from;
}

/**
 * Reads the trusted Authentication-Results: the topmost header whose authserv-id is trusted,
 * merged with further headers of the same id above the next Received header (some hosts,
 * e.g. Proton, write one header per method). Headers below that were not written by the
 * trusted host's hop and may be forged.
 */
export function summariseTrustedHeaders(headers: HeaderField[], trustedHosts: readonly string[], fromDomain: string): AuthenticationSummary {
  const trust = trustMatcher(trustedHosts);
  const summary = noAuthentication();
  if (!trust) return summary;

  let chosenId = '';
  const chosen: AuthResultEntry[] = [];
  for (const header of headers) {
    if (header.key === 'received') {
      if (chosenId) break;
      // A hop written by someone else sits above: whatever lies below came through that host, not straight from the
      // trusted platform, and may be the sender's own forgery.
      if (!trust.ownHop(header.value)) break;
      continue;
    }
    if (header.key !== 'authentication-results') continue;
    const parsed = parseAuthenticationResults(header.value);
    if (!chosenId) {
      if (!trust.trusts(parsed.authservId)) continue;
      chosenId = parsed.authservId;
    }
    if (parsed.authservId === chosenId) chosen.push(...parsed.entries);
  }
  if (!chosenId) return summary;

  summary.source = 'trusted-header';
  summary.trustedHost = chosenId;
  let spfSeen = false;
  let dmarcSeen = false;
  let arcSeen = false;
  for (const entry of chosen) {
    switch (entry.method) {
      case 'spf': {
        if (spfSeen) break;
        spfSeen = true;
        summary.spf = { result: toOutcome(entry.result) };
        const domain = domainOfIdentity(entry.props['smtp.mailfrom']) ?? domainOfIdentity(entry.props['smtp.helo']);
        if (domain) summary.spf.domain = domain;
        break;
      }
      case 'dkim': {
        const domain = domainOfIdentity(entry.props['header.d']) ?? domainOfIdentity(entry.props['header.i']);
        const result = toOutcome(entry.result);
        // "dkim=none (message not signed)" says there is no signature: no entry.
        if (result === 'none' && !domain) break;
        const dkim: AuthenticationSummary['dkim'][number] = { result, aligned: isAligned(domain, fromDomain) };
        if (domain) dkim.domain = domain;
        const selector = entry.props['header.s'];
        if (selector) dkim.selector = selector;
        summary.dkim.push(dkim);
        break;
      }
      case 'dmarc': {
        if (dmarcSeen) break;
        dmarcSeen = true;
        summary.dmarc = { result: toOutcome(entry.result) };
        const policy = entry.props['policy.dmarc'] ?? /\bp=([a-z]+)/i.exec(entry.comment)?.[1];
        if (policy) summary.dmarc.policy = policy.toLowerCase();
        const domain = domainOfIdentity(entry.props['header.from']);
        if (domain) summary.dmarc.domain = domain;
        break;
      }
      case 'arc': {
        if (arcSeen) break;
        arcSeen = true;
        summary.arc = { result: toOutcome(entry.result) };
        break;
      }
    }
  }
  return summary;
}

interface TrustMatcher {
  /** the authserv-id is one of the trusted hosts (exactly, or under a '*.' entry) */
  trusts(authservId: string): boolean;
  /** a Received header written by a trusted host's own platform, or one that names no host at all */
  ownHop(received: string): boolean;
}

const MICROSOFT_PLATFORM = ['outlook.com', 'office365.com', 'microsoft.com'];

function trustMatcher(trustedHosts: readonly string[]): TrustMatcher | undefined {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  const platforms = new Set<string>();
  for (const entry of trustedHosts) {
    const host = entry.trim().toLowerCase().replace(/\.$/, '');
    if (!host) continue;
    const bare = host.startsWith('*.') ? host.slice(2) : host;
    if (host.startsWith('*.')) suffixes.push(`.${bare}`);
    else exact.add(host);
    const platform = registrableDomain(bare) || bare;
    if (MICROSOFT_PLATFORM.includes(platform)) for (const d of MICROSOFT_PLATFORM) platforms.add(d);
    else platforms.add(platform);
  }
  if (exact.size === 0 && suffixes.length === 0) return undefined;
  return {
    trusts: (id) => exact.has(id) || suffixes.some((suffix) => id.endsWith(suffix)),
    ownHop: (received) => {
      const by = /\bby\s+([^\s;()]+)/i.exec(received)?.[1]?.toLowerCase().replace(/\.$/, '');
      // no 'by', an address or an internal id (Gmail's 'by 2002:a05:…'), or a name without a dot: nothing to judge
      if (!by?.includes('.') || by.includes(':') || /^[\d.]+$/.test(by) || by === 'localhost.localdomain') return true;
      return platforms.has(registrableDomain(by) || by);
    },
  };
}

export interface VerifyInput {
  /** the message bytes as received (no mbox line) */
  bytes: Uint8Array;
  fromDomain: string;
  received: ReceivedHop[];
  returnPath: string;
}

/** Checks SPF, DKIM, DMARC and ARC here, every DNS lookup going through options.resolver. */
export async function verifyAuthentication(input: VerifyInput, options: AuthOptions): Promise<AuthenticationSummary> {
  const topHop = input.received.find((hop) => hop.ip);
  const ip = options.ip ?? topHop?.ip;
  const helo = options.helo ?? (options.ip ? undefined : topHop?.from);
  const sender = options.mailFrom ?? (input.returnPath || undefined);
  // mailauth (and its dependencies) load only when a message is verified here: trusting the receiving host's headers,
  // the default, never needs them, and loading them is a large share of a worker's start-up.
  const { authenticate } = await import('mailauth');
  const result = await authenticate(Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength), {
    ...(options.resolver ? { resolver: options.resolver as never } : {}),
    ...(ip ? { ip } : {}),
    ...(helo ? { helo } : {}),
    ...(sender ? { sender } : {}),
    mta: 'kizuki',
    disableBimi: true,
  });

  const summary = noAuthentication();
  summary.source = 'verified';
  // Without a connecting IP there is nothing SPF can say.
  if (ip && result.spf) {
    summary.spf = { result: toOutcome(result.spf.status.result) };
    if (result.spf.domain && result.spf.domain !== '-') summary.spf.domain = result.spf.domain;
  }
  for (const signature of result.dkim?.results ?? []) {
    const domain = signature.signingDomain?.toLowerCase();
    const outcome = toOutcome(signature.status?.result);
    if (!domain && outcome === 'none') continue;
    const dkim: AuthenticationSummary['dkim'][number] = { result: outcome, aligned: isAligned(domain, input.fromDomain) };
    if (domain) dkim.domain = domain;
    if (signature.selector) dkim.selector = signature.selector;
    summary.dkim.push(dkim);
  }
  if (result.dmarc) {
    summary.dmarc = { result: toOutcome(result.dmarc.status?.result) };
    if (result.dmarc.policy) summary.dmarc.policy = result.dmarc.policy.toLowerCase();
    if (result.dmarc.domain) summary.dmarc.domain = result.dmarc.domain.toLowerCase();
  }
  if (result.arc) summary.arc = { result: toOutcome(result.arc.status?.result) };
  return summary;
}

export interface AuthenticationOutcome {
  auth: AuthenticationSummary;
  errors: AnalysisError[];
}

/** The one entry point analyse() calls; never throws. */
export async function authenticateMessage(input: VerifyInput & { headers: HeaderField[] }, options: AuthOptions): Promise<AuthenticationOutcome> {
  try {
    if (options.mode === 'verify') return { auth: await withTimeout(verifyAuthentication(input, options), VERIFY_TIMEOUT_MS), errors: [] };
    if (options.mode === 'headers') return { auth: summariseTrustedHeaders(input.headers, options.trustedHosts, input.fromDomain), errors: [] };
    return { auth: noAuthentication(), errors: [] };
  } catch (error) {
    return { auth: noAuthentication(), errors: [{ stage: 'auth', message: errorMessage(error) }] };
  }
}

/** A stuck DNS server must not hold a message forever: past this, the checks count as not done. */
const VERIFY_TIMEOUT_MS = 20_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`authentication checks took longer than ${ms / 1000} s (DNS)`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
