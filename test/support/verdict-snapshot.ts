// The verdicts `kizuki scan` gives the fixed comparison set of the corpus (every 7th phishing or ham file), one line
// per message: path, verdict, score, rule ids. Speed work must not change a single one; test/scan/verdicts.test.ts
// compares against test/scan/corpus-verdicts.tsv. After an intended change to detection, write it anew:
//   npm run build && node build/test/support/verdict-snapshot.js
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { comparisonSet } from '../../bench/corpus.js';
import type { ScanRecord } from '../../src/scan/record.js';
import { corpusDir, repoRoot, runCli } from './cli.js';

export const SNAPSHOT_FILE = join(repoRoot, 'test/scan/corpus-verdicts.tsv');

export async function currentVerdicts(): Promise<string[]> {
  const files = comparisonSet();
  const result = await runCli(['scan', '--json', '--no-store', '--no-progress', ...files]);
  if (result.code !== 0 && result.code !== 1) throw new Error(`kizuki scan exited ${result.code}: ${result.stderr}`);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ScanRecord)
    .map((r) => [relative(corpusDir, r.source.path), r.verdict, r.score, r.reasons.map((reason) => reason.rule_id).join(',')].join('\t'));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const lines = await currentVerdicts();
  writeFileSync(SNAPSHOT_FILE, `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.length} verdicts written to ${relative(repoRoot, SNAPSHOT_FILE)}\n`);
}
