// A batch of hostile files through `kizuki scan`: one result per file, in a batch that finishes.
// The timeout is a hang guard only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NASTY_INPUTS } from '../support/nasty-mail.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const cliPath = join(repoRoot, 'build/src/cli/main.js');
const HANG_GUARD_MS = 10 * 60_000;

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

test('kizuki scan over a batch of hostile files gives every file a result and does not crash', { timeout: HANG_GUARD_MS }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kizuki-nasty-'));
  try {
    const names: string[] = [];
    for (const nasty of NASTY_INPUTS) {
      const name = `${nasty.name}.eml`;
      await writeFile(join(dir, name), nasty.make());
      names.push(name);
    }
    // named one by one: a folder walk may pass over files that do not look like mail (random bytes),
    // while a file named on the command line must always get a result
    const paths = names.map((name) => join(dir, name));
    const { code, stdout, stderr } = await runScan(['scan', ...paths, '--json', '--no-store', '--workers', '2']);
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
