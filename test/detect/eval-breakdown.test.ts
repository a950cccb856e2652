// kizuki eval's per-source, per-era table and the analysis version that keys its cache.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analysisVersion } from '../../src/detect/analysis-version.js';
import { eraOf, readLabels, sourceGroup } from '../../src/detect/corpus.js';
import { evaluate, formatReport, type JudgedItem } from '../../src/detect/evaluation.js';
import type { VerdictLabel } from '../../src/model/verdict.js';

const judged = (path: string, label: string, verdict: VerdictLabel, source: string, era: string): JudgedItem => ({
  path,
  label,
  source,
  era,
  verdict: { schema: 'kizuki.verdict/1', verdict, score: verdict === 'clean' || verdict === 'spam' ? 0 : 50, reasons: [] },
});

describe('detect: eval by source and era', () => {
  it('puts a date into its era and a modern fixture under its kind of mail', () => {
    assert.equal(eraOf('2002-08-22T10:00:00Z'), '<=2005');
    assert.equal(eraOf('2005'), '<=2005');
    assert.equal(eraOf('2010-01-01'), '2006-2015');
    assert.equal(eraOf('2024'), '2016+');
    assert.equal(eraOf(''), 'undated');
    assert.equal(eraOf('102-'), 'undated');
    assert.equal(sourceGroup('modern/MailCore/mailcore2', 'notification'), 'modern/notification');
    assert.equal(sourceGroup('modern/linux-mailinglist-archives/x', 'mailing-list'), 'modern/mailing-list');
    assert.equal(sourceGroup('spamassassin-easy-ham-1', ''), 'spamassassin-easy-ham-1');
    assert.equal(sourceGroup('', ''), 'unknown');
  });

  it('reports false alarms per source and era, and ham by era across sources', () => {
    const items: JudgedItem[] = [
      judged('a1', 'ham', 'clean', 'old-list', '<=2005'),
      judged('a2', 'ham', 'clean', 'old-list', '<=2005'),
      judged('a3', 'ham', 'clean', 'old-list', '<=2005'),
      judged('a4', 'ham', 'spam', 'old-list', '<=2005'),
      judged('m1', 'ham', 'suspicious', 'modern/newsletter', '2016+'),
      judged('m2', 'ham', 'clean', 'modern/newsletter', '2016+'),
      judged('p1', 'phishing', 'malicious', 'pot', '2016+'),
      judged('p2', 'phishing', 'clean', 'pot', '2016+'),
      judged('s1', 'spam', 'spam', 'old-spam', '<=2005'),
    ];
    const report = evaluate(items);
    const row = (label: string, source: string, era: string) => report.breakdown.find((r) => r.label === label && r.source === source && r.era === era);
    assert.deepEqual(
      { ...row('ham', 'old-list', '<=2005') },
      { source: 'old-list', era: '<=2005', label: 'ham', count: 4, flagged: 0, spam: 1, clean: 3, rate: 0.25, flaggedRate: 0 },
    );
    assert.equal(row('ham', 'modern/newsletter', '2016+')?.rate, 0.5);
    assert.equal(row('ham', 'modern/newsletter', '2016+')?.flaggedRate, 0.5);
    assert.equal(row('phishing', 'pot', '2016+')?.rate, 0.5, 'for phishing the rate is recall');
    assert.equal(row('spam', 'old-spam', '<=2005')?.rate, 1, 'spam judged spam is caught');
    assert.deepEqual(
      report.hamByEra.map((r) => [r.era, r.count, r.rate]),
      [
        ['<=2005', 4, 0.25],
        ['2016+', 2, 0.5],
      ],
    );
    const text = formatReport(report);
    assert.ok(text.includes('| ham | modern/newsletter | 2016+ | 2 | 1 | 0 | 1 | FPR (not clean) 50.00 % |'), text);
    assert.ok(text.includes('| ham | all sources | <=2005 | 4 | 0 | 1 | 3 | FPR (not clean) 25.00 % |'), text);
  });

  it('reads source and tags from labels.tsv, and names the folder when a labels file has no source column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-labels-'));
    writeFileSync(join(dir, 'labels.tsv'), 'path\tlabel\tsource\tdate_utc\ttags\na.eml\tham\tmodern/x/y\t2019\tnewsletter\n');
    const [entry] = await readLabels(join(dir, 'labels.tsv'));
    assert.deepEqual([entry?.source, entry?.tags, entry?.date], ['modern/x/y', 'newsletter', '2019']);
    const own = join(dir, 'genuine');
    mkdirSync(own);
    writeFileSync(join(own, 'labels.tsv'), 'path\tlabel\nb.eml\tham\n');
    const [bare] = await readLabels(join(own, 'labels.tsv'));
    assert.equal(bare?.source, 'genuine');
  });
});

describe('detect: the analysis version that keys the eval cache', () => {
  it('changes when any analysis file changes and is stable otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-version-'));
    mkdirSync(join(dir, 'mail'));
    writeFileSync(join(dir, 'mail', 'parse.js'), 'export const a = 1;\n');
    const first = analysisVersion([join(dir, 'mail')]);
    assert.equal(analysisVersion([join(dir, 'mail')]), first);
    writeFileSync(join(dir, 'mail', 'parse.js'), 'export const a = 2;\n');
    assert.notEqual(analysisVersion([join(dir, 'mail')]), first);
    writeFileSync(join(dir, 'mail', 'links.js'), 'export const b = 1;\n');
    const third = analysisVersion([join(dir, 'mail')]);
    assert.notEqual(third, first);
    assert.match(analysisVersion(), /^[0-9a-f]{16}$/, 'the installation has a version');
  });
});
