// `kizuki rules` and `kizuki eval` as a user runs them, the metrics eval prints, and judge() on broken input.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { evaluate, formatReport, type JudgedItem } from '../../src/detect/evaluation.js';
import { loadDetector } from '../../src/detect/index.js';
import type { Analysis } from '../../src/model/analysis.js';
import type { Verdict, VerdictLabel } from '../../src/model/verdict.js';
import { runCli } from '../support/cli.js';
import { analysisOf } from './fixtures.js';

const verdict = (v: VerdictLabel, score = 0, ruleId = 'r.x'): Verdict => ({
  schema: 'kizuki.verdict/1',
  verdict: v,
  score,
  reasons: score ? [{ ruleId, name: ruleId, score, severity: 'low', en: 'x', ja: 'x' }] : [],
});

describe('detect: evaluation metrics', () => {
  it('computes recall, precision, false-positive rate and the confusion matrix as defined', () => {
    const items: JudgedItem[] = [
      { path: 'p1', label: 'phishing', verdict: verdict('malicious', 90, 'a') },
      { path: 'p2', label: 'phishing', verdict: verdict('suspicious', 45, 'a') },
      { path: 'p3', label: 'phishing', verdict: verdict('spam', 0) },
      { path: 'p4', label: 'phishing', verdict: verdict('clean', 10, 'b') },
      { path: 'h1', label: 'ham', verdict: verdict('clean') },
      { path: 'h2', label: 'ham', verdict: verdict('clean') },
      { path: 'h3', label: 'ham', verdict: verdict('clean') },
      { path: 'h4', label: 'ham', verdict: verdict('suspicious', 50, 'a') },
      { path: 'b1', label: 'bounce', verdict: verdict('suspicious', 45, 'c') },
    ];
    const report = evaluate(items);
    assert.equal(report.headline.phishingRecall, 0.5);
    assert.equal(report.headline.hamFalsePositiveRate, 0.25);
    const phishing = report.metrics.find((m) => m.label === 'phishing');
    assert.equal(phishing?.precision, 2 / 3, 'bounces are left out of precision');
    assert.equal(phishing?.fpr, 1 / 4, 'one of four ham flagged');
    assert.deepEqual(report.confusion.phishing, { malicious: 1, suspicious: 1, spam: 1, clean: 1 });
    assert.deepEqual(report.ruleHits.a, { phishing: 2, ham: 1 });
    assert.deepEqual(report.worstMisses.map((m) => m.path), ['p3', 'p4'], 'lowest score first');
    assert.deepEqual(report.falseAlarms.map((m) => m.path), ['h4']);
    const text = formatReport(report);
    assert.match(text, /phishing recall 50\.00 %/);
    assert.ok(text.includes('| ham | 0 | 1 | 0 | 3 |'), text);
  });
});

describe('detect: judge() on broken input', () => {
  it('returns a clean verdict that names the problem instead of throwing', async () => {
    const detector = await loadDetector({ ruleDirs: [], orgDomains: [] });
    const broken = { ...analysisOf(), facts: undefined, links: undefined } as unknown as Analysis;
    const result = detector.judge(broken);
    assert.equal(result.verdict, 'clean');
    assert.ok(result.ruleErrors?.[0]?.startsWith('view:'), JSON.stringify(result.ruleErrors));
  });
});

describe('detect: the rules and eval commands', () => {
  it('kizuki rules list prints every rule; kizuki rules test passes on the built-in pack', async () => {
    const list = await runCli(['rules', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /attachment\.pdf-link-carrier/);
    assert.match(list.stdout, /\n\d+ rules\n/);
    const test = await runCli(['rules', 'test', '--only', 'attachment.pdf']);
    assert.equal(test.code, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /1 rules, \d+\/\d+ sample checks passed, 0 rule file problem/);
  });

  it('kizuki rules test exits non-zero and names the file and line of a broken rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-cli-rules-'));
    writeFileSync(join(dir, 'broken.yaml'), 'id: custom.broken\nname: x\ndescription: x\nseverity: low\ncondition: msg.nothing\nscore: 5\nreason: {en: a, ja: b}\n');
    const result = await runCli(['rules', 'test', '--rules', dir, '--only', 'custom']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /broken\.yaml:5:\d+: condition: .*nothing/);
  });

  it('kizuki eval judges a labelled folder and prints the tables', async () => {
    const result = await runCli(['eval', 'phishing=rules/samples', '--no-progress', '--workers', '1', '--json', '--top', '200']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ReturnType<typeof evaluate>;
    assert.ok(report.total >= 15);
    // the folder also holds the rules' negative samples (genuine notices, a newsletter), the benign history of
    // sender-history samples and spam samples: every
    // message not judged a threat must be one of those, and every lure that is only some rule's positive is caught
    const detector = await loadDetector({ ruleDirs: [], orgDomains: [] });
    const notLures = new Set<string>();
    for (const rule of detector.rules) {
      for (const sample of rule.samples.negative) notLures.add(basename(sample.message));
      for (const sample of [...rule.samples.positive, ...rule.samples.negative]) for (const earlier of sample.history) notLures.add(basename(earlier));
      if (rule.attackTypes.some((t) => t.toLowerCase() === 'spam')) for (const sample of rule.samples.positive) notLures.add(basename(sample.message));
    }
    const missedLures = report.worstMisses.map((m) => basename(m.path)).filter((name) => !notLures.has(name));
    assert.deepEqual(missedLures, [], 'every lure sample is judged malicious or suspicious');
    assert.ok(report.headline.phishingRecall >= 0.5, String(report.headline.phishingRecall));
    const missing = await runCli(['eval']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--labels/);
  });
});
