// Rules as data: every built-in rule passes its samples; bad rule files are reported with file and position
// while the good ones still load.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDetector, loadRules, RuleLoadError } from '../../src/detect/index.js';
import { BAD_CEL } from './fixtures.js';
import { readSampleContext, type SampleContext, testRules } from '../../src/detect/rule-tests.js';
import { analyse } from '../../src/mail/analyse.js';
import { defaultAnalyseOptions } from '../../src/mail/options.js';

const analyseSample = (raw: Uint8Array, context: SampleContext) =>
  analyse(raw, defaultAnalyseOptions({ orgDomains: context.orgDomains, auth: { mode: 'headers', trustedHosts: context.trustedHosts } }));

const GOOD = `id: custom.good-rule
name: A good rule
description: Fires on a word.
severity: low
attack_types: [Credential Phishing]
techniques: [T1566.002]
condition: msg.subject.contains("invoice")
score: 10
reason:
  en: The subject talks about an invoice.
  ja: 件名に請求書の話があります。
`;


const BAD_YAML = `id: custom.bad-yaml
name: [unclosed
`;

const BAD_FIELDS = `id: custom.bad-fields
name: Missing reason and wrong severity
description: x
severity: urgent
attack_types: [Credential Phishing]
techniques: [T1566.002, phishing]
condition: 'true'
score: 10
colour: red
`;

describe('detect: rule files', () => {
  it('every built-in rule fires on its positive samples and stays silent on its negatives', async () => {
    const context = await readSampleContext();
    const report = await testRules([], context, analyseSample);
    assert.deepEqual(report.problems, []);
    const failures = report.results.filter((r) => !r.ok).map((r) => `${r.ruleId} ${r.kind} ${r.sample}: ${r.detail}`);
    assert.deepEqual(failures, []);
    assert.ok(report.rules >= 40, `${report.rules} rules`);
    assert.ok(report.results.filter((r) => r.kind === 'positive').length >= report.rules - report.withoutPositive.length);
    // the 2017 rule set: positive on the lure, negative on the genuine Drive share
    const pdf = report.results.filter((r) => r.ruleId === 'attachment.pdf-link-carrier');
    assert.ok(pdf.some((r) => r.kind === 'positive' && r.sample.endsWith('01-inbound-lure.eml') && r.ok));
    assert.ok(pdf.some((r) => r.kind === 'negative' && r.sample.endsWith('10-genuine-drive-share.eml') && r.ok));
  });

  it('a sample that does not show what the rule claims is a failure, not a pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-rules-'));
    writeFileSync(
      join(dir, 'wrong-sample.yaml'),
      `${GOOD.replace('custom.good-rule', 'custom.wrong-sample')}samples:\n  positive: [${JSON.stringify(join(process.cwd(), 'samples/seed-2017/12-internal-meeting-note.eml'))}]\n`,
    );
    const report = await testRules([dir], await readSampleContext(), analyseSample, 'custom.wrong-sample');
    assert.equal(report.failed, 1);
    assert.equal(report.results[0]?.detail, 'did not fire');
  });

  it('reports every bad file with its position and still loads the good rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-rules-'));
    writeFileSync(join(dir, 'good.yaml'), GOOD);
    writeFileSync(join(dir, 'bad-cel.yaml'), BAD_CEL);
    writeFileSync(join(dir, 'bad-yaml.yaml'), BAD_YAML);
    writeFileSync(join(dir, 'bad-fields.yaml'), BAD_FIELDS);
    const loaded = await loadRules({ ruleDirs: [dir], orgDomains: [] });
    assert.ok(loaded.rules.some((r) => r.info.id === 'custom.good-rule'), 'the good rule loads');
    assert.ok(!loaded.rules.some((r) => r.info.id.startsWith('custom.bad')));
    const byFile = (name: string) => loaded.problems.filter((p) => p.file === join(dir, name));
    const cel = byFile('bad-cel.yaml');
    assert.equal(cel.length, 1);
    assert.equal(cel[0]?.line, 9, 'the line of the typo inside the block condition');
    assert.equal(cel[0]?.column, 23, 'the column of the unknown field name');
    assert.match(cel[0]?.message ?? '', /hots/);
    assert.equal(byFile('bad-yaml.yaml').length, 1);
    assert.ok((byFile('bad-yaml.yaml')[0]?.line ?? 0) >= 2, 'the YAML error points past the unclosed list');
    const fields = byFile('bad-fields.yaml').map((p) => `${p.line}:${p.message}`);
    assert.ok(fields.some((f) => f.startsWith('4:') && f.includes('severity')), fields.join(' | '));
    assert.ok(fields.some((f) => f.includes('reason')), fields.join(' | '));
    assert.ok(fields.some((f) => f.includes('"phishing" is not valid')), fields.join(' | '));
    assert.ok(fields.some((f) => f.startsWith('9:') && f.includes('colour')), fields.join(' | '));
    await assert.rejects(loadDetector({ ruleDirs: [dir], orgDomains: [] }), (error: unknown) => {
      assert.ok(error instanceof RuleLoadError);
      assert.ok(error.message.includes('bad-cel.yaml:9:23'), error.message);
      assert.ok(error.message.includes('bad-yaml.yaml:'), error.message);
      assert.ok(error.message.includes('bad-fields.yaml:4'), error.message);
      return true;
    });
  });

  it('rejects a second rule with an id already taken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-rules-'));
    writeFileSync(join(dir, 'a.yaml'), GOOD);
    writeFileSync(join(dir, 'b.yaml'), GOOD);
    const loaded = await loadRules({ ruleDirs: [dir], orgDomains: [] });
    assert.equal(loaded.rules.filter((r) => r.info.id === 'custom.good-rule').length, 1);
    assert.ok(loaded.problems.some((p) => p.file.endsWith('b.yaml') && p.message.includes('duplicate')));
  });
});
