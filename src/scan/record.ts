// The documented, versioned JSON record that `kizuki scan --json` prints for every message (JSON Lines).
// docs/scan-output.md describes every field; change SCAN_SCHEMA when a field changes meaning or goes away.
import type { Analysis } from '../model/analysis.js';
import type { Reason, Verdict, VerdictLabel } from '../model/verdict.js';
import type { SourceRef } from './sources.js';

export const SCAN_SCHEMA = 'kizuki.scan/1' as const;

export interface BounceInfo {
  kind: string;
  recipients: string[];
  status?: string;
  diagnostic?: string;
  reportingMta?: string;
  originalMessageId?: string;
}

export interface ScanRecord {
  schema: typeof SCAN_SCHEMA;
  source: { path: string; index?: number };
  /** null when the message could not be read at all (see `error`) */
  verdict: VerdictLabel | null;
  score: number;
  reasons: Array<{ rule_id: string; name: string; score: number; severity: Reason['severity']; en: string; ja: string }>;
  sha256: string;
  size: number;
  message_id: string;
  subject: string;
  from: string;
  from_name: string;
  date: string;
  recipients: number;
  links: number;
  attachments: number;
  auth: { source: string; spf: string; dkim: string; dmarc: string };
  bounce?: BounceInfo;
  /** the text model's P(phishing) and P(spam), and whether the message had a concrete attack path */
  model?: { phishing: number; spam: number; attack_path: boolean };
  analysis_errors: Array<{ stage: string; message: string }>;
  /** why this item has no analysis (unreadable file, time or memory limit) */
  error?: string;
}

function sourceOf(ref: SourceRef): ScanRecord['source'] {
  return ref.index === undefined ? { path: ref.path } : { path: ref.path, index: ref.index };
}

function bestDkim(analysis: Analysis): string {
  if (analysis.auth.dkim.length === 0) return 'none';
  return analysis.auth.dkim.some((d) => d.result === 'pass') ? 'pass' : (analysis.auth.dkim[0]?.result ?? 'none');
}

export function recordFromAnalysis(ref: SourceRef, analysis: Analysis, verdict: Verdict, bounce?: BounceInfo): ScanRecord {
  const record: ScanRecord = {
    schema: SCAN_SCHEMA,
    source: sourceOf(ref),
    verdict: verdict.verdict,
    score: verdict.score,
    reasons: verdict.reasons.map((r) => ({ rule_id: r.ruleId, name: r.name, score: r.score, severity: r.severity, en: r.en, ja: r.ja })),
    sha256: analysis.sha256,
    size: analysis.size,
    message_id: analysis.messageId,
    subject: analysis.subject,
    from: analysis.from.address,
    from_name: analysis.from.name,
    date: analysis.date,
    recipients: analysis.facts.recipientCount,
    links: analysis.links.length,
    attachments: analysis.attachments.length,
    auth: { source: analysis.auth.source, spf: analysis.auth.spf.result, dkim: bestDkim(analysis), dmarc: analysis.auth.dmarc.result },
    analysis_errors: analysis.errors.map((e) => ({ stage: e.stage, message: e.message })),
  };
  if (bounce) record.bounce = bounce;
  if (verdict.model) record.model = { phishing: verdict.model.phishing, spam: verdict.model.spam, attack_path: verdict.model.attackPath };
  return record;
}

/** The fields of a record that has no analysis behind it. */
export function emptyScanRecord(ref: SourceRef): ScanRecord {
  return {
    schema: SCAN_SCHEMA,
    source: sourceOf(ref),
    verdict: null,
    score: 0,
    reasons: [],
    sha256: '',
    size: 0,
    message_id: '',
    subject: '',
    from: '',
    from_name: '',
    date: '',
    recipients: 0,
    links: 0,
    attachments: 0,
    auth: { source: 'none', spf: 'none', dkim: 'none', dmarc: 'none' },
    analysis_errors: [],
  };
}

function recordWithoutAnalysis(ref: SourceRef, error: string): ScanRecord {
  return { ...emptyScanRecord(ref), error };
}

export function recordForUnanalysable(ref: SourceRef, raw: Uint8Array, sha256: string, error: string): ScanRecord {
  return {
    ...recordWithoutAnalysis(ref, error),
    verdict: 'suspicious',
    reasons: [
      {
        rule_id: 'scan.unanalysable',
        name: 'Could not be analysed',
        score: 0,
        severity: 'medium',
        en: `Kizuki could not finish analysing this message (${error}); hold it until a person has looked at it.`,
        ja: `このメッセージの解析を完了できませんでした（${error}）。担当者が確認するまで保留してください。`,
      },
    ],
    sha256,
    size: raw.byteLength,
    analysis_errors: [{ stage: 'limit', message: error }],
  };
}

/** A path that yielded no message at all (missing, unreadable). */
export function recordForIoError(ref: SourceRef, error: string): ScanRecord {
  return recordWithoutAnalysis(ref, error);
}
