// Helpers for AccountEvents: stable ids, validation of untrusted input, and the small readings
// (addresses, domains, lure fingerprints) that the detectors share.
//
// The `data` of each kind, as the detectors read it (all fields optional unless stated):
//   message.sent / message.received: { messageId, subject, from, to: string[], cc: string[], bcc: string[],
//       attachmentHashes: string[] (sha256), linkDomains: string[] (registrable), linkUrls: string[],
//       verdict: 'malicious' | 'suspicious' | 'spam' | 'clean' (from the detection stage) }
//   message.bounce: { kind, recipients: string[], status, diagnostic, reportingMta, originalMessageId, originalSubject }
//   message.reported: { messageId, subject }
//   signin.success / signin.failure / signin.challenge: { ip, country (ISO 3166 alpha-2), network (ASN or org),
//       userAgent, suspicious: boolean (the platform's own flag), lat, lon }
//   setting.forwarding: { target, enabled }     setting.filter: { action: 'delete'|'forward'|'move'|…, forwardTo, criteria }
//   setting.delegate: { delegate }              setting.sendas: { address }
//   oauth.grant: { clientId, appName, scopes: string[] }   apppassword.created: { name }   password.changed: {}
import { createHash } from 'node:crypto';
import type { AccountEvent, AccountEventKind } from '../model/events.js';
import { registrableDomain } from '../mail/url.js';

export const ACCOUNT_EVENT_KINDS: readonly AccountEventKind[] = [
  'message.received',
  'message.sent',
  'message.bounce',
  'message.reported',
  'signin.success',
  'signin.failure',
  'signin.challenge',
  'setting.forwarding',
  'setting.filter',
  'setting.delegate',
  'setting.sendas',
  'oauth.grant',
  'apppassword.created',
  'password.changed',
];

/** A stable id from the parts that identify a source record: the same record always yields the same id. */
export function stableId(prefix: string, ...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return `${prefix}_${hash.digest('hex').slice(0, 24)}`;
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

/** The organisation owns the address when its domain (or a parent domain) is listed. */
export function isInternal(address: string, orgDomains: readonly string[]): boolean {
  const domain = domainOf(address);
  return domain !== '' && orgDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

export function strings(value: unknown): string[] {
  if (typeof value === 'string') return value ? [value] : [];
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === 'string' && v !== '');
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** All recipients of a message event (to, cc, bcc), lower-cased and de-duplicated. */
export function recipientsOf(event: AccountEvent): string[] {
  const all = [...strings(event.data.to), ...strings(event.data.cc), ...strings(event.data.bcc)].map((a) => a.toLowerCase());
  return [...new Set(all)];
}

/** Subject reduced to what stays the same across a campaign: no reply/forward prefixes, case or spacing. */
export function normaliseSubject(subject: string): string {
  return subject
    .normalize('NFKC')
    .toLowerCase()
    .replace(/^(?:\s*(?:re|fw|fwd|aw|sv|tr|回覧|転送|返信)\s*[:：]\s*)+/i, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Lure fingerprints of a message event: attachment hashes, link domains, normalised subject. */
export function fingerprints(event: AccountEvent): string[] {
  const found: string[] = [];
  for (const hash of strings(event.data.attachmentHashes)) found.push(`sha256:${hash.toLowerCase()}`);
  const domains = new Set(strings(event.data.linkDomains).map((d) => d.toLowerCase()));
  for (const url of strings(event.data.linkUrls)) {
    try {
      const domain = registrableDomain(new URL(url).hostname);
      if (domain) domains.add(domain);
    } catch {
      // not a URL: nothing to fingerprint
    }
  }
  for (const domain of domains) found.push(`link:${domain}`);
  const subject = normaliseSubject(text(event.data.subject));
  if (subject.length >= 6) found.push(`subject:${subject}`);
  return found;
}

export type EventCheck = { ok: true; event: AccountEvent } | { ok: false; error: string };

/** Check an untrusted value (e.g. from HTTP) and return a clean AccountEvent or a clear reason. */
export function validateEvent(value: unknown): EventCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'an event must be a JSON object' };
  const record = value as Record<string, unknown>;
  const id = record.id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) return { ok: false, error: 'id must be a non-empty string of at most 200 characters' };
  if (typeof record.kind !== 'string' || !ACCOUNT_EVENT_KINDS.includes(record.kind as AccountEventKind)) {
    return { ok: false, error: `event ${id}: kind must be one of ${ACCOUNT_EVENT_KINDS.join(', ')}` };
  }
  if (typeof record.time !== 'string' || Number.isNaN(Date.parse(record.time))) return { ok: false, error: `event ${id}: time must be an ISO 8601 date-time` };
  if (typeof record.account !== 'string' || !record.account.includes('@')) return { ok: false, error: `event ${id}: account must be an e-mail address` };
  if (typeof record.source !== 'string' || record.source === '') return { ok: false, error: `event ${id}: source must be a non-empty string` };
  const data = record.data ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, error: `event ${id}: data must be an object` };
  const event: AccountEvent = {
    id,
    kind: record.kind as AccountEventKind,
    time: new Date(record.time).toISOString(),
    account: record.account.trim().toLowerCase(),
    source: record.source,
    data: data as Record<string, unknown>,
  };
  if (record.raw !== undefined) event.raw = record.raw;
  return { ok: true, event };
}

/** Events in processing order: by time, then id (so every replay sees the same order). */
export function byTimeThenId(a: AccountEvent, b: AccountEvent): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
