// `kizuki eval`: precision, recall and false alarms of the verdicts on labelled mail.
import { type Command, InvalidArgumentError } from 'commander';
import { parseCount } from '../parse-count.js';

export interface EvalCliOptions {
  labels?: string[];
  json?: boolean;
  cache?: string;
  top?: number;
  workers?: number;
  config?: string;
  orgDomain?: string[];
  trustHost?: string[];
  rules?: string[];
  progress?: boolean;
  holdout?: boolean;
  model?: boolean;
  trainModel?: string;
  folds?: boolean;
  modelCap?: number;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('measure verdicts on labelled mail: a labels.tsv and/or folders (label=folder, or a folder named after its label)')
    .argument('[folders...]', 'labelled folders')
    .option(
      '--labels <file>',
      'labels.tsv with path, label, source and date_utc columns (e.g. ../shared/corpus/labels.tsv); repeat for more sets, e.g. the genuine notifications',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--json', 'print the report as JSON')
    .option('--cache <file>', 'keep analyses in this JSON Lines file and reuse them while the analysis code is unchanged (put it under /tmp)')
    .option('--top <n>', 'how many misses and false alarms to list', parseCount, 15)
    .option('-w, --workers <n>', 'analysis worker threads (default: one per CPU core)', parseCount)
    .option('-c, --config <file>', 'configuration file (default: kizuki.config.yaml when present)')
    .option('--org-domain <domain...>', "the organisation's own domains")
    .option('--trust-host <host...>', 'authserv-id whose Authentication-Results are trusted')
    .option('--rules <dir...>', 'extra rule folders')
    .option('--no-progress', 'no progress lines on standard error')
    .option('--holdout', 'judge only the fifth of the files the text model was not trained on')
    .option('--no-model', 'leave the text model out: rules only')
    .option('--train-model <file>', 'train the text model on the files outside the held-out fifth and write it to this file')
    .option('--folds', 'train the text model five times, each without one fifth of the files, and print the false-positive rate per era and source of legitimate mail at the same phishing recall')
    .option('--model-cap <points>', 'most points the text model may add without an attack path (default: the shipped value; for measuring the trade-off)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of points, 0 or more');
      return n;
    })
    .action(async (folders: string[], options: EvalCliOptions) => {
      const { runEval } = await import('../../detect/eval-run.js');
      process.exitCode = await runEval(folders, options);
    });
}

