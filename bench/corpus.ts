// Locating and loading ../shared/corpus for benchmarks.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const corpusDir = resolve(repoRoot, '../shared/corpus');

export function requireCorpus(): string {
  if (!existsSync(join(corpusDir, 'labels.tsv'))) {
    throw new Error(`../shared/corpus not found beside the repository (looked in ${corpusDir}); benchmarks need it`);
  }
  return corpusDir;
}

/** Every message file listed in labels.tsv, in listed order. */
export function corpusFiles(): string[] {
  const dir = requireCorpus();
  return readFileSync(join(dir, 'labels.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => join(dir, line.split('\t')[0]!));
}

export function loadAll(files: string[]): Uint8Array[] {
  return files.map((f) => readFileSync(f));
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out.sort();
}

/** Every 7th phishing or ham file of the corpus, sorted by path: the fixed comparison set. */
export function comparisonSet(size = 1000): string[] {
  const dir = requireCorpus();
  const rows = readFileSync(join(dir, 'labels.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter((cols) => cols[1] === 'phishing' || cols[1] === 'ham')
    .map((cols) => cols[0]!)
    .sort();
  return rows.filter((_, i) => i % 7 === 0).slice(0, size).map((p) => join(dir, p));
}
