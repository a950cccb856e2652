// Exports of the record: indicators as CSV, outside recipients as CSV for a mail merge, the whole incident as JSON.
import type { IncidentRecord } from '../incidents/record.js';

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
export function csvField(value: unknown): string {
  let s = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n').concat('\r\n');
}

export function indicatorsCsv(record: IncidentRecord): string {
  return csv(
    ['type', 'value', 'first_seen', 'last_seen', 'tlp', 'note', 'incident'],
    record.indicators.map((i) => [i.type, i.value, i.firstSeen, i.lastSeen, i.tlp.toUpperCase(), i.note ?? '', record.incidentId]),
  );
}

/** One row per outside address that received the lure: what a mail merge of the customer notice needs. */
export function recipientsCsv(record: IncidentRecord): string {
  return csv(
    ['email', 'domain', 'first_received', 'last_received', 'messages', 'subject', 'sent_from', 'message_ids'],
    record.outsideRecipients.map((r) => [
      r.address,
      r.domain,
      r.firstSentAt,
      r.lastSentAt,
      r.messages.length,
      [...new Set(r.messages.map((m) => m.subject))].join(' / '),
      r.sentFrom,
      [...new Set(r.messages.map((m) => m.messageId).filter(Boolean))].join(' '),
    ]),
  );
}

export function incidentJson(record: IncidentRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
