// What the store keeps of each judged message.
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
