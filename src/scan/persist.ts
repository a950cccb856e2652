// What the store keeps of each judged message.
import type { Analysis } from '../model/analysis.js';
import type { JudgedMessage } from '../store/types.js';
import type { ScanOutput } from './pipeline.js';

export function judgedRowFrom(output: ScanOutput, now: Date = new Date()): JudgedMessage | undefined {
  const { record, analysis, verdict } = output;
  if (!record.verdict || !record.sha256) return undefined;
  const row: JudgedMessage = {
    sha256: record.sha256,
    messageId: record.message_id.replace(/^<|>$/g, ''),
    subject: record.subject,
    fromAddress: record.from,
    source: record.source,
    verdict: record.verdict,
    score: record.score,
    reasons: verdict?.reasons ?? [],
    summary: {
      fromName: record.from_name,
      recipients: record.recipients,
      links: record.links,
      attachments: record.attachments,
      auth: record.auth,
      linkDomains: analysis ? [...new Set(analysis.links.map((l) => l.registrableDomain || l.host))].slice(0, 50) : [],
      attachmentTypes: analysis ? analysis.attachments.map((a) => a.detectedType) : [],
      // what the console's message page shows (bounded, so a hostile message cannot bloat the store)
      ...(analysis ? consoleDetail(analysis) : {}),
      analysisErrors: record.analysis_errors.length,
      ...(record.error ? { error: record.error } : {}),
      ...(record.bounce ? { bounce: record.bounce } : {}),
    },
    judgedAt: now.toISOString(),
  };
  if (record.date) row.date = record.date;
  if (record.source.path !== '-') row.rawPath = record.source.path;
  return row;
}

export const SHOWN_HEADERS: ReadonlySet<string> = new Set(['from', 'sender', 'reply-to', 'return-path', 'to', 'cc', 'date', 'subject', 'message-id', 'authentication-results', 'received-spf', 'x-mailer', 'list-unsubscribe']);

/** Links with where each was found, attachments, selected headers and the authentication results, bounded. */
function consoleDetail(analysis: Analysis): Record<string, unknown> {
  const clip = (text: string, n = 500) => (text.length > n ? `${text.slice(0, n)}…` : text);
  return {
    linkList: analysis.links.slice(0, 100).map((l) => ({
      url: clip(l.url, 1000),
      host: l.hostUnicode || l.host,
      foundIn: l.foundIn,
      ...(l.text ? { text: clip(l.text, 200) } : {}),
      ...(l.attachmentIndex !== undefined ? { attachment: analysis.attachments[l.attachmentIndex]?.filename ?? '' } : {}),
      textMismatch: l.textMismatch,
    })),
    attachmentList: analysis.attachments.slice(0, 50).map((a) => ({ filename: clip(a.filename, 200), detectedType: a.detectedType, declaredType: a.declaredType, size: a.size, sha256: a.sha256, extensionMismatch: a.extensionMismatch })),
    headers: analysis.headers.filter((h) => SHOWN_HEADERS.has(h.key)).slice(0, 40).map((h) => ({ key: h.key, value: clip(h.value, 2000) })),
    authDetail: analysis.auth,
    to: analysis.to.slice(0, 20).map((a) => a.address),
    replyTo: analysis.replyTo.map((a) => a.address),
  };
}
