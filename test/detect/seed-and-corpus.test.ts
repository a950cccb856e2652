// The 2017 seed samples judged as samples/seed-2017/expected.json says, and the development corpus judged
// no worse than the floors measured when this test was written (on the fifth the text model never saw).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eraOf, readLabels } from '../../src/detect/corpus.js';
import { evaluate } from '../../src/detect/evaluation.js';
import { loadDetector, updateProfile } from '../../src/detect/index.js';
import { type AnalysedItem, judgeInOrder } from '../../src/detect/replay.js';
import { foldOf } from '../../src/detect/text-model.js';
import { analyse } from '../../src/mail/analyse.js';
import { defaultAnalyseOptions } from '../../src/mail/options.js';
import { corpusAvailable, corpusDir, repoRoot } from '../support/cli.js';

interface Expected {
  orgDomains: string[];
  trustedHosts: string[];
  samples: Array<{ file: string; verdict: string }>;
}

describe('detect: the 2017 seed samples', () => {
  const seedDir = join(repoRoot, 'samples', 'seed-2017');
  const expected = JSON.parse(readFileSync(join(seedDir, 'expected.json'), 'utf8')) as Expected;
  for (const sample of expected.samples) {
    it(`${sample.file} is ${sample.verdict}`, async () => {
      const detector = await loadDetector({ ruleDirs: [], orgDomains: expected.orgDomains });
      const options = defaultAnalyseOptions({ orgDomains: expected.orgDomains, auth: { mode: 'headers', trustedHosts: expected.trustedHosts } });
      const analysis = await analyse(new Uint8Array(readFileSync(join(seedDir, sample.file))), options);
      const verdict = detector.judge(analysis);
      assert.equal(verdict.verdict, sample.verdict, verdict.reasons.map((r) => r.ruleId).join(' '));
    });
  }
});

describe('detect: judging prepared on a worker', () => {
  it('gives the same verdict as judging in one go, with and without sender history, after a structured clone', async () => {
    const seedDir = join(repoRoot, 'samples', 'seed-2017');
    const expected = JSON.parse(readFileSync(join(seedDir, 'expected.json'), 'utf8')) as Expected;
    const detector = await loadDetector({ ruleDirs: [], orgDomains: expected.orgDomains });
    const options = defaultAnalyseOptions({ orgDomains: expected.orgDomains, auth: { mode: 'headers', trustedHosts: expected.trustedHosts } });
    const quotation = await analyse(new Uint8Array(readFileSync(join(seedDir, '11-partner-quotation.eml'))), options);
    const history = updateProfile(undefined, quotation, detector.judge(quotation));
    for (const sample of expected.samples) {
      const analysis = await analyse(new Uint8Array(readFileSync(join(seedDir, sample.file))), options);
      const prepared = structuredClone(detector.prepare(analysis));
      assert.ok('content' in prepared);
      for (const profile of [undefined, history]) {
        assert.deepEqual(detector.judgePrepared(prepared, analysis, profile), detector.judge(analysis, profile), sample.file);
      }
    }
  });
});

describe('detect: development corpus (held-out fifth)', () => {
  it('reaches the measured floors for phishing recall and the ham false-positive ceiling', async (t) => {
    if (!corpusAvailable(t)) return;
    const labels = (await readLabels(join(corpusDir, 'labels.tsv'))).filter((l) => foldOf(l.path) === 0);
    const options = defaultAnalyseOptions();
    const items: AnalysedItem[] = [];
    for (const entry of labels) {
      try {
        items.push({ path: entry.path, label: entry.label, date: entry.date, analysis: await analyse(new Uint8Array(readFileSync(entry.file)), options) });
      } catch (error) {
        items.push({ path: entry.path, label: entry.label, date: entry.date, error: (error as Error).message });
      }
    }
    const detector = await loadDetector({ ruleDirs: [], orgDomains: [] });
    const eras = new Map(labels.map((l) => [l.path, eraOf(l.date)]));
    const report = evaluate(judgeInOrder(detector, items).map((j) => ({ ...j, era: eras.get(j.path) })));
    assert.ok(items.length > 1500, `${items.length} held-out messages`);
    // measured on this fifth (2026-12-02, era-neutral model, model capped at 25 points without an attack path):
    // phishing recall 91.70 %, ham not clean 0.45 % (3 of 663), spam caught 79.8 % (73 of 99 judged spam)
    assert.ok(report.headline.phishingRecall >= 0.89, `phishing recall ${report.headline.phishingRecall}`);
    assert.ok(report.headline.hamFalsePositiveRate <= 0.01, `ham false-positive rate ${report.headline.hamFalsePositiveRate}`);
    assert.ok(report.headline.spamCaught >= 0.75, `spam caught ${report.headline.spamCaught}`);
    // spam is spam, not a threat: most of the spam corpus is judged `spam` (none was before the three-class model)
    const spamRow = report.confusion.spam;
    assert.ok(spamRow && spamRow.spam / (spamRow.spam + spamRow.suspicious + spamRow.malicious + spamRow.clean) >= 0.6, JSON.stringify(spamRow));
    // the model must not win on the year: legitimate mail after 2005 is not flagged more than 2 % (1 of 106 measured)
    const later = report.hamByEra.filter((r) => r.era !== '<=2005');
    const laterCount = later.reduce((a, r) => a + r.count, 0);
    const laterFlagged = later.reduce((a, r) => a + r.count - r.clean, 0);
    assert.ok(laterCount > 80 && laterFlagged / laterCount <= 0.02, `${laterFlagged} of ${laterCount} later legitimate messages not clean`);
    // bounces are not threats: most stay clean
    const bounces = report.confusion.bounce;
    if (bounces) assert.ok(bounces.clean / (bounces.clean + bounces.suspicious + bounces.malicious + bounces.spam) >= 0.9);
  });
});
