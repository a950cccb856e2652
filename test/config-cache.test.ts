// The validated configuration kept on disk (src/config-cache.ts): the same configuration and errors as loadConfig,
// taken from the cache only for the same text and the same build.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfigCached } from '../src/config-cache.js';
import { ConfigError, loadConfig } from '../src/config.js';

const FILE = 'org:\n  domains: [Example.CO.JP]\nauth:\n  mode: verify\ndetection:\n  ruleDirs: [my-rules]\nreports:\n  timeZone: Europe/Berlin\n';

function scratch(): { cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = mkdtempSync(join(tmpdir(), 'kizuki-cfgcache-'));
  return { cwd, env: { KIZUKI_CACHE_DIR: join(cwd, 'cache') } };
}

/** Changes what the cache holds for every configuration, as a stale or planted entry would. */
function tamperCache(cacheDir: string, change: (config: { auth: { mode: string } }) => void): void {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { entries: Record<string, { auth: { mode: string } }> };
    for (const config of Object.values(file.entries)) change(config);
    writeFileSync(path, JSON.stringify(file));
  }
}

describe('configuration cache', () => {
  it('gives what loadConfig gives, for the defaults and for a file, both the first time and from the cache', async () => {
    const { cwd, env } = scratch();
    const defaults = loadConfig({ cwd, env: {} });
    assert.deepEqual(await loadConfigCached({ cwd, env }), defaults);
    assert.deepEqual(await loadConfigCached({ cwd, env }), defaults);
    writeFileSync(join(cwd, 'kizuki.config.yaml'), FILE);
    const fromFile = loadConfig({ cwd, env: {} });
    assert.deepEqual(fromFile.org.domains, ['example.co.jp']);
    assert.deepEqual(await loadConfigCached({ cwd, env }), fromFile);
    assert.deepEqual(await loadConfigCached({ cwd, env }), fromFile);
    // the cache holds the file's content: readable by its user only
    const cacheDir = env.KIZUKI_CACHE_DIR!;
    assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
    for (const name of readdirSync(cacheDir)) assert.equal(statSync(join(cacheDir, name)).mode & 0o777, 0o600, name);
  });

  it('takes a configuration from the cache only for the same text and the same build', async () => {
    const { cwd, env } = scratch();
    writeFileSync(join(cwd, 'kizuki.config.yaml'), FILE);
    assert.equal((await loadConfigCached({ cwd, env, format: 'build-1' })).auth.mode, 'verify');
    tamperCache(env.KIZUKI_CACHE_DIR!, (config) => {
      config.auth.mode = 'off';
    });
    // the cached entry is what is used for the same text and build...
    assert.equal((await loadConfigCached({ cwd, env, format: 'build-1' })).auth.mode, 'off');
    // ...but not by another build, nor once the file's text changes
    assert.equal((await loadConfigCached({ cwd, env, format: 'build-2' })).auth.mode, 'verify');
    writeFileSync(join(cwd, 'kizuki.config.yaml'), `${FILE}# edited\n`);
    assert.equal((await loadConfigCached({ cwd, env, format: 'build-1' })).auth.mode, 'verify');
  });

  it('reports a broken file with the errors loadConfig gives, every time, and keeps nothing of it', async () => {
    const { cwd, env } = scratch();
    writeFileSync(join(cwd, 'bad.yaml'), 'auth:\n  mode: verfy\n');
    writeFileSync(join(cwd, 'broken.yaml'), 'auth: [\n');
    for (const path of ['bad.yaml', 'broken.yaml', 'nope.yaml']) {
      let expected = '';
      try {
        loadConfig({ cwd, path, env: {} });
      } catch (error) {
        expected = (error as Error).message;
      }
      assert.ok(expected, path);
      for (let run = 0; run < 2; run++) {
        await assert.rejects(loadConfigCached({ cwd, path, env }), (error: unknown) => error instanceof ConfigError && error.message === expected);
      }
    }
    assert.deepEqual(readdirSync(cwd).filter((name) => name === 'cache'), [], 'no cache written for broken files');
  });

  it('hands each caller a configuration of its own, and applies KIZUKI_STORE_URL on every run', async () => {
    const { cwd, env } = scratch();
    const first = await loadConfigCached({ cwd, env });
    first.auth.mode = 'off';
    first.org.domains.push('changed.example');
    const second = await loadConfigCached({ cwd, env });
    assert.equal(second.auth.mode, 'headers');
    assert.deepEqual(second.org.domains, []);
    const withStore = await loadConfigCached({ cwd, env: { ...env, KIZUKI_STORE_URL: 'postgres://k@localhost/k' } });
    assert.equal(withStore.store.url, 'postgres://k@localhost/k');
    assert.equal((await loadConfigCached({ cwd, env })).store.url, '.kizuki/kizuki.db');
  });

  it('works without a cache (KIZUKI_CACHE_DIR=off)', async () => {
    const { cwd } = scratch();
    writeFileSync(join(cwd, 'kizuki.config.yaml'), FILE);
    assert.deepEqual(await loadConfigCached({ cwd, env: { KIZUKI_CACHE_DIR: 'off' } }), loadConfig({ cwd, env: {} }));
    assert.deepEqual(readdirSync(cwd), ['kizuki.config.yaml']);
  });
});
