// The whole real corpus through `kizuki scan`: every file must come back as a result (a verdict, or a
// result that names its analysis problems); nothing may crash the batch. The timeout is a hang guard only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { corpusAvailable, corpusDir, repoRoot, runCli } from '../support/cli.js';

const HANG_GUARD_MS = 45 * 60_000;

interface ScanLine {
  schema: string;
  source: { path: string; index?: number };
  verdict: string;
  sha256: string;
  error?: string;
  analysis_errors: unknown[];
}

test('kizuki scan yields a result for every file of ../shared/corpus', { timeout: HANG_GUARD_MS }, async (t) => {
  if (!corpusAvailable(t)) return;
  const expected = readFileSync(join(corpusDir, 'labels.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t')[0] ?? '')
    .filter((path) => path.length > 0);
  assert.ok(expected.length > 1000, `labels.tsv lists ${expected.length} files`);

  const { code, stdout, stderr } = await runCli(['scan', corpusDir, '--json', '--no-store']);
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
