// Training the text model and proving what it learned: deterministic folds by file, out-of-fold probabilities,
// and false-positive rates per era of legitimate mail at the same phishing recall ("did it learn the year?").
import type { Analysis } from '../model/analysis.js';
import type { Era } from './corpus.js';
import {
  DEFAULT_TRAINING,
  foldOf,
  MODEL_CLASSES,
  messageShape,
  messageTokens,
  modelCovers,
  probabilitiesOf,
  type TextModel,
  type TrainingDocument,
  type TrainingOptions,
  trainModel,
} from './text-model.js';

export interface FoldDocument extends TrainingDocument {
  path: string;
  fold: number;
  era: Era;
  source: string;
  /** tokens of the language-neutral shape model */
  shape: string[];
}

export interface LabelledAnalysis {
  path: string;
  label: string;
  analysis?: Analysis;
  era: Era;
  source: string;
}

/** The documents the model learns from: every analysed message labelled ham, spam or phishing. */
export function trainingDocuments(items: readonly LabelledAnalysis[]): FoldDocument[] {
  const out: FoldDocument[] = [];
  for (const item of items) {
    if (!item.analysis || !(MODEL_CLASSES as readonly string[]).includes(item.label)) continue;
    out.push({
      path: item.path,
      label: item.label,
      tokens: messageTokens(item.analysis),
      shape: messageShape(item.analysis),
      language: item.analysis.facts.language,
      fold: foldOf(item.path),
      era: item.era,
      source: item.source,
    });
  }
  return out;
}

/**
 * Legitimate mail of every era counts the same in all: 2002 mail is most of the corpus, so each later (or
 * undated: our own notifications) legitimate message weighs as much as `ratio` 2002 ones, up to `max`. Without
 * this, modern wording has too little legitimate weight to learn from and reads as unwanted.
 */
export function balanceEras(documents: readonly FoldDocument[], max = 6): FoldDocument[] {
  const ham = documents.filter((d) => d.label === 'ham');
  const old = ham.filter((d) => d.era === '<=2005').length;
  const later = ham.length - old;
  const weight = later ? Math.min(max, Math.max(1, old / later)) : 1;
  return documents.map((d) => (d.label === 'ham' && d.era !== '<=2005' ? { ...d, weight } : d));
}

/** The shipped model: the word model, with a shape model for languages the word model does not cover. */
export function trainShipped(documents: readonly FoldDocument[], trainedOn: string, options: TrainingOptions = DEFAULT_TRAINING): TextModel {
  const model = trainModel(documents, { ...options, trainedOn });
  const shapeModel = trainModel(
    documents.map((d) => ({ ...d, tokens: d.shape })),
    { ...options, trainedOn: `${trainedOn}, shape only`, minDocuments: 1, minHamPerLanguage: Number.POSITIVE_INFINITY },
  );
  delete shapeModel.languages;
  model.shapeModel = shapeModel;
  return model;
}

export interface ScoredDocument {
  path: string;
  label: string;
  era: Era;
  source: string;
  fold: number;
  /** P(phishing) and P(spam) from the model that did not see this document's fold; undefined when it abstains */
  phishing?: number;
  spam?: number;
  /** the word model spoke (the language is covered); otherwise the shape model did */
  words: boolean;
}

/** Scores every document with a model trained on the other folds (5 folds, fixed by a hash of the path). */
export function outOfFold(documents: readonly FoldDocument[], options: TrainingOptions = DEFAULT_TRAINING): ScoredDocument[] {
  const scored: ScoredDocument[] = [];
  for (let fold = 0; fold < 5; fold++) {
    const model = trainShipped(
      documents.filter((d) => d.fold !== fold),
      `folds other than ${fold}`,
      options,
    );
    for (const d of documents.filter((x) => x.fold === fold)) {
      const covered = modelCovers(model, d.language ?? '');
      const p = covered ? probabilitiesOf(model, d.tokens) : model.shapeModel ? probabilitiesOf(model.shapeModel, d.shape) : undefined;
      scored.push({ path: d.path, label: d.label, era: d.era, source: d.source, fold, phishing: p?.phishing, spam: p?.spam, words: covered });
    }
  }
  return scored;
}

export interface FprAtRecall {
  /** phishing recall the threshold was chosen for */
  recall: number;
  /** P(phishing) at or above which a message counts as caught */
  threshold: number;
  /** share of legitimate mail at or above the threshold, per group (era, or source) */
  fpr: Array<{ group: string; count: number; flagged: number; rate: number }>;
}

/**
 * For each target recall, the P(phishing) threshold that reaches it on out-of-fold phishing, and the share of
 * legitimate mail of each group that the same threshold would flag. Equal rates across eras mean the model does
 * not win on the year.
 */
export function fprAtRecall(
  scored: readonly ScoredDocument[],
  recalls: readonly number[],
  groupOf: (d: ScoredDocument) => string,
  scoreOf: (d: ScoredDocument) => number = (d) => d.phishing ?? 0,
): FprAtRecall[] {
  const phishing = scored
    .filter((d) => d.label === 'phishing')
    .map(scoreOf)
    .sort((a, b) => b - a);
  const ham = scored.filter((d) => d.label === 'ham');
  const groups = [...new Set(ham.map(groupOf))].sort();
  return recalls.map((recall) => {
    const index = Math.min(phishing.length - 1, Math.max(0, Math.ceil(recall * phishing.length) - 1));
    const threshold = phishing[index] ?? 1;
    return {
      recall,
      threshold,
      fpr: groups.map((group) => {
        const own = ham.filter((d) => groupOf(d) === group);
        const flagged = own.filter((d) => scoreOf(d) >= threshold).length;
        return { group, count: own.length, flagged, rate: own.length ? flagged / own.length : 0 };
      }),
    };
  });
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

export function formatFprAtRecall(title: string, rows: readonly FprAtRecall[], caught = 'phishing recall', score = 'P(phishing)'): string[] {
  const groups = rows[0]?.fpr.map((f) => `${f.group} (${f.count})`) ?? [];
  const lines = [title, `| ${caught} | ${score} from | ${groups.join(' | ')} |`, `|---:|---:|${groups.map(() => '---:').join('|')}|`];
  for (const r of rows) lines.push(`| ${pct(r.recall)} | ${r.threshold.toFixed(4)} | ${r.fpr.map((f) => `${pct(f.rate)} (${f.flagged})`).join(' | ')} |`);
  return lines;
}
