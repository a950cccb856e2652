// `npx kizuki …`, as the README writes it, runs package.json's "bin" file directly: it must be an executable script
// after every build, not only after `npm ci` (a rebuild used to leave it without its executable bit).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants, accessSync, readFileSync } from 'node:fs';
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

  it('runs through npx from the project folder', async () => {
    const { stdout } = await run('npx', ['--no-install', 'kizuki', '--version'], { cwd: repoRoot });
    assert.equal(stdout.trim(), manifest.version);
  });
});
