// Indicators are typed and checked before they enter the record: a value that is not what its type says is refused.
import { isIP } from 'node:net';
import type { Indicator, IndicatorType, Tlp } from './record.js';

export const INDICATOR_TYPES: readonly IndicatorType[] = ['email-address', 'domain', 'url', 'ipv4', 'ipv6', 'sha256', 'message-id', 'subject'];
export const TLPS: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
const EMAIL_LOCAL = /^[^\s@<>()",;:\\[\]]{1,64}$/;

/** The normalised value, or an error saying why the value is not an indicator of that type. */
export function normaliseIndicator(type: IndicatorType, raw: string): { value: string } | { error: string } {
  const v = raw.trim();
  switch (type) {
    case 'email-address': {
      const at = v.lastIndexOf('@');
      const local = v.slice(0, at);
      const domain = v.slice(at + 1).toLowerCase();
      if (at < 1 || !EMAIL_LOCAL.test(local) || !DOMAIN.test(domain)) return { error: `not an email address: ${JSON.stringify(raw)}` };
      return { value: `${local.toLowerCase()}@${domain}` };
    }
    case 'domain': {
      const d = v.toLowerCase().replace(/\.$/, '');
      return DOMAIN.test(d) ? { value: d } : { error: `not a domain name: ${JSON.stringify(raw)}` };
    }
    case 'url': {
      try {
        const u = new URL(v);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return { error: `not an http(s) URL: ${JSON.stringify(raw)}` };
        return { value: u.href };
      } catch {
        return { error: `not a URL: ${JSON.stringify(raw)}` };
      }
    }
    case 'ipv4':
      return isIP(v) === 4 ? { value: v } : { error: `not an IPv4 address: ${JSON.stringify(raw)}` };
    case 'ipv6':
      return isIP(v) === 6 ? { value: v.toLowerCase() } : { error: `not an IPv6 address: ${JSON.stringify(raw)}` };
    case 'sha256':
      return /^[0-9a-fA-F]{64}$/.test(v) ? { value: v.toLowerCase() } : { error: `not a sha256 (64 hex digits): ${JSON.stringify(raw)}` };
    case 'message-id': {
      const id = v.replace(/^<|>$/g, '');
      return /^[^\s<>@]+@[^\s<>@]+$/.test(id) ? { value: id } : { error: `not a Message-ID: ${JSON.stringify(raw)}` };
    }
    case 'subject':
      return v.length > 0 && v.length <= 998 ? { value: v } : { error: 'a subject indicator must be 1 to 998 characters' };
    default:
      return { error: `unknown indicator type ${String(type)}` };
  }
}

/** An indicator seen once at `at`, or undefined when the value is not valid for the type (the caller skips it). */
export function indicator(type: IndicatorType, raw: string, at: string, note?: string, tlp: Tlp = 'amber'): Indicator | undefined {
  if (!raw) return undefined;
  const checked = normaliseIndicator(type, raw);
  if ('error' in checked) return undefined;
  const out: Indicator = { type, value: checked.value, firstSeen: at, lastSeen: at, tlp };
  if (note) out.note = note;
  return out;
}
