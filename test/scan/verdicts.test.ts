// Speed work keeps every verdict: the comparison set of the corpus is judged exactly as recorded in
// test/scan/corpus-verdicts.tsv (written by test/support/verdict-snapshot.ts; rewrite it only for an intended change
// to detection, and say so in the commit).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusAvailable } from '../support/cli.js';
import { currentVerdicts, SNAPSHOT_FILE } from '../support/verdict-snapshot.js';

describe('verdicts over the corpus comparison set', () => {
  it('are the recorded ones: same verdict, score and rules for each of the 1,000 messages', async (t) => {
    if (!corpusAvailable(t)) return;
    const recorded = readFileSync(SNAPSHOT_FILE, 'utf8').trim().split('\n');
    const now = await currentVerdicts();
    assert.equal(now.length, recorded.length, 'as many messages as recorded');
    const changed = now.filter((line, i) => line !== recorded[i]);
    assert.deepEqual(changed.slice(0, 10), [], `${changed.length} verdicts differ from the recorded ones (first ten shown)`);
  });
});
