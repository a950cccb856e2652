// The whole real corpus through `kizuki scan`: every file must come back as a result (a verdict, or a
// result that names its analysis problems); nothing may crash the batch. The timeout is a hang guard only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const corpusDir = resolve(repoRoot, '../shared/corpus');
const cliPath = join(repoRoot, 'build/src/cli/main.js');
const HANG_GUARD_MS = 45 * 60_000;

interface ScanLine {
  schema: string;
  source: { path: string; index?: number };
  verdict: string;
  sha256: string;
  error?: string;
  analysis_errors: unknown[];
}

function runScan(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

test('kizuki scan yields a result for every file of ../shared/corpus', { timeout: HANG_GUARD_MS }, async (t) => {
  const labels = join(corpusDir, 'labels.tsv');
  if (!existsSync(labels)) {
    if (process.env.CI) throw new Error('../shared/corpus not found');
    t.skip('../shared/corpus not found beside the repository');
    return;
  }
  const expected = readFileSync(labels, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t')[0] ?? '')
    .filter((path) => path.length > 0);
  assert.ok(expected.length > 1000, `labels.tsv lists ${expected.length} files`);

  const { code, stdout, stderr } = await runScan(['scan', corpusDir, '--json', '--no-store']);
  assert.ok(code === 0 || code === 1, `exit code ${code}; stderr: ${stderr.slice(-2000)}`);

  const seen = new Set<string>();
  const hitLimits: string[] = [];
  const lines = stdout.split('\n').filter((line) => line.trim().length > 0);
  for (const line of lines) {
    const result = JSON.parse(line) as ScanLine;
    assert.match(result.schema, /^kizuki\.scan\//);
    assert.match(result.sha256, /^[0-9a-f]{64}$/, line.slice(0, 300));
    assert.ok(['malicious', 'suspicious', 'spam', 'clean'].includes(result.verdict), line.slice(0, 300));
    assert.ok(Array.isArray(result.analysis_errors));
    seen.add(relative(corpusDir, resolve(repoRoot, result.source.path)));
    if (result.error) hitLimits.push(`${result.source.path}: ${result.error}`);
  }
  const missing = expected.filter((path) => !seen.has(path));
  assert.deepEqual(missing.slice(0, 20), [], `${missing.length} corpus files gave no result`);
  assert.ok(lines.length >= expected.length);
  // real mail should not need the time or memory limits; a couple of hits under heavy load are tolerated
  assert.ok(hitLimits.length <= 2, hitLimits.join('\n'));
  assert.match(stderr, new RegExp(`Judged ${lines.length} messages`));
});
