import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDetector } from '../../src/detect/index.js';
import { judgedRowFrom } from '../../src/scan/persist.js';
import { recordFromAnalysis } from '../../src/scan/record.js';
import { scanConfig } from '../../src/scan/scan-config.js';
import { taskSettings } from '../../src/scan/settings.js';
import { type AnalysisOutcome, runAnalysisTask } from '../../src/scan/worker.js';
import { repoRoot, runCli } from '../support/cli.js';

const samplesDir = join(repoRoot, 'samples/seed-2017');

describe('lean results from the analysis workers', () => {
  it('carry everything the verdict, the printed record and the stored row are made of', async () => {
    const config = scanConfig({}, repoRoot);
    const full = taskSettings(config, join(samplesDir, 'dns.json'));
    const lean = taskSettings(config, join(samplesDir, 'dns.json'), true);
    const detector = await loadDetector(full.detection!);
    const files = readdirSync(samplesDir).filter((f) => f.endsWith('.eml'));
    assert.ok(files.length >= 9);
    const now = new Date('2026-12-01T00:00:00Z');
    for (const file of files) {
      const raw = readFileSync(join(samplesDir, file));
      const outcomes = [
        await runAnalysisTask({ raw, settings: full, settingsId: 9001 }),
        await runAnalysisTask({ raw, settings: lean, settingsId: 9002, bodyText: detector.readsBodyText }),
      ];
      const [whole, slim] = outcomes.map((o: AnalysisOutcome) => {
        assert.ok('analysis' in o && o.prepared, `${file}: analysed and prepared`);
        const verdict = detector.judgePrepared(o.prepared, o.analysis);
        const record = recordFromAnalysis({ path: file }, o.analysis, verdict, o.bounce);
        return { o, verdict, record, row: judgedRowFrom({ record, analysis: o.analysis, verdict }, now) };
      });
      assert.deepEqual(slim!.verdict, whole!.verdict, file);
      assert.deepEqual(slim!.record, whole!.record, file);
      assert.deepEqual(slim!.row, whole!.row, file);
      // and it is lean: no bodies, no hops, only the headers the store shows
      const slimAnalysis = (slim!.o as { analysis: { text: string; html: string; received: unknown[]; headers: unknown[] } }).analysis;
      const wholeAnalysis = (whole!.o as { analysis: { text: string; headers: unknown[] } }).analysis;
      assert.equal(slimAnalysis.text, '');
      assert.equal(slimAnalysis.html, '');
      assert.deepEqual(slimAnalysis.received, []);
      assert.ok(slimAnalysis.headers.length < wholeAnalysis.headers.length, `${file}: fewer headers`);
      assert.ok(wholeAnalysis.text.length > 0, `${file}: the full result has its body`);
      // no built-in rule reads the whole body text, so the lean prepared judgement leaves it out
      const slimMsg = (slim!.o as { prepared: { content: { msg: { text: string; textFolded: string } } } }).prepared.content.msg;
      const wholeMsg = (whole!.o as { prepared: { content: { msg: { text: string; textFolded: string } } } }).prepared.content.msg;
      assert.equal(detector.readsBodyText, false);
      assert.deepEqual([slimMsg.text, slimMsg.textFolded], ['', ''], file);
      assert.ok(wholeMsg.text.length > 0 && wholeMsg.textFolded.length > 0, `${file}: the full judgement has its text`);
    }
  });

  it('keep the body text when a rule reads it, and such a rule fires through a real scan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-lean-rule-'));
    writeFileSync(
      join(dir, 'custom.body-word.yaml'),
      [
        'id: custom.body-word',
        'name: Body names the overdue invoice',
        'description: a test rule reading the whole body text',
        'severity: low',
        'attack_types: [Credential Phishing]',
        'techniques: [T1566.002]',
        'condition: |',
        '  msg.textFolded.contains("quotation")',
        'score: 1',
        'reason:',
        '  en: The body mentions a quotation.',
        '  ja: 本文に見積もりの話があります。',
        '',
      ].join('\n'),
    );
    const config = scanConfig({}, repoRoot);
    const lean = taskSettings(config, join(samplesDir, 'dns.json'), true);
    const withRule = { ...lean, detection: { ...lean.detection!, ruleDirs: [...lean.detection!.ruleDirs, dir] } };
    const detector = await loadDetector(withRule.detection);
    assert.equal(detector.readsBodyText, true);
    const raw = readFileSync(join(samplesDir, '11-partner-quotation.eml'));
    const outcome = await runAnalysisTask({ raw, settings: withRule, settingsId: 9003, bodyText: detector.readsBodyText });
    assert.ok('analysis' in outcome && outcome.prepared && 'content' in outcome.prepared);
    assert.ok(outcome.prepared.content.msg.textFolded.includes('quotation'));
    assert.ok(detector.judgePrepared(outcome.prepared, outcome.analysis).reasons.some((r) => r.ruleId === 'custom.body-word'));
    // the same rule through `kizuki scan` (pool, lean results): the pool learns from the rules to keep the text
    const run = await runCli(['scan', '--json', '--no-store', '--rules', dir, '--dns-fixture', join(samplesDir, 'dns.json'), join(samplesDir, '11-partner-quotation.eml')]);
    assert.equal(run.code === 0 || run.code === 1, true, run.stderr);
    const record = JSON.parse(run.stdout.trim().split('\n')[0]!) as { reasons: Array<{ rule_id: string }> };
    assert.ok(record.reasons.some((r) => r.rule_id === 'custom.body-word'), run.stdout);
  });
});
