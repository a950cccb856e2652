// A small text model over the words and shape of a message, trained on the development corpus and shipped
// as rules/data/text-model.json: logistic regression (legitimate vs unwanted) over a vocabulary chosen by a
// naive-Bayes ranking. It only adds points through the model.* rules; it never removes any. Training keeps
// one fifth of the corpus out (by a hash of the path) so its effect can be measured on mail it never saw.
import { createHash } from 'node:crypto';
import type { Analysis } from '../model/analysis.js';
import { foldDiacritics, htmlToText, isSpaceCode, normaliseText } from './text.js';

export const MODEL_SCHEMA = 'kizuki.text-model/1';
/** corpus labels the model learns from: ham is legitimate, the others are unwanted */
export const MODEL_CLASSES = ['ham', 'spam', 'phishing'] as const;
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
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Features of a message for the model: its distinct words and the words of its subject (prefixed `s:`), nothing
 * else. What the model must not see is what tells an era or a corpus apart rather than an intent: sender and
 * link domains (which mailing list or honeypot the mail came from), top-level-domain kinds (new generic TLDs
 * did not exist in 2002), HTML or not, attachment kinds, numbers of links, and any word with a digit in it
 * (years, dates, versions, prices). Words of the recipient's own addresses are dropped too: a honeypot that
 * rewrote every recipient to "phishing@pot" must not teach the model that "pot" is a lure.
 */
/**
 * What preparing a judgement already computed and the model's words are read from, where body is the plain text
 * (or the HTML's text when there is none).
 */
export interface PreparedText {
  /** foldDiacritics(normaliseText(subject + '\n' + body.slice(0, MODEL_TEXT_CHARS))) */
  folded: string;
  /** foldDiacritics(normaliseText(subject)) */
  subjectFolded: string;
}

/** How much of the body the model reads (prepared texts must be cut the same way). */
export const MODEL_TEXT_CHARS = TEXT_CHARS;

export function messageTokens(analysis: Analysis, prepared?: PreparedText): string[] {
  const recipientWords = new Set<string>();
  for (const a of [...(analysis.to ?? []), ...(analysis.cc ?? [])]) {
    for (const word of `${a.address ?? ''} ${a.name ?? ''}`.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (word.length >= 2) recipientWords.add(word);
  }
  const keep = (word: string) => !recipientWords.has(word);
  // the words in their order, less the recipients' own (the set is this call's: it can take the subject's too)
  const tokens = wordSet(analysis, prepared);
  for (const word of recipientWords) tokens.delete(word);
  for (const word of (prepared?.subjectFolded ?? foldDiacritics(normaliseText(analysis.subject))).match(WORD) ?? []) {
    const w = word.replace(/['’-]+$/, '');
    if (!hasDigit(w) && keep(w)) tokens.add(`s:${w}`);
  }
  return [...tokens];
}

/**
 * The shape of a message for the language-neutral model used where the word model does not speak: kinds of
 * attachments and how many link hosts. Kept apart from messageTokens.
 */
export function messageShape(analysis: Analysis): string[] {
  const tokens = new Set<string>();
  const hosts = new Set(analysis.links.filter((l) => l.scheme.startsWith('http')).map((l) => l.host));
  const links = hosts.size;
  tokens.add(`links:${links === 0 ? '0' : links === 1 ? '1' : links <= 4 ? '2-4' : links <= 10 ? '5-10' : 'many'}`);
  for (const a of analysis.attachments) tokens.add(`att:${a.detectedType}`);
  return [...tokens];
}

/** Distinct words of a message: folded words of 2–25 characters, CJK character pairs. Addresses and URLs are dropped. */
export function messageWords(analysis: Pick<Analysis, 'subject' | 'text' | 'html'>, prepared?: PreparedText): string[] {
  return [...wordSet(analysis, prepared)];
}

function wordSet(analysis: Pick<Analysis, 'subject' | 'text' | 'html'>, prepared?: PreparedText): Set<string> {
  // Each removal runs only when its marker is in the text: on text without one, these patterns still try every
  // position, which cost more than the rest of the tokenising.
  let text = prepared?.folded ?? foldDiacritics(normaliseText(`${analysis.subject}\n${bodyOf(analysis).slice(0, TEXT_CHARS)}`));
  if (text.includes('://')) text = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/g, ' ');
  if (text.includes('@')) text = removeAddressRuns(text);
  if (text.includes('www.')) text = text.replace(/\bwww\.\S+/g, ' ');
  const tokens = new Set<string>();
  // most mail has no Japanese or Chinese at all: then no word needs the per-word script test and there are no pairs
  const hasCjk = CJK_CHAR.test(text);
  for (let word of text.match(WORD) ?? []) {
    const last = word.charCodeAt(word.length - 1);
    if (last === 0x27 || last === 0x2019 || last === 0x2d) word = word.replace(/['’-]+$/, '');
    if (hasDigit(word)) continue;
    if (!hasCjk || !CJK_CHAR.test(word)) tokens.add(word);
    if (tokens.size >= MAX_TOKENS) break;
  }
  if (hasCjk) {
    for (const run of text.matchAll(CJK_RUN)) {
      const chars = [...run[0]];
      for (let i = 0; i + 1 < chars.length && tokens.size < MAX_TOKENS; i++) tokens.add(`${chars[i]}${chars[i + 1]}`);
    }
  }
  return tokens;
}

function bodyOf(analysis: Pick<Analysis, 'text' | 'html'>): string {
  return analysis.text?.trim() ? analysis.text : htmlToText(analysis.html ?? '');
}

/** `/\d/.test(word)`: an ASCII digit anywhere. */
function hasDigit(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code >= 48 && code <= 57) return true;
  }
  return false;
}

/**
 * `text.replace(/\S+@\S+/g, ' ')` without the pattern's backtracking through every word. A match always spans a
 * whole run of non-space characters (it can start at the run's first character whenever it can start anywhere
 * in it, and its greedy tail runs to the run's end), and a run matches when it holds an '@' that is neither its
 * first nor its last character.
 */
export function removeAddressRuns(text: string): string {
  let out = '';
  let copied = 0;
  let at = text.indexOf('@');
  while (at >= 0) {
    let start = at;
    while (start > 0 && !isSpaceCode(text.charCodeAt(start - 1))) start--;
    let end = at + 1;
    while (end < text.length && !isSpaceCode(text.charCodeAt(end))) end++;
    let inner = false;
    for (let q = at; q < end - 1 && !inner; q++) inner = q > start && text.charCodeAt(q) === 0x40;
    if (inner) {
      out += `${text.slice(copied, start)} `;
      copied = end;
    }
    at = text.indexOf('@', end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

// A Map looks a token up several times faster than the model file's plain object with ten thousand keys.
const weightMaps = new WeakMap<TextModel, Map<string, number[]>>();
function weightsOf(model: TextModel): Map<string, number[]> {
  let map = weightMaps.get(model);
  if (!map) {
    map = new Map(Object.entries(model.weights));
    weightMaps.set(model, map);
  }
  return map;
}

/** Class probabilities for a message (softmax of tempered log-likelihoods). */
export function scoreTokens(model: TextModel, tokens: readonly string[]): ModelScores {
  const sums = [...model.priors];
  const weights = weightsOf(model);
  for (const token of tokens) {
    const w = weights.get(token);
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
  /** how much this document counts within its class (default 1) */
  weight?: number;
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
  minHamPerLanguage: 0,
  trainedOn: '',
};

/** Whether the model speaks on a message in this language. */
export function modelCovers(model: TextModel, language: string): boolean {
  return !model.languages || model.languages.includes(language);
}

/** What the model says about one message: a probability per class, 0..1. */
export interface ModelProbabilities {
  /** legitimate mail */
  ham: number;
  /** bulk and marketing mail: unwanted, not an attack */
  spam: number;
  /** phishing, scams and other attacks (the honeypot's mail) */
  phishing: number;
}

/** Class probabilities from a model, whatever its classes: a two-class model's "unwanted" counts as phishing. */
export function probabilitiesOf(model: TextModel, tokens: readonly string[]): ModelProbabilities {
  const scores = scoreTokens(model, tokens);
  const ham = scores.ham ?? 0;
  const spam = scores.spam ?? 0;
  return { ham, spam, phishing: scores.phishing ?? Math.max(0, 1 - ham - spam) };
}

/**
 * The model's probabilities for a message, from the word model when it covers the language and otherwise from
 * the shape model; undefined when neither speaks.
 */
export function modelProbabilities(model: TextModel, analysis: Analysis, prepared?: PreparedText): ModelProbabilities | undefined {
  if (modelCovers(model, analysis.facts.language)) return probabilitiesOf(model, messageTokens(analysis, prepared));
  if (model.shapeModel) return probabilitiesOf(model.shapeModel, messageShape(analysis));
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
 * Multinomial logistic regression (legitimate, spam, phishing; legitimate is the reference class with weight 0)
 * by stochastic gradient descent in a fixed, seeded order, so the same corpus always gives the same file. Each
 * class carries the same total weight, whatever the corpus mix; within a class a document's own `weight` (for
 * instance to balance eras) shares it out.
 */
export function trainModel(documents: readonly TrainingDocument[], options: TrainingOptions = DEFAULT_TRAINING): TextModel {
  const classes = [...MODEL_CLASSES] as string[];
  const usable = documents.filter((d) => classes.includes(d.label));
  const vocabulary = rankVocabulary(usable, options);
  const index = new Map(vocabulary.map((token, i) => [token, i]));
  const rows = usable.map((d) => d.tokens.map((t) => index.get(t)).filter((i): i is number => i !== undefined));
  const targets = usable.map((d) => classes.indexOf(d.label));
  const classTotals = classes.map((_, c) => usable.reduce((sum, d, i) => sum + (targets[i] === c ? (d.weight ?? 1) : 0), 0));
  const present = classTotals.filter((t) => t > 0);
  const mean = present.reduce((a, b) => a + b, 0) / Math.max(1, present.length);
  const sampleWeight = usable.map((d, i) => ((d.weight ?? 1) * mean) / Math.max(1e-9, classTotals[targets[i] as number] ?? 1));
  const k = classes.length;
  // weights[j * k + c]; class 0 (ham) stays at zero as the reference
  const weights = new Float64Array(vocabulary.length * k);
  const bias = new Float64Array(k);
  let seed = 2017;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const order = rows.map((_, i) => i);
  const z = new Float64Array(k);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const i of order) {
      const row = rows[i] as number[];
      for (let c = 0; c < k; c++) {
        let sum = bias[c] ?? 0;
        for (const j of row) sum += weights[j * k + c] ?? 0;
        z[c] = sum;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, z[c] ?? 0);
      let total = 0;
      for (let c = 0; c < k; c++) {
        z[c] = Math.exp((z[c] ?? 0) - max);
        total += z[c] ?? 0;
      }
      const y = targets[i] as number;
      const w = sampleWeight[i] ?? 1;
      for (let c = 1; c < k; c++) {
        const gradient = (((z[c] ?? 0) / total) - (c === y ? 1 : 0)) * w;
        bias[c] = (bias[c] ?? 0) - options.learningRate * gradient;
        for (const j of row) weights[j * k + c] = (weights[j * k + c] ?? 0) - options.learningRate * (gradient + options.l2 * (weights[j * k + c] ?? 0));
      }
    }
  }
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  const out: Record<string, number[]> = {};
  vocabulary.forEach((token, j) => {
    const row = classes.map((_, c) => round(weights[j * k + c] ?? 0));
    if (row.some((w) => w !== 0)) out[token] = row;
  });
  const hamByLanguage = new Map<string, number>();
  for (const d of usable) if (d.label === 'ham' && d.language) hamByLanguage.set(d.language, (hamByLanguage.get(d.language) ?? 0) + 1);
  const languages = [...hamByLanguage].filter(([, n]) => n >= options.minHamPerLanguage).map(([language]) => language).sort();
  return {
    schema: MODEL_SCHEMA,
    trainedOn: options.trainedOn,
    languages,
    classes,
    priors: classes.map((_, c) => round(bias[c] ?? 0)),
    weights: out,
    temperature: 1,
  };
}

export function isTextModel(value: unknown): value is TextModel {
  const v = value as TextModel;
  return !!v && v.schema === MODEL_SCHEMA && Array.isArray(v.classes) && typeof v.weights === 'object' && typeof v.temperature === 'number';
}
