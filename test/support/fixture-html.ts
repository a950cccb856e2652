// Small helpers the fixture builders share: HTML scaffolding, addresses, dates and ids.
import type { Person, Org } from './fixture-cast.js';
import type { Envelope, Rng } from './fixture-core.js';
import { type HeaderList, mailbox, type MimePart, multipart, textPart } from './mime-writer.js';

export const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function page(inner: string, font = 'Arial,Helvetica,sans-serif', lang = 'en'): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang}"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>`,
    `<body style="margin:0;padding:0;background:#f6f8fc"><table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">`,
    `<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;font-family:${font};font-size:14px;line-height:1.5;color:#202124"><tr><td style="padding:24px">`,
    inner,
    '</td></tr></table></td></tr></table></body></html>',
    '',
  ].join('\n');
}

export function button(url: string, label: string, colour = '#1a73e8'): string {
  return `<table role="presentation" cellpadding="0" cellspacing="0"><tr><td style="background:${colour};border-radius:4px"><a href="${esc(url)}" style="display:inline-block;padding:10px 24px;color:#ffffff;text-decoration:none;font-weight:bold">${esc(label)}</a></td></tr></table>`;
}

export const a = (url: string, text: string) => `<a href="${esc(url)}" style="color:#1a73e8">${esc(text)}</a>`;
export const p = (text: string, style = '') => `<p${style ? ` style="${style}"` : ''}>${text}</p>`;
export const small = (text: string) => `<p style="font-size:11px;color:#5f6368">${text}</p>`;
export const img = (src: string, alt: string, width = 120) => `<img src="${esc(src)}" alt="${esc(alt)}" width="${width}" style="display:block;border:0">`;

/** multipart/alternative of the same content as text and HTML */
export function alt(plain: string, html: string, boundary: string): MimePart {
  return multipart('alternative', boundary, [textPart(plain, 'plain'), textPart(html, 'html')]);
}

export const addr = (person: Person, org: Org) => `${person.local}@${org.domain}`;
export const nameFor = (person: Person, lang: string) => (lang === 'ja' ? person.ja : person.en);
/** family name in Japanese ('佐藤') */
export const family = (person: Person) => person.ja.split(' ')[0] ?? person.ja;
export const familyEn = (person: Person) => person.en.split(' ').slice(-1)[0] ?? person.en;
export const firstEn = (person: Person) => person.en.split(' ')[0] ?? person.en;

export function who(person: Person, org: Org, lang = org.lang): string {
  return mailbox(nameFor(person, lang === 'ja' ? 'ja' : 'en'), addr(person, org));
}

export function boundary(rng: Rng, style: 'google' | 'ms' | 'plain' = 'plain'): string {
  if (style === 'google') return `000000000000${rng.hex(16)}`;
  if (style === 'ms') return `_000_${rng.token(20, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}TY3P286MB${rng.int(1000, 9999)}JPNP_`;
  return `----=_Part_${rng.int(100000, 999999)}_${rng.int(100000000, 999999999)}.${rng.int(1000000000000, 1999999999999)}`;
}

export function googleMessageId(rng: Rng): string {
  return `<${rng.hex(28)}@google.com>`;
}

export function msMessageId(rng: Rng, region = 'TYCP286MB'): string {
  return `<${region}${rng.int(1000, 9999)}${rng.token(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}${rng.token(4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}@${region}${rng.int(1000, 9999)}.JPNP286.PROD.OUTLOOK.COM>`;
}

/** 2025年12月3日(水) */
export function jaDate(at: Date, offsetMinutes = 540): string {
  const d = new Date(at.getTime() + offsetMinutes * 60_000);
  const days = ['日', '月', '火', '水', '木', '金', '土'];
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日(${days[d.getUTCDay()]})`;
}

/** Wednesday, 3 December 2025 */
export function enDate(at: Date, offsetMinutes = 540): string {
  const d = new Date(at.getTime() + offsetMinutes * 60_000);
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${days[d.getUTCDay()]}, ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export function hhmm(at: Date, offsetMinutes = 540): string {
  const d = new Date(at.getTime() + offsetMinutes * 60_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** The fields of an Envelope every builder fills the same way for a message delivered into `home`. */
export function into(home: Org, rcpt: string): Pick<Envelope, 'rcpt' | 'receiver'> {
  return { rcpt, receiver: home.receiver };
}

export type Headers = HeaderList;
