// `npx kizuki …`, as the README writes it, runs package.json's "bin" file directly: it must be an executable script
// after every build, not only after `npm ci` (a rebuild used to leave it without its executable bit).
// With an empty npx cache, npx links this checkout into its cache and runs "prepare" here; that must not rebuild
// (a rebuild deletes build/ under whatever runs from it, this test run included).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants, accessSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../support/cli.js';

const run = promisify(execFile);
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

describe('the kizuki command', () => {
  it('is an executable file with a node shebang', () => {
    const bin = join(repoRoot, manifest.bin.kizuki!);
    assert.doesNotThrow(() => accessSync(bin, constants.X_OK), `${bin} is not executable`);
    assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  it('runs through npx with an empty npx cache, without rebuilding the checkout', async () => {
    const bin = join(repoRoot, manifest.bin.kizuki!);
    const builtAt = statSync(bin).mtimeMs;
    const cache = mkdtempSync(join(tmpdir(), 'kizuki-npx-cache-'));
    try {
      const { stdout } = await run('npx', ['--no-install', 'kizuki', '--version'], {
        cwd: repoRoot,
        env: { ...process.env, npm_config_cache: cache },
      });
      assert.equal(stdout.trim(), manifest.version);
      assert.equal(statSync(bin).mtimeMs, builtAt, 'npx rebuilt the project');
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
