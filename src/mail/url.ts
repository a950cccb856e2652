// One place that turns a URL string found anywhere (body, PDF, QR, Office) into a Link.
import { domainToASCII, domainToUnicode } from 'node:url';
import { parse as parseDomain } from 'tldts';
import type { Link, LinkSource } from '../model/analysis.js';

const SCHEME_RE = /^[a-z][a-z0-9+.-]*:/i;
const DOMAIN_LIKE_RE = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:www\.)?([^\s/?#:@]+\.[^\s/?#:@]{2,})(?:[/?#:].*)?$/i;

/** Registrable domain (eTLD+1) of a host, '' for IPs and unknown suffixes. */
export function registrableDomain(host: string): string {
  const parsed = parseDomain(host, { allowPrivateDomains: false });
  if (parsed.isIp) return '';
  return parsed.domain ?? '';
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
  const hostname = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const host = domainToASCII(hostname) || hostname;
  const hostUnicode = domainToUnicode(host) || host;
  const parsed = parseDomain(host);
  const isIp = parsed.isIp === true;
  const link: Link = {
    raw: raw.length > 2048 ? raw.slice(0, 2048) : raw,
    url: url.href.length > 2048 ? url.href.slice(0, 2048) : url.href,
    scheme,
    host,
    hostUnicode,
    registrableDomain: isIp ? '' : (parsed.domain ?? ''),
    isIp,
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
