import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIZUKI_VERSION } from '../src/version.js';
import { repoRoot } from './support/cli.js';

describe('version', () => {
  it('is the one package.json gives (the configuration cache and the API documentation name it)', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(KIZUKI_VERSION, pkg.version);
  });
});
