// The work behind `kizuki eval`: analyse labelled mail (cached), judge it in date order, and report.
import { createReadStream, existsSync } from 'node:fs';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { loadConfig } from '../config.js';
import { analysisVersion } from './analysis-version.js';
import { eraOf, type LabelledFile, readLabelledFolders, readLabels, sourceGroup } from './corpus.js';
import { loadDetector } from './detector.js';
import { evaluate, formatReport } from './evaluation.js';
import { type AnalysedItem, judgeInOrder } from './replay.js';
import { balanceEras, formatFprAtRecall, fprAtRecall, outOfFold, trainingDocuments, trainShipped } from './model-folds.js';
import { foldOf } from './text-model.js';
import { DEFAULT_LIMITS } from '../mail/options.js';
import type { Analysis } from '../model/analysis.js';
import { createAnalysisPool } from '../scan/pool.js';

import type { EvalCliOptions } from '../cli/commands/eval.js';

export async function runEval(folders: string[], options: EvalCliOptions): Promise<number> {
  const labelFiles = options.labels ?? [];
  if (!labelFiles.length && !folders.length) {
    console.error('kizuki eval: give --labels FILE (e.g. ../shared/corpus/labels.tsv) or labelled folders');
    return 2;
  }
  const config = loadConfig({ path: options.config });
  const orgDomains = options.orgDomain ?? config.org.domains;
  const trustedHosts = options.trustHost ?? config.auth.trustedHosts;
  const files: LabelledFile[] = [];
  try {
    for (const labels of labelFiles) files.push(...(await readLabels(labels)));
    files.push(...(await readLabelledFolders(folders)));
  } catch (error) {
    console.error(`kizuki eval: ${(error as Error).message}`);
    return 2;
  }
  if (options.holdout) files.splice(0, files.length, ...files.filter((f) => foldOf(f.path) === 0));
  const detector = await loadDetector({
    ruleDirs: [...config.detection.ruleDirs, ...(options.rules ?? [])],
    orgDomains,
    knownContactDomains: config.detection.knownContactDomains,
    allow: config.detection.allow,
    block: config.detection.block,
    useTextModel: options.model !== false,
    modelPointsWithoutPath: options.modelCap,
  });
  const items = await analyseAll(files, { ...options, orgDomains, trustedHosts, workers: options.workers ?? config.scan.workers });
  const origin = new Map(files.map((f) => [f.path, { source: sourceGroup(f.source, f.tags), era: eraOf(f.date) }]));
  const labelled = items.map((i) => ({ ...i, era: origin.get(i.path)?.era ?? 'undated', source: origin.get(i.path)?.source ?? 'unknown' }) as const);
  if (options.trainModel || options.folds) {
    const documents = balanceEras(trainingDocuments(labelled));
    if (options.folds) {
      const scored = outOfFold(documents);
      const recalls = [0.8, 0.9, 0.95];
      const words = scored.filter((d) => d.words);
      const unwanted = (d: (typeof scored)[number]) => (d.phishing ?? 0) + (d.spam ?? 0);
      const lines = [
        `out of fold: ${scored.length} messages, ${words.length} in a language the word model covers`,
        '',
        ...formatFprAtRecall('legitimate mail flagged by P(phishing) alone, word model, by era:', fprAtRecall(words, recalls, (d) => d.era)),
        '',
        ...formatFprAtRecall('legitimate mail flagged by P(phishing) + P(spam), word model, by era:', fprAtRecall(words, recalls, (d) => d.era, unwanted), 'phishing recall', 'P(unwanted)'),
        '',
        ...formatFprAtRecall('P(phishing), word model, by source:', fprAtRecall(words, recalls, (d) => d.source)),
        '',
        ...formatFprAtRecall('P(phishing), every message (shape model where the word model does not speak), by era:', fprAtRecall(scored, recalls, (d) => d.era)),
        '',
        ...formatFprAtRecall(
          'legitimate mail that P(spam) would call spam at the same recall of the spam corpus, by era:',
          fprAtRecall(
            scored.map((d) => ({ ...d, label: d.label === 'spam' ? 'phishing' : d.label === 'phishing' ? 'other' : d.label })),
            [0.5, 0.7, 0.9],
            (d) => d.era,
            (d) => d.spam ?? 0,
          ),
          'spam recall',
          'P(spam)',
        ),
      ];
      console.log(lines.join('\n'));
      if (!options.trainModel) return 0;
    }
    const training = documents.filter((d) => d.fold !== 0);
    const trainedOn = `${training.length} messages (${[...labelFiles, ...folders].join(' ')}), folds 1-4 of 5`;
    const model = trainShipped(training, trainedOn);
    await writeFile(options.trainModel as string, `${JSON.stringify(model)}\n`);
    console.log(`text model written to ${options.trainModel}: ${Object.keys(model.weights).length} tokens from ${training.length} messages`);
    return 0;
  }
  const judged = judgeInOrder(detector, items).map((j) => ({ ...j, ...origin.get(j.path) }));
  const report = evaluate(judged, options.top ?? 15);
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return 0;
}

interface CachedLine {
  key: string;
  analysis?: Analysis;
  error?: string;
}

async function readCache(file: string | undefined): Promise<Map<string, CachedLine>> {
  const cache = new Map<string, CachedLine>();
  if (!file || !existsSync(file)) return cache;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as CachedLine;
      if (entry.key) cache.set(entry.key, entry);
    } catch {
      // a line cut short by an interrupted run: analyse that message again
    }
  }
  return cache;
}

async function analyseAll(
  files: LabelledFile[],
  options: EvalCliOptions & { orgDomains: string[]; trustedHosts: string[]; workers: number },
): Promise<AnalysedItem[]> {
  const cache = await readCache(options.cache);
  const pool = createAnalysisPool({
    workers: options.workers,
    timeoutMs: 60_000,
    workerMemoryMb: 1024,
    settings: { limits: DEFAULT_LIMITS, auth: { mode: 'headers', trustedHosts: options.trustedHosts, dns: 'system' }, orgDomains: options.orgDomains },
  });
  const items: AnalysedItem[] = new Array(files.length);
  const pendingWrites: string[] = [];
  let done = 0;
  let next = 0;
  const flush = async () => {
    if (options.cache && pendingWrites.length) await appendFile(options.cache, pendingWrites.splice(0).join(''));
  };
  // the analysis code's own version is part of the key: a change to src/mail makes every old line a miss
  const settingsKey = `${analysisVersion()}|${options.orgDomains.join(',')}|${options.trustedHosts.join(',')}`;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const entry = files[index] as LabelledFile;
      let key = '';
      try {
        const info = await stat(entry.file);
        key = `${entry.path}|${info.size}|${Math.floor(info.mtimeMs)}|${settingsKey}`;
        const cached = cache.get(key);
        if (cached) {
          items[index] = { path: entry.path, label: entry.label, date: entry.date, analysis: cached.analysis, error: cached.error };
        } else {
          const outcome = await pool.analyse(new Uint8Array(await readFile(entry.file)));
          const line: CachedLine = 'analysis' in outcome ? { key, analysis: outcome.analysis } : { key, error: outcome.error };
          items[index] = { path: entry.path, label: entry.label, date: entry.date, analysis: line.analysis, error: line.error };
          pendingWrites.push(`${JSON.stringify(line)}\n`);
          if (pendingWrites.length >= 200) await flush();
        }
      } catch (error) {
        items[index] = { path: entry.path, label: entry.label, date: entry.date, error: (error as Error).message };
      }
      done++;
      if (options.progress !== false && done % 500 === 0) process.stderr.write(`analysed ${done}/${files.length}\n`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(2, pool.threads * 2) }, worker));
    await flush();
  } finally {
    await pool.close();
  }
  return items;
}
