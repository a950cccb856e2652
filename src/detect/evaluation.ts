// Measuring verdicts against labelled mail: pure functions over (label, verdict) pairs.
import type { Verdict, VerdictLabel } from '../model/verdict.js';

export const VERDICT_LABELS: VerdictLabel[] = ['malicious', 'suspicious', 'spam', 'clean'];

/** What each corpus label must be judged as to count as right. Labels not listed are only reported. */
export const EXPECTED: Record<string, (v: VerdictLabel) => boolean> = {
  phishing: (v) => v === 'malicious' || v === 'suspicious',
  ham: (v) => v === 'clean',
  spam: (v) => v === 'spam' || v === 'malicious' || v === 'suspicious',
};

export interface JudgedItem {
  path: string;
  label: string;
  verdict: Verdict;
  /** analysis failed: the message is counted with the verdict it was given (clean) and listed */
  error?: string;
  /** where the message comes from and its era (corpus.ts sourceGroup / eraOf), for the breakdown */
  source?: string;
  era?: string;
}

/** One row of the per-source, per-era table: how the messages of one label from one source and era were judged. */
export interface BreakdownRow {
  source: string;
  era: string;
  label: string;
  count: number;
  /** judged malicious or suspicious */
  flagged: number;
  spam: number;
  clean: number;
  /**
   * for ham: share not judged clean (the false-positive rate); for phishing: share flagged (recall);
   * for spam: share judged spam, malicious or suspicious; for other labels: share flagged
   */
  rate: number;
  /** for ham: share flagged malicious or suspicious (a false alarm that would open an incident) */
  flaggedRate: number;
}

export interface LabelMetrics {
  label: string;
  count: number;
  /** share of this label judged as expected (for phishing: recall of malicious|suspicious) */
  recall: number;
  /** of all messages judged as this label expects, the share that carry this label */
  precision: number;
  f1: number;
  /** share of messages of OTHER labels (bounces excluded) judged as this label expects */
  fpr: number;
}

export interface Miss {
  path: string;
  label: string;
  verdict: VerdictLabel;
  score: number;
  reasons: string[];
}

export interface EvaluationReport {
  total: number;
  labels: string[];
  /** confusion[label][verdict] = count */
  confusion: Record<string, Record<VerdictLabel, number>>;
  metrics: LabelMetrics[];
  headline: {
    phishingRecall: number;
    /** ham not judged clean / ham */
    hamFalsePositiveRate: number;
    /** ham judged malicious or suspicious / ham */
    hamFlaggedRate: number;
    /** spam judged spam, malicious or suspicious / spam */
    spamCaught: number;
  };
  /** ruleHits[ruleId][label] = messages of that label on which the rule fired */
  ruleHits: Record<string, Record<string, number>>;
  /** phishing judged clean or spam, lowest score first */
  worstMisses: Miss[];
  /** ham judged anything but clean, highest score first */
  falseAlarms: Miss[];
  errors: Array<{ path: string; error: string }>;
  /** per source and era, every label (rows sorted by label, source, era) */
  breakdown: BreakdownRow[];
  /** ham by era across sources: the one-line answer to "did the model learn the year?" */
  hamByEra: BreakdownRow[];
}

const ratio = (a: number, b: number) => (b ? a / b : 0);

function toMiss(item: JudgedItem): Miss {
  return {
    path: item.path,
    label: item.label,
    verdict: item.verdict.verdict,
    score: item.verdict.score,
    reasons: item.verdict.reasons.map((r) => `${r.ruleId}(${r.score})`),
  };
}

export function evaluate(items: readonly JudgedItem[], top = 15): EvaluationReport {
  const labels = [...new Set(items.map((i) => i.label))].sort();
  const confusion: EvaluationReport['confusion'] = {};
  for (const label of labels) confusion[label] = { malicious: 0, suspicious: 0, spam: 0, clean: 0 };
  const ruleHits: EvaluationReport['ruleHits'] = {};
  for (const item of items) {
    const row = confusion[item.label];
    if (row) row[item.verdict.verdict] += 1;
    for (const reason of item.verdict.reasons) {
      const hits = ruleHits[reason.ruleId] ?? {};
      hits[item.label] = (hits[item.label] ?? 0) + 1;
      ruleHits[reason.ruleId] = hits;
    }
  }
  const metrics: LabelMetrics[] = [];
  const scored = items.filter((i) => i.label !== 'bounce');
  for (const label of labels) {
    const expected = EXPECTED[label];
    if (!expected) continue;
    const own = items.filter((i) => i.label === label);
    const others = scored.filter((i) => i.label !== label);
    const tp = own.filter((i) => expected(i.verdict.verdict)).length;
    const fp = others.filter((i) => expected(i.verdict.verdict)).length;
    const recall = ratio(tp, own.length);
    const precision = ratio(tp, tp + fp);
    metrics.push({ label, count: own.length, recall, precision, f1: ratio(2 * precision * recall, precision + recall), fpr: ratio(fp, others.length) });
  }
  const of = (label: string) => items.filter((i) => i.label === label);
  const ham = of('ham');
  const phishing = of('phishing');
  const spam = of('spam');
  const worstMisses = phishing
    .filter((i) => !EXPECTED.phishing?.(i.verdict.verdict))
    .sort((a, b) => a.verdict.score - b.verdict.score || a.path.localeCompare(b.path))
    .slice(0, top)
    .map(toMiss);
  const falseAlarms = ham
    .filter((i) => i.verdict.verdict !== 'clean')
    .sort((a, b) => b.verdict.score - a.verdict.score || (b.verdict.spamScore ?? 0) - (a.verdict.spamScore ?? 0) || a.path.localeCompare(b.path))
    .slice(0, top)
    .map(toMiss);
  return {
    total: items.length,
    labels,
    confusion,
    metrics,
    headline: {
      phishingRecall: ratio(phishing.filter((i) => EXPECTED.phishing?.(i.verdict.verdict)).length, phishing.length),
      hamFalsePositiveRate: ratio(ham.filter((i) => i.verdict.verdict !== 'clean').length, ham.length),
      hamFlaggedRate: ratio(ham.filter((i) => i.verdict.verdict === 'malicious' || i.verdict.verdict === 'suspicious').length, ham.length),
      spamCaught: ratio(spam.filter((i) => EXPECTED.spam?.(i.verdict.verdict)).length, spam.length),
    },
    ruleHits,
    worstMisses,
    falseAlarms,
    errors: items.filter((i) => i.error).map((i) => ({ path: i.path, error: i.error ?? '' })),
    breakdown: breakdownOf(items, (i) => i.source ?? 'unknown'),
    hamByEra: breakdownOf(ham, () => 'all sources'),
  };
}

const ERA_ORDER = ['<=2005', '2006-2015', '2016+', 'undated'];

function breakdownOf(items: readonly JudgedItem[], sourceOf: (i: JudgedItem) => string): BreakdownRow[] {
  const rows = new Map<string, BreakdownRow>();
  for (const item of items) {
    const source = sourceOf(item);
    const era = item.era ?? 'undated';
    const key = `${item.label}\u0000${source}\u0000${era}`;
    let row = rows.get(key);
    if (!row) {
      row = { source, era, label: item.label, count: 0, flagged: 0, spam: 0, clean: 0, rate: 0, flaggedRate: 0 };
      rows.set(key, row);
    }
    row.count++;
    const v = item.verdict.verdict;
    if (v === 'malicious' || v === 'suspicious') row.flagged++;
    else if (v === 'spam') row.spam++;
    else row.clean++;
  }
  for (const row of rows.values()) {
    const asExpected = row.label === 'ham' ? row.count - row.clean : row.label === 'spam' ? row.flagged + row.spam : row.flagged;
    row.rate = ratio(asExpected, row.count);
    row.flaggedRate = ratio(row.flagged, row.count);
  }
  return [...rows.values()].sort(
    (a, b) => a.label.localeCompare(b.label) || a.source.localeCompare(b.source) || ERA_ORDER.indexOf(a.era) - ERA_ORDER.indexOf(b.era),
  );
}

/** What the rate column means for a label. */
function rateName(label: string): string {
  if (label === 'ham') return 'FPR (not clean)';
  if (label === 'spam') return 'caught';
  if (label === 'phishing') return 'recall';
  return 'flagged';
}

/** The per-source, per-era table as Markdown. */
export function formatBreakdown(rows: readonly BreakdownRow[]): string[] {
  const lines = ['| label | source | era | messages | malicious/suspicious | spam | clean | rate |', '|---|---|---|---:|---:|---:|---:|---|'];
  for (const r of rows) {
    lines.push(`| ${r.label} | ${r.source} | ${r.era} | ${r.count} | ${r.flagged} | ${r.spam} | ${r.clean} | ${rateName(r.label)} ${pct(r.rate)} |`);
  }
  return lines;
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

/** A plain-text rendering for the terminal and the README. */
export function formatReport(report: EvaluationReport): string {
  const lines: string[] = [];
  lines.push(`messages: ${report.total}`);
  lines.push('');
  lines.push(
    `phishing recall ${pct(report.headline.phishingRecall)} · ham false-positive rate ${pct(report.headline.hamFalsePositiveRate)} ` +
      `(flagged malicious/suspicious ${pct(report.headline.hamFlaggedRate)}) · spam caught ${pct(report.headline.spamCaught)}`,
  );
  lines.push('');
  lines.push('| label | messages | precision | recall | F1 | FPR |');
  lines.push('|---|---:|---:|---:|---:|---:|');
  for (const m of report.metrics) lines.push(`| ${m.label} | ${m.count} | ${pct(m.precision)} | ${pct(m.recall)} | ${pct(m.f1)} | ${pct(m.fpr)} |`);
  lines.push('');
  lines.push('ham by era (all sources):');
  lines.push(...formatBreakdown(report.hamByEra));
  lines.push('');
  lines.push('per source and era:');
  lines.push(...formatBreakdown(report.breakdown));
  lines.push('');
  lines.push(`| label \\ verdict | ${VERDICT_LABELS.join(' | ')} |`);
  lines.push(`|---|${VERDICT_LABELS.map(() => '---:').join('|')}|`);
  for (const label of report.labels) {
    const row = report.confusion[label];
    if (row) lines.push(`| ${label} | ${VERDICT_LABELS.map((v) => row[v]).join(' | ')} |`);
  }
  lines.push('');
  lines.push(`| rule | ${report.labels.join(' | ')} |`);
  lines.push(`|---|${report.labels.map(() => '---:').join('|')}|`);
  const rules = Object.keys(report.ruleHits).sort();
  for (const rule of rules) lines.push(`| ${rule} | ${report.labels.map((l) => report.ruleHits[rule]?.[l] ?? 0).join(' | ')} |`);
  const list = (title: string, misses: Miss[]) => {
    lines.push('');
    lines.push(title);
    if (!misses.length) lines.push('  (none)');
    for (const m of misses) lines.push(`  ${m.verdict.padEnd(10)} ${String(m.score).padStart(4)}  ${m.path}  ${m.reasons.join(' ')}`);
  };
  list('worst misses (phishing judged spam or clean):', report.worstMisses);
  list('false alarms (ham not judged clean):', report.falseAlarms);
  if (report.errors.length) {
    lines.push('');
    lines.push(`analysis errors: ${report.errors.length}`);
    for (const e of report.errors.slice(0, 10)) lines.push(`  ${e.path}: ${e.error}`);
  }
  return lines.join('\n');
}
