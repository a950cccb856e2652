// A small text model over the words and shape of a message, trained on the development corpus and shipped
// as rules/data/text-model.json: logistic regression (legitimate vs unwanted) over a vocabulary chosen by a
// naive-Bayes ranking. It only adds points through the model.* rules; it never removes any. Training keeps
// one fifth of the corpus out (by a hash of the path) so its effect can be measured on mail it never saw.
import { createHash } from 'node:crypto';
import type { Analysis } from '../model/analysis.js';
import { foldDiacritics, htmlToText, normaliseText } from './text.js';

export const MODEL_SCHEMA = 'kizuki.text-model/1';
/** corpus labels the model learns from: ham is legitimate, the others are unwanted */
export const MODEL_CLASSES = ['ham', 'phishing', 'spam'] as const;
export type ModelClass = (typeof MODEL_CLASSES)[number];

export interface TextModel {
  schema: typeof MODEL_SCHEMA;
  /** what it was trained on, for the record */
  trainedOn: string;
  /** output classes, e.g. ['ham', 'unwanted'] */
  classes: string[];
  /** bias per class */
  priors: number[];
  /** token → weight per class; a message's class score is its bias plus the weights of its distinct tokens */
  weights: Record<string, number[]>;
  /** divide the summed scores by this before turning them into probabilities */
  temperature: number;
  /**
   * body languages with enough legitimate training mail; on other languages the model abstains, so that it
   * never learns "German means phishing" from a corpus whose legitimate mail is English
   */
  languages?: string[];
  /**
   * for languages outside `languages`: a model over the shape of the mail only (link and sender domains,
   * attachment kinds, how many links), never over its words
   */
  shapeModel?: TextModel;
}

export type ModelScores = Record<string, number>;

const MAX_TOKENS = 400;
const TEXT_CHARS = 4000;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]{1,24}/gu;

/**
 * Features of a message for the model: the distinct words (messageWords) plus a few prefixed tokens
 * that describe the shape of the mail: subject words, top-level domains and host words of links and sender,
 * kinds of attachments, how many links.
 */
export function messageTokens(analysis: Analysis): string[] {
  const tokens = new Set(messageWords(analysis));
  for (const word of foldDiacritics(normaliseText(analysis.subject)).match(WORD) ?? []) tokens.add(`s:${word}`);
  const tld = (host: string) => tldKind(host.slice(host.lastIndexOf('.') + 1));
  const fromDomain = analysis.from.domain || '';
  if (fromDomain) tokens.add(`ftld:${tld(fromDomain)}`);
  for (const word of fromDomain.split(/[.-]/)) if (word.length >= 3) tokens.add(`fw:${word}`);
  const hosts = new Set(analysis.links.filter((l) => l.scheme.startsWith('http')).map((l) => l.host));
  for (const host of [...hosts].slice(0, 30)) {
    tokens.add(`ltld:${tld(host)}`);
    for (const word of host.split(/[.-]/)) if (word.length >= 3 && !/^\d+$/.test(word)) tokens.add(`lw:${word}`);
  }
  const links = hosts.size;
  tokens.add(`links:${links === 0 ? '0' : links === 1 ? '1' : links <= 4 ? '2-4' : links <= 10 ? '5-10' : 'many'}`);
  for (const a of analysis.attachments) tokens.add(`att:${a.detectedType}`);
  if (analysis.html) tokens.add('has:html');
  return [...tokens];
}

const GENERIC_TLDS = new Set(['com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'info', 'biz']);

/**
 * A top-level domain as a kind, not a place: 'generic', 'country' (any two-letter code) or the name of a newer
 * generic TLD ('xyz', 'online'). Country codes are folded together so the model cannot learn that a country
 * is suspicious from a corpus whose legitimate mail happens to come from elsewhere.
 */
export function tldKind(tld: string): string {
  if (GENERIC_TLDS.has(tld)) return tld;
  if (/^[a-z]{2}$/.test(tld)) return 'country';
  if (/^xn--/.test(tld) || /^\d+$/.test(tld)) return 'other';
  return tld;
}

/** Distinct words of a message: folded words of 2–25 characters, CJK character pairs. Addresses and URLs are dropped. */
export function messageWords(analysis: Pick<Analysis, 'subject' | 'text' | 'html'>): string[] {
  const body = analysis.text?.trim() ? analysis.text : htmlToText(analysis.html ?? '');
  const raw = `${analysis.subject}\n${body.slice(0, TEXT_CHARS)}`;
  const text = foldDiacritics(normaliseText(raw))
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/g, ' ')
    .replace(/\S+@\S+/g, ' ')
    .replace(/\bwww\.\S+/g, ' ');
  const tokens = new Set<string>();
  for (const match of text.matchAll(WORD)) {
    const word = match[0].replace(/['’-]+$/, '');
    if (/^\d+$/.test(word)) continue;
    if (!/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(word)) tokens.add(word);
    if (tokens.size >= MAX_TOKENS) break;
  }
  for (const run of text.matchAll(CJK_RUN)) {
    const chars = [...run[0]];
    for (let i = 0; i + 1 < chars.length && tokens.size < MAX_TOKENS; i++) tokens.add(`${chars[i]}${chars[i + 1]}`);
  }
  return [...tokens];
}

/** Class probabilities for a message (softmax of tempered log-likelihoods). */
export function scoreTokens(model: TextModel, tokens: readonly string[]): ModelScores {
  const sums = [...model.priors];
  for (const token of tokens) {
    const w = model.weights[token];
    if (!w) continue;
    for (let c = 0; c < sums.length; c++) sums[c] = (sums[c] ?? 0) + (w[c] ?? 0);
  }
  const scaled = sums.map((s) => s / model.temperature);
  const max = Math.max(...scaled);
  const exps = scaled.map((s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  const out = {} as ModelScores;
  model.classes.forEach((c, i) => {
    out[c] = (exps[i] ?? 0) / total;
  });
  return out;
}

/** Which fifth of the corpus a path belongs to: fold 0 is held out of training. */
export function foldOf(path: string): number {
  return (createHash('sha1').update(path).digest()[0] ?? 0) % 5;
}

export interface TrainingDocument {
  label: string;
  tokens: string[];
  /** body language (Analysis.facts.language) */
  language?: string;
}

export interface TrainingOptions {
  /** tokens must appear in at least this many training documents */
  minDocuments: number;
  /** keep this many tokens, most informative first (naive-Bayes spread between classes) */
  vocabulary: number;
  /** L2 penalty and learning rate of the logistic regression, passes over the data */
  l2: number;
  learningRate: number;
  epochs: number;
  /** a language needs this many legitimate training messages for the model to speak on it */
  minHamPerLanguage: number;
  trainedOn: string;
}

export const DEFAULT_TRAINING: TrainingOptions = {
  minDocuments: 5,
  vocabulary: 10_000,
  l2: 0.003,
  learningRate: 0.1,
  epochs: 15,
  minHamPerLanguage: 200,
  trainedOn: '',
};

/** Whether the model speaks on a message in this language. */
export function modelCovers(model: TextModel, language: string): boolean {
  return !model.languages || model.languages.includes(language);
}

const SHAPE_PREFIXES = ['ftld:', 'fw:', 'ltld:', 'lw:', 'links:', 'att:', 'has:'];

/** The tokens that describe the shape of a message rather than its words. */
export function shapeTokens(tokens: readonly string[]): string[] {
  return tokens.filter((t) => SHAPE_PREFIXES.some((p) => t.startsWith(p)));
}

/** Probability that a message is unwanted, with the model that covers its language; undefined when none does. */
export function unwantedProbability(model: TextModel, tokens: readonly string[], language: string): number | undefined {
  if (modelCovers(model, language)) return 1 - (scoreTokens(model, tokens).ham ?? 1);
  if (model.shapeModel) return 1 - (scoreTokens(model.shapeModel, shapeTokens(tokens)).ham ?? 1);
  return undefined;
}

/** Tokens ranked by how differently they occur across the classes (smoothed log ratios, weighted by frequency). */
export function rankVocabulary(documents: readonly TrainingDocument[], options: Pick<TrainingOptions, 'minDocuments' | 'vocabulary'>): string[] {
  const classes = [...MODEL_CLASSES];
  const docsPerClass = classes.map((c) => documents.filter((d) => d.label === c).length);
  const counts = new Map<string, number[]>();
  for (const doc of documents) {
    const c = classes.indexOf(doc.label as ModelClass);
    if (c < 0) continue;
    for (const token of doc.tokens) {
      let row = counts.get(token);
      if (!row) {
        row = classes.map(() => 0);
        counts.set(token, row);
      }
      row[c] = (row[c] ?? 0) + 1;
    }
  }
  const total = docsPerClass.reduce((a, b) => a + b, 0);
  const ranked: Array<[string, number]> = [];
  for (const [token, row] of counts) {
    const df = row.reduce((a, b) => a + b, 0);
    if (df < options.minDocuments) continue;
    const overall = (df + 1) / (total + 2);
    const ratios = row.map((n, c) => Math.log((n + 1) / ((docsPerClass[c] ?? 0) + 2) / overall));
    ranked.push([token, (Math.max(...ratios) - Math.min(...ratios)) * Math.log(1 + df)]);
  }
  ranked.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return ranked.slice(0, options.vocabulary).map(([token]) => token);
}

/**
 * Logistic regression, legitimate (ham) against unwanted (phishing and spam), by stochastic gradient descent in a
 * fixed, seeded order so the same corpus always gives the same file. Unwanted mail is weighted down to the
 * number of legitimate messages, so the corpus mix does not set the balance.
 */
export function trainModel(documents: readonly TrainingDocument[], options: TrainingOptions = DEFAULT_TRAINING): TextModel {
  const usable = documents.filter((d) => (MODEL_CLASSES as readonly string[]).includes(d.label));
  const vocabulary = rankVocabulary(usable, options);
  const index = new Map(vocabulary.map((token, i) => [token, i]));
  const rows = usable.map((d) => d.tokens.map((t) => index.get(t)).filter((i): i is number => i !== undefined));
  const targets = usable.map((d) => (d.label === 'ham' ? 0 : 1));
  const hamCount = targets.filter((y) => y === 0).length;
  const unwantedWeight = hamCount / Math.max(1, targets.length - hamCount);
  const weights = new Float64Array(vocabulary.length);
  let bias = 0;
  let seed = 2017;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const i of order) {
      const row = rows[i] as number[];
      let z = bias;
      for (const j of row) z += weights[j] ?? 0;
      const p = 1 / (1 + Math.exp(-z));
      const y = targets[i] as number;
      const gradient = (p - y) * (y === 1 ? unwantedWeight : 1);
      bias -= options.learningRate * gradient;
      for (const j of row) weights[j] = (weights[j] ?? 0) - options.learningRate * (gradient + options.l2 * (weights[j] ?? 0));
    }
  }
  const out: Record<string, number[]> = {};
  vocabulary.forEach((token, i) => {
    const w = Math.round((weights[i] ?? 0) * 10_000) / 10_000;
    if (w !== 0) out[token] = [0, w];
  });
  const hamByLanguage = new Map<string, number>();
  for (const d of usable) if (d.label === 'ham' && d.language) hamByLanguage.set(d.language, (hamByLanguage.get(d.language) ?? 0) + 1);
  const languages = [...hamByLanguage].filter(([, n]) => n >= options.minHamPerLanguage).map(([language]) => language).sort();
  return {
    schema: MODEL_SCHEMA,
    trainedOn: options.trainedOn,
    languages,
    classes: ['ham', 'unwanted'],
    priors: [0, Math.round(bias * 10_000) / 10_000],
    weights: out,
    temperature: 1,
  };
}

export function isTextModel(value: unknown): value is TextModel {
  const v = value as TextModel;
  return !!v && v.schema === MODEL_SCHEMA && Array.isArray(v.classes) && typeof v.weights === 'object' && typeof v.temperature === 'number';
}
