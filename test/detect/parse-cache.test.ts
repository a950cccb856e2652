// The parse cache: rules read from it are the rules read from their files; an edited file is read again; a rule
// whose condition does not compile is reported at the same position whether or not it came from the cache; a cache
// that cannot be written only costs the parse.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadRules } from '../../src/detect/index.js';
import { defaultCacheDir, openParseCache } from '../../src/detect/parse-cache.js';
import { BAD_CEL } from './fixtures.js';

const RULE = (score: number) => `id: custom.cached-rule
name: A rule that goes through the cache
description: Fires on a word.
severity: low
attack_types: [Credential Phishing]
techniques: [T1566.002]
condition: msg.subject.contains("invoice")
score: ${score}
reason:
  en: The subject talks about an invoice.
  ja: 件名に請求書の話があります。
`;


function folders() {
  const root = mkdtempSync(join(tmpdir(), 'kizuki-parse-cache-'));
  const rules = join(root, 'rules');
  const cache = join(root, 'cache');
  return { root, rules, cache };
}

describe('detect: parse cache', () => {
  it('gives the same rules from the cache as from the files, and reads an edited file again', async () => {
    const { rules, cache } = folders();
    mkdirSync(rules);
    writeFileSync(join(rules, 'custom.yaml'), RULE(15));
    const options = { ruleDirs: [rules], orgDomains: [], cacheDir: cache };

    const uncached = await loadRules({ ...options, cacheDir: 'off' });
    const first = await loadRules(options);
    assert.equal(readdirSync(cache).filter((f) => f.startsWith('parsed-rules-')).length, 1, 'the first load writes one cache file');
    const second = await loadRules(options);
    const shape = (loaded: typeof first) => loaded.rules.map((r) => ({ definition: r.definition, info: r.info }));
    assert.deepEqual(shape(first), shape(uncached));
    assert.deepEqual(shape(second), shape(uncached));
    assert.equal(second.rules.find((r) => r.info.id === 'custom.cached-rule')?.info.score, 15);

    writeFileSync(join(rules, 'custom.yaml'), RULE(35));
    const edited = await loadRules(options);
    assert.equal(edited.rules.find((r) => r.info.id === 'custom.cached-rule')?.info.score, 35, 'an edited file is never served from the cache');
  });

  it('reports a condition that does not compile at the same file position from the cache as from the file', async () => {
    const { rules, cache } = folders();
    mkdirSync(rules);
    writeFileSync(join(rules, 'bad.yaml'), BAD_CEL);
    const options = { ruleDirs: [rules], orgDomains: [], cacheDir: cache };
    const first = await loadRules(options);
    const second = await loadRules(options);
    const problem = (loaded: typeof first) => loaded.problems.find((p) => p.file.endsWith('bad.yaml'));
    assert.ok(problem(first), 'the typo is reported');
    assert.deepEqual(problem(second), problem(first));
    assert.equal(problem(first)?.line, 9, 'the position points into the condition, not at the top of the file');
  });

  it('loads the rules when the cache cannot be written, and keeps no file there', async () => {
    const { root } = folders();
    const notADirectory = join(root, 'plain-file');
    writeFileSync(notADirectory, 'x');
    const loaded = await loadRules({ ruleDirs: [], orgDomains: [], cacheDir: join(notADirectory, 'cache') });
    assert.equal(loaded.problems.length, 0);
    assert.ok(loaded.rules.length > 40);
    assert.equal(existsSync(join(notADirectory, 'cache')), false);
  });

  it('serves an entry only for exactly the same text and the same format', () => {
    const { cache } = folders();
    const writer = openParseCache(cache, 'format-a');
    writer.set('rule', 'text one', { value: 1 });
    writer.save();
    const reader = openParseCache(cache, 'format-a');
    assert.deepEqual(reader.get('rule', 'text one'), { value: 1 });
    assert.equal(reader.get('rule', 'text one '), undefined);
    assert.equal(reader.get('data', 'text one'), undefined, 'kinds do not share entries');
    assert.equal(openParseCache(cache, 'format-b').get('rule', 'text one'), undefined, 'another format starts empty');
    const file = readdirSync(cache).find((f) => f.startsWith('parsed-rules-'));
    assert.ok(file && JSON.parse(readFileSync(join(cache, file), 'utf8')).format === 'format-a');
  });

  it('lives in the cache folder of the user, or nowhere: never in a shared one', () => {
    assert.equal(defaultCacheDir({ KIZUKI_CACHE_DIR: '/srv/kizuki-cache' }, '/home/a'), '/srv/kizuki-cache');
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/home/a/.xdg-cache' }, '/home/a'), '/home/a/.xdg-cache/kizuki');
    assert.equal(defaultCacheDir({}, '/home/a'), '/home/a/.cache/kizuki');
    assert.equal(defaultCacheDir({}, ''), 'off', 'no home, no cache');
    assert.equal(openParseCache('off', 'x').get('rule', 'anything'), undefined);
  });
});
