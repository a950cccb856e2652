import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('uses defaults when there is no file, and reads kizuki.config.yaml when present', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-cfg-'));
    assert.equal(loadConfig({ cwd: dir, env: {} }).auth.mode, 'headers');
    writeFileSync(join(dir, 'kizuki.config.yaml'), 'org:\n  domains: [Example.CO.JP]\nauth:\n  mode: verify\n');
    const config = loadConfig({ cwd: dir, env: {} });
    assert.deepEqual(config.org.domains, ['example.co.jp']);
    assert.equal(config.auth.mode, 'verify');
  });

  it('names the file and the field of a wrong value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-cfg-'));
    writeFileSync(join(dir, 'bad.yaml'), 'auth:\n  mode: verfy\nscan:\n  workers: -3\n');
    assert.throws(
      () => loadConfig({ cwd: dir, path: 'bad.yaml', env: {} }),
      (error: unknown) => error instanceof ConfigError && /bad\.yaml/.test(error.message) && /auth\.mode/.test(error.message) && /scan\.workers/.test(error.message),
    );
  });

  it('rejects unknown keys, broken YAML and a missing explicit file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-cfg-'));
    writeFileSync(join(dir, 'typo.yaml'), 'orgg:\n  domains: []\n');
    writeFileSync(join(dir, 'broken.yaml'), 'auth: [\n');
    assert.throws(() => loadConfig({ cwd: dir, path: 'typo.yaml', env: {} }), /orgg|Unrecognized/);
    assert.throws(() => loadConfig({ cwd: dir, path: 'broken.yaml', env: {} }), /not valid YAML/);
    assert.throws(() => loadConfig({ cwd: dir, path: 'nope.yaml', env: {} }), /config file not found/);
  });

  it('lets KIZUKI_STORE_URL choose the database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-cfg-'));
    assert.equal(loadConfig({ cwd: dir, env: { KIZUKI_STORE_URL: 'postgres://x@localhost/k' } }).store.url, 'postgres://x@localhost/k');
  });
});
