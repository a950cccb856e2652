// Runs the built `kizuki` CLI as a user would, and locates the repository and the shared corpus.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const cliPath = join(repoRoot, 'build/src/bundle/kizuki.js');
export const corpusDir = resolve(repoRoot, '../shared/corpus');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, KIZUKI_LANG: 'en', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * True when ../shared/corpus is there. Without it the test is skipped with a plain message — except under CI,
 * where the corpus is always provided, so its absence fails loudly.
 */
/** The corpus's labelled files (paths relative to corpusDir), or undefined when the corpus is absent (see corpusAvailable). */
export function corpusPaths(t: TestContext): string[] | undefined {
  if (!corpusAvailable(t)) return undefined;
  return readFileSync(join(corpusDir, 'labels.tsv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t')[0]!);
}

export function corpusAvailable(t: TestContext): boolean {
  if (existsSync(join(corpusDir, 'labels.tsv'))) return true;
  if (process.env.CI) throw new Error(`../shared/corpus not found (looked in ${corpusDir})`);
  t.skip('../shared/corpus not found beside the repository');
  return false;
}
