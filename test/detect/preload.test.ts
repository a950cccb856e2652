// A worker reads the built-in reference data as it starts (preloadBuiltInData) and its first preparer takes it: the
// judgements must be those of a preparer that read the data itself, and data read through another cache folder than
// the scan's must not be taken.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPreparer, preloadBuiltInData } from '../../src/detect/preparer.js';
import { ORG, partnerLure, partnerNote } from './fixtures.js';

describe('detect: the preparer with preloaded built-in data', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kizuki-preload-'));
  const options = { ruleDirs: [], orgDomains: [ORG], cacheDir };
  const messages = [partnerLure(), partnerNote('2017-06-01T09:00:00.000Z')];

  it('prepares the same judgements as a preparer that read the data itself', async () => {
    const own = await loadPreparer(options);
    const preloaded = preloadBuiltInData(cacheDir);
    const fromPreload = await loadPreparer(options, preloaded);
    for (const analysis of messages) assert.deepEqual(fromPreload(analysis), own(analysis));
    assert.ok('content' in fromPreload(messages[0]!), 'the lure is prepared');
  });

  it('takes preloaded data only when it was read through the cache folder the options name', async () => {
    const failing = { cacheDir: join(cacheDir, 'elsewhere'), cache: preloadBuiltInData(cacheDir).cache, data: Promise.reject(new Error('must not be used')) };
    failing.data.catch(() => {});
    const prepare = await loadPreparer(options, failing);
    assert.ok('content' in prepare(messages[0]!));
    const taken = { ...failing, cacheDir };
    await assert.rejects(loadPreparer(options, taken), /must not be used/);
  });
});
