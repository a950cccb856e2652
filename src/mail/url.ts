// One place that turns a URL string found anywhere (body, PDF, QR, Office) into a Link.
import { domainToASCII, domainToUnicode } from 'node:url';
import { parse as parseDomain } from 'tldts';
import type { Link, LinkSource } from '../model/analysis.js';

const SCHEME_RE = /^[a-z][a-z0-9+.-]*:/i;
const DOMAIN_LIKE_RE = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:www\.)?([^\s/?#:@]+\.[^\s/?#:@]{2,})(?:[/?#:].*)?$/i;

/** Registrable domain (eTLD+1) of a host, '' for IPs and unknown suffixes. */
export function registrableDomain(host: string): string {
  let domain = registrableDomains.get(host);
  if (domain === undefined) {
    const parsed = parseDomain(host, { allowPrivateDomains: false });
    domain = parsed.isIp ? '' : (parsed.domain ?? '');
    remember(registrableDomains, host, domain);
  }
  return domain;
}

/** What a link records about its host; a pure function of the URL's hostname. */
interface HostFacts {
  host: string;
  hostUnicode: string;
  registrableDomain: string;
  isIp: boolean;
}

// The same hosts come back in link after link and message after message; their IDNA and
// public-suffix lookups are done once. Both maps are emptied when they grow past a bound.
const MAX_REMEMBERED_HOSTS = 4096;
const registrableDomains = new Map<string, string>();
const hostFactsByHostname = new Map<string, HostFacts>();

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_REMEMBERED_HOSTS) map.clear();
  map.set(key, value);
}

/** The host facts of a WHATWG URL's hostname, looked up once per hostname. */
export function hostFacts(urlHostname: string): HostFacts {
  let facts = hostFactsByHostname.get(urlHostname);
  if (!facts) {
    facts = lookUpHostFacts(urlHostname);
    remember(hostFactsByHostname, urlHostname, facts);
  }
  return facts;
}

/** The uncached lookup (exported for the test that checks the cache against it). */
export function lookUpHostFacts(urlHostname: string): HostFacts {
  const hostname = urlHostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const host = domainToASCII(hostname) || hostname;
  const hostUnicode = domainToUnicode(host) || host;
  const parsed = parseDomain(host);
  const isIp = parsed.isIp === true;
  return { host, hostUnicode, registrableDomain: isIp ? '' : (parsed.domain ?? ''), isIp };
}

/**
 * Normalise a found URL. Returns undefined when it is not a usable absolute URL
 * (relative paths, javascript:, data:, malformed).
 */
export function makeLink(raw: string, foundIn: LinkSource, text?: string, attachmentIndex?: number): Link | undefined {
  let candidate = raw.trim().replace(/^<|>$/g, '');
  if (!candidate) return undefined;
  if (/^www\./i.test(candidate)) candidate = `http://${candidate}`;
  if (!SCHEME_RE.test(candidate)) return undefined;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'ftp') {
    if (scheme !== 'mailto' && scheme !== 'tel') return undefined;
  }
  const facts = hostFacts(url.hostname);
  const href = url.href;
  const link: Link = {
    raw: raw.length > 2048 ? raw.slice(0, 2048) : raw,
    url: href.length > 2048 ? href.slice(0, 2048) : href,
    scheme,
    host: facts.host,
    hostUnicode: facts.hostUnicode,
    registrableDomain: facts.registrableDomain,
    isIp: facts.isIp,
    foundIn,
    textMismatch: false,
  };
  const cleanText = text?.replace(/\s+/g, ' ').trim();
  if (cleanText) {
    link.text = cleanText.length > 300 ? cleanText.slice(0, 300) : cleanText;
    link.textMismatch = visibleTextPointsElsewhere(cleanText, link);
  }
  if (attachmentIndex !== undefined) link.attachmentIndex = attachmentIndex;
  return link;
}

/** The visible text names a URL or domain whose registrable domain is not the target's. */
export function visibleTextPointsElsewhere(text: string, link: Pick<Link, 'registrableDomain' | 'host'>): boolean {
  if (text.includes(' ') || text.length > 255) return false;
  const match = DOMAIN_LIKE_RE.exec(text);
  if (!match?.[1]) return false;
  const shown = parseDomain(match[1].toLowerCase());
  // a registrable domain never holds '_': 'Factory_tour_photos.zip' is a file name, not the .zip top-level domain
  if (!shown.domain || !shown.isIcann || shown.domain.includes('_')) return false;
  const target = link.registrableDomain || link.host;
  return shown.domain !== target;
}
