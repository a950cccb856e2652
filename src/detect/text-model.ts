// A small naive Bayes model over the words of a message (subject + body), trained on the development corpus
// and shipped as rules/data/text-model.json. It only adds points through the model.* rules; it never
// removes any. Training keeps one fifth of the corpus out (by a hash of the path) so its effect can be
// measured on mail it never saw.
import { createHash } from 'node:crypto';
import type { Analysis } from '../model/analysis.js';
import { foldDiacritics, htmlToText, normaliseText } from './text.js';

export const MODEL_SCHEMA = 'kizuki.text-model/1';
export const MODEL_CLASSES = ['ham', 'phishing', 'spam'] as const;
export type ModelClass = (typeof MODEL_CLASSES)[number];

export interface TextModel {
  schema: typeof MODEL_SCHEMA;
  /** what it was trained on, for the record */
  trainedOn: string;
  classes: ModelClass[];
  /** log prior per class */
  priors: number[];
  /** token → log P(token present | class) − log P(token present | all), clipped, one number per class */
  weights: Record<string, number[]>;
  /** divide the summed log-likelihoods by this before turning them into probabilities (tempers over-confidence) */
  temperature: number;
}

export type ModelScores = Record<ModelClass, number>;

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
  const tld = (host: string) => host.slice(host.lastIndexOf('.') + 1);
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
}

export interface TrainingOptions {
  /** tokens must appear in at least this many training documents */
  minDocuments: number;
  /** keep this many most informative tokens */
  vocabulary: number;
  /** clip each per-class weight to ±clip */
  clip: number;
  temperature: number;
  trainedOn: string;
}

export const DEFAULT_TRAINING: TrainingOptions = { minDocuments: 5, vocabulary: 2000, clip: 4, temperature: 4, trainedOn: '' };

/** Bernoulli-style naive Bayes over distinct tokens, with Laplace smoothing and a bounded vocabulary. */
export function trainModel(documents: readonly TrainingDocument[], options: TrainingOptions = DEFAULT_TRAINING): TextModel {
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
  const candidates: Array<[string, number[], number]> = [];
  for (const [token, row] of counts) {
    const df = row.reduce((a, b) => a + b, 0);
    if (df < options.minDocuments) continue;
    // per class: log P(t|c) − log P(t), Laplace-smoothed
    const overall = (df + 1) / (total + 2);
    const weights = row.map((n, c) => {
      const p = (n + 1) / ((docsPerClass[c] ?? 0) + 2);
      return Math.max(-options.clip, Math.min(options.clip, Math.log(p / overall)));
    });
    const spread = Math.max(...weights) - Math.min(...weights);
    candidates.push([token, weights.map((w) => Math.round(w * 1000) / 1000), spread * Math.log(1 + df)]);
  }
  candidates.sort((a, b) => b[2] - a[2] || a[0].localeCompare(b[0]));
  const weights: Record<string, number[]> = {};
  for (const [token, w] of candidates.slice(0, options.vocabulary)) weights[token] = w;
  return {
    schema: MODEL_SCHEMA,
    trainedOn: options.trainedOn,
    classes,
    // equal priors: the corpus mix is not the mix of a real mailbox
    priors: classes.map(() => 0),
    weights,
    temperature: options.temperature,
  };
}

export function isTextModel(value: unknown): value is TextModel {
  const v = value as TextModel;
  return !!v && v.schema === MODEL_SCHEMA && Array.isArray(v.classes) && typeof v.weights === 'object' && typeof v.temperature === 'number';
}
