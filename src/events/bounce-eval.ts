// Measures the bounce parser on a labelled folder of real bounces (../shared/corpus/bounce).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type BounceReport, parseBounce } from './bounce.js';

export interface BounceEvaluation {
  files: number;
  /** files labelled as bounces (DSN or non-standard) */
  labelledBounces: number;
  /** labelled bounces the parser reported as a failed delivery */
  detected: number;
  withRecipient: number;
  withStatus: number;
  withRecipientAndStatus: number;
  /** of those, with a status that names a reason (not X.0.0, which says only failed or delayed) */
  withRecipientAndSpecificStatus: number;
  /** statuses the report did not state, read from the notice's words (bounce-reason.ts) */
  statusFromWords: number;
  withOriginalMessageId: number;
  /** labelled auto-replies / non-bounces and feedback reports */
  labelledNonBounces: number;
  /** of those, how many the parser did NOT count as a failed-delivery bounce */
  nonBouncesNotCounted: number;
  feedbackReportsRecognised: number;
  byKind: Record<string, number>;
  errors: Array<{ path: string; message: string }>;
}

export interface LabelledFile {
  path: string;
  tags: string;
}

/** Read labels.tsv rows for one label. */
export async function readLabels(corpusDir: string, label: string): Promise<LabelledFile[]> {
  const text = await readFile(path.join(corpusDir, 'labels.tsv'), 'utf8');
  const rows: LabelledFile[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n').slice(1)) {
    const [file, fileLabel, , , tags] = line.split('\t');
    if (!file || fileLabel !== label || seen.has(file)) continue;
    seen.add(file);
    rows.push({ path: file, tags: tags ?? '' });
  }
  return rows;
}

export async function evaluateBounces(corpusDir: string): Promise<BounceEvaluation> {
  const result: BounceEvaluation = {
    files: 0,
    labelledBounces: 0,
    detected: 0,
    withRecipient: 0,
    withStatus: 0,
    withRecipientAndStatus: 0,
    withRecipientAndSpecificStatus: 0,
    statusFromWords: 0,
    withOriginalMessageId: 0,
    labelledNonBounces: 0,
    nonBouncesNotCounted: 0,
    feedbackReportsRecognised: 0,
    byKind: {},
    errors: [],
  };
  for (const row of await readLabels(corpusDir, 'bounce')) {
    let report: BounceReport | undefined;
    try {
      report = await parseBounce(await readFile(path.join(corpusDir, row.path)));
    } catch (error) {
      result.errors.push({ path: row.path, message: (error as Error).message });
      continue;
    }
    result.files++;
    const kind = report?.kind ?? 'none';
    result.byKind[kind] = (result.byKind[kind] ?? 0) + 1;
    const isBounceLabel = row.tags.startsWith('dsn') || row.tags.startsWith('non-standard');
    const isNonBounceLabel = row.tags.startsWith('arf') || row.tags.startsWith('non-bounce');
    if (isBounceLabel) {
      result.labelledBounces++;
      if (report?.failed && (report.kind === 'dsn' || report.kind === 'non-standard-bounce')) result.detected++;
      const hasRecipient = (report?.recipients.length ?? 0) > 0;
      const hasStatus = Boolean(report?.status);
      if (hasRecipient) result.withRecipient++;
      if (hasStatus) result.withStatus++;
      if (hasRecipient && hasStatus) result.withRecipientAndStatus++;
      if (hasRecipient && hasStatus && !/^\d\.0\.0$/.test(report?.status ?? '')) result.withRecipientAndSpecificStatus++;
      if (report?.reason) result.statusFromWords++;
      if (report?.original.messageId) result.withOriginalMessageId++;
    } else if (isNonBounceLabel) {
      result.labelledNonBounces++;
      const counted = report?.failed === true && (report.kind === 'dsn' || report.kind === 'non-standard-bounce');
      if (!counted) result.nonBouncesNotCounted++;
      if (row.tags.startsWith('arf') && report?.kind === 'feedback-report') result.feedbackReportsRecognised++;
    }
  }
  return result;
}
