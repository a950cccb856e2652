// A batch of hostile files through `kizuki scan`: one result per file, in a batch that finishes.
// The timeout is a hang guard only.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';
import { NASTY_INPUTS } from '../support/nasty-mail.js';

const HANG_GUARD_MS = 10 * 60_000;

test('kizuki scan over a batch of hostile files gives every file a result and does not crash', { timeout: HANG_GUARD_MS }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kizuki-nasty-'));
  try {
    const names: string[] = [];
    for (const nasty of NASTY_INPUTS) {
      const name = `${nasty.name}.eml`;
      await writeFile(join(dir, name), nasty.make());
      names.push(name);
    }
    // the folder as a whole: files with a mail extension are judged even when they look like nothing (random bytes)
    const { code, stdout, stderr } = await runCli(['scan', dir, '--json', '--no-store', '--workers', '2']);
    assert.ok(code === 0 || code === 1, `exit code ${code}; stderr: ${stderr.slice(-2000)}`);
    const results = stdout
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { source: { path: string }; verdict: string; sha256: string; analysis_errors: unknown[] });
    const seen = new Set(results.map((r) => basename(r.source.path)));
    assert.deepEqual(
      names.filter((n) => !seen.has(n)),
      [],
      'every hostile file has a result',
    );
    for (const result of results) {
      assert.ok(['malicious', 'suspicious', 'spam', 'clean'].includes(result.verdict), JSON.stringify(result).slice(0, 300));
      assert.match(result.sha256, /^[0-9a-f]{64}$/);
    }
    const zipBomb = results.find((r) => basename(r.source.path) === 'zip-bomb.eml');
    assert.ok(zipBomb && zipBomb.analysis_errors.length > 0, 'the zip bomb result lists its analysis errors');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
