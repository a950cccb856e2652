// Playbook files: the built-in ones load with every step the issue names; a bad file is a file:line:col problem and
// never takes the others down; a user's playbook replaces a built-in one with the same id.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatProblem, loadPlaybooks, readPlaybook } from '../../src/respond/playbook.js';
import { planSteps } from '../../src/respond/runner.js';
import { scratchDir } from '../store/scratch.js';
import { makeContext } from './fixtures.js';

const GOOD = `id: quick-lock
name: { en: Quick lock, ja: 即時ロック }
description: Sign the account out and nothing else.
trigger: { kinds: [account-takeover] }
steps:
  - id: sign-out
    action: sign-out
    mode: approval
`;

describe('playbook files', () => {
  it('the three built-in playbooks load, account takeover with every step the issue names', async () => {
    const { playbooks, problems } = await loadPlaybooks();
    assert.deepEqual(problems, []);
    assert.deepEqual(playbooks.map((p) => p.id).sort(), ['account-takeover', 'malicious-message', 'user-reported']);
    const takeover = playbooks.find((p) => p.id === 'account-takeover');
    const kinds = takeover?.steps.map((s) => (s.do.type === 'action' ? s.do.action : s.do.type));
    assert.deepEqual(kinds, [
      'force-password-change', 'sign-out', 'revoke-oauth', 'revoke-app-passwords', 'invalidate-backup-codes', 'remove-forwarding',
      'remove-filters', 'remove-delegates', 'remove-sendas', 'suspend', 'quarantine-message', 'block', 'notify', 'task', 'task',
    ]);
    assert.ok(takeover?.steps.slice(0, 9).every((s) => s.onFailure?.do.type === 'action' && s.onFailure.do.action === 'suspend'), 'each failure falls back to suspension');
    assert.deepEqual(takeover?.steps.filter((s) => s.lockout).map((s) => s.id), ['force-password-change', 'sign-out', 'suspend-if-severe']);
    const notify = takeover?.steps.find((s) => s.do.type === 'notify');
    assert.ok(notify?.do.type === 'notify' && /。/.test(notify.do.text.ja) && /phishing/.test(notify.do.text.en), 'staff notice in Japanese and English');
  });

  it('a bad file is reported as file:line:col and the other playbooks still load', async () => {
    const dir = scratchDir('kizuki-playbooks-');
    writeFileSync(join(dir, 'good.yaml'), GOOD);
    writeFileSync(join(dir, 'bad-field.yaml'), GOOD.replace('    mode: approval\n', '    mode: approval\n    retries: 3\n'));
    writeFileSync(join(dir, 'bad-yaml.yaml'), 'id: broken\nsteps: [\n');
    writeFileSync(join(dir, 'bad-action.yaml'), GOOD.replace('quick-lock', 'bad-action').replace('action: sign-out', 'action: delete-everything'));
    writeFileSync(join(dir, 'bad-when.yaml'), GOOD.replace('quick-lock', 'bad-when').replace('    mode: approval\n', '    when: incident.severity ==\n'));
    const { playbooks, problems } = await loadPlaybooks([dir]);
    assert.ok(playbooks.some((p) => p.id === 'quick-lock'));
    assert.ok(playbooks.some((p) => p.id === 'account-takeover'), 'built-in playbooks unaffected');
    const text = problems.map(formatProblem);
    assert.ok(text.some((t) => t === `${join(dir, 'bad-field.yaml')}:9:5: unknown field "retries" in steps.0`), text.join('\n'));
    assert.ok(text.some((t) => t.startsWith(`${join(dir, 'bad-yaml.yaml')}:3:1: YAML:`)), text.join('\n'));
    assert.ok(text.some((t) => t.startsWith(`${join(dir, 'bad-action.yaml')}:7:13: "steps.0.action"`)), text.join('\n'));
    assert.ok(text.some((t) => t.startsWith(`${join(dir, 'bad-when.yaml')}:8:31: "when" is not a valid CEL condition`)), text.join('\n'));
    assert.equal(playbooks.filter((p) => p.id.startsWith('bad')).length, 0);
  });

  it('a step must do exactly one thing, and step ids are unique', () => {
    const both = readPlaybook(GOOD.replace('    action: sign-out\n', '    action: sign-out\n    task: { en: x, ja: y }\n'), 'x.yaml');
    assert.match(formatProblem(both.problems[0] ?? { file: '', line: 0, column: 0, message: '' }), /^x\.yaml:6:5: step "sign-out" must have exactly one of action, block, notify or task \(it has action, task\)/);
    const twice = readPlaybook(`${GOOD}  - id: sign-out\n    action: suspend\n`, 'y.yaml');
    assert.ok(twice.problems.some((p) => p.line === 9 && /used twice/.test(p.message)));
  });

  it('a user playbook with a built-in id replaces the built-in one', async () => {
    const dir = scratchDir('kizuki-playbooks-');
    writeFileSync(join(dir, 'mine.yaml'), GOOD.replace('quick-lock', 'account-takeover'));
    const { playbooks } = await loadPlaybooks([dir]);
    const takeover = playbooks.filter((p) => p.id === 'account-takeover');
    assert.equal(takeover.length, 1);
    assert.equal(takeover[0]?.file, join(dir, 'mine.yaml'));
    assert.equal(takeover[0]?.steps.length, 1);
  });

  it('conditions decide with the incident: user-reported escalates only what is malicious', async () => {
    const reported = (await loadPlaybooks()).playbooks.find((p) => p.id === 'user-reported');
    assert.ok(reported);
    const context = { ...makeContext(), reporter: 'colleague@example.jp' };
    context.incident = { ...context.incident, kind: 'user-report' };
    const malicious = planSteps('r1', reported, context, '2026-03-01T00:00:00Z');
    assert.deepEqual(malicious.map((s) => [s.step, s.state]), [['answer-reporter', 'pending'], ['quarantine-if-malicious', 'pending'], ['escalate', 'pending']]);
    const harmless = planSteps('r2', reported, { ...context, messages: context.messages.map((m) => ({ ...m, verdict: 'clean' })) }, '2026-03-01T00:00:00Z');
    assert.deepEqual(harmless.map((s) => [s.step, s.state]), [['answer-reporter', 'pending'], ['quarantine-if-malicious', 'skipped'], ['escalate', 'skipped']]);
  });
});
