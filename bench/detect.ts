// Rule-evaluation cost per message, next to the analysis cost of the same messages.
//   npm run bench -- --only detect      (or: node build/bench/run.js --only detect --quick)
import { readFileSync } from 'node:fs';
import { evaluateRules, loadRules } from '../src/detect/detector.js';
import { buildView } from '../src/detect/view.js';
import { analyse } from '../src/mail/analyse.js';
import { defaultAnalyseOptions } from '../src/mail/options.js';
import type { Analysis } from '../src/model/analysis.js';
import { corpusFiles } from './corpus.js';

export interface DetectBenchResult {
  messages: number;
  rules: number;
  /** whole judge(): view + every rule, per message, µs */
  judgeMicros: { mean: number; median: number; p99: number };
  /** building the flattened view (lure wording, brands, look-alikes, text model), µs */
  viewMicros: { mean: number; median: number };
  /** evaluating every compiled CEL rule on a built view, µs */
  rulesMicros: { mean: number; median: number };
  /** analyse() of the same messages, in process, µs */
  analyseMicros: { mean: number; median: number };
  /** judge mean / analyse mean */
  shareOfAnalysis: number;
}

function stats(values: number[]): { mean: number; median: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (n: number) => Math.round(n * 10) / 10;
  return { mean: round(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)), median: round(at(0.5)), p99: round(at(0.99)) };
}

/** Every `step`-th corpus message up to `limit`, analysed once, then judged twice (the second pass is measured). */
export async function benchDetect(limit = 3000): Promise<DetectBenchResult> {
  const all = corpusFiles();
  const step = Math.max(1, Math.floor(all.length / limit));
  const files = all.filter((_, i) => i % step === 0).slice(0, limit);
  const options = defaultAnalyseOptions();
  const analyses: Analysis[] = [];
  const analyseTimes: number[] = [];
  for (const file of files) {
    const raw = new Uint8Array(readFileSync(file));
    const t = performance.now();
    analyses.push(await analyse(raw, options));
    analyseTimes.push((performance.now() - t) * 1000);
  }
  const loaded = await loadRules({ ruleDirs: [], orgDomains: [] });
  const judgeTimes: number[] = [];
  const viewTimes: number[] = [];
  const ruleTimes: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (const analysis of analyses) {
      const t0 = performance.now();
      const view = buildView(analysis, undefined, loaded.context);
      const t1 = performance.now();
      evaluateRules(loaded.rules, view);
      const t2 = performance.now();
      if (pass === 1) {
        viewTimes.push((t1 - t0) * 1000);
        ruleTimes.push((t2 - t1) * 1000);
        judgeTimes.push((t2 - t0) * 1000);
      }
    }
  }
  const judge = stats(judgeTimes);
  const analyseStats = stats(analyseTimes);
  const view = stats(viewTimes);
  const rules = stats(ruleTimes);
  return {
    messages: analyses.length,
    rules: loaded.rules.length,
    judgeMicros: judge,
    viewMicros: { mean: view.mean, median: view.median },
    rulesMicros: { mean: rules.mean, median: rules.median },
    analyseMicros: { mean: analyseStats.mean, median: analyseStats.median },
    shareOfAnalysis: Math.round((judge.mean / Math.max(1, analyseStats.mean)) * 1000) / 1000,
  };
}
