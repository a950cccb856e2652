// The 2017 replay with the response: the account-takeover playbook runs through the local provider when the
// incident opens, the failed password change falls back to suspension, and the account is contained within
// 10 simulated minutes — beside 2017's 20 minutes from noticing, 8 days after the password was given away.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replayScenario } from '../../src/incidents/replay.js';
import { repoRoot, runCli } from '../support/cli.js';

const SCENARIO = join(repoRoot, 'scenarios/2017-shared-you-a-file.yaml');
const VICTIM = 'iwanaga@tsukishiro-vs.co.jp';

describe('2017 replay with the response', () => {
  it('contains the account within 10 simulated minutes of the incident opening, with the fallback suspension logged', async () => {
    const summary = await replayScenario(SCENARIO);
    const response = summary.response;
    assert.ok(response, 'the response ran');
    assert.equal(response.playbook, 'account-takeover');
    assert.equal(response.evidence, 'strong', 'a sign-in from a new country with new outside forwarding');
    assert.deepEqual(response.accounts, [VICTIM]);
    assert.ok(summary.time_to_contain_seconds !== undefined && summary.time_to_contain_seconds <= 600, `contained in ${summary.time_to_contain_seconds} s`);
    assert.equal(summary.contained_at, response.contained_at);
    const opened = summary.incidents[0]?.openedAt ?? '';
    assert.equal(Math.round((Date.parse(summary.contained_at ?? '') - Date.parse(opened)) / 1000), summary.time_to_contain_seconds);

    const actions = summary.actions ?? [];
    const [password, fallback] = actions;
    assert.deepEqual([password?.step, password?.result, password?.call], ['force-password-change', 'failed', `LOCAL PUT /users/${VICTIM}`]);
    assert.deepEqual([fallback?.step, fallback?.result, fallback?.call], ['suspend-after-password-failure', 'done', `LOCAL PUT /users/${VICTIM}`]);
    assert.equal(summary.contained_at, fallback?.time, 'suspension is what contained the account');
    const forwarding = actions.find((a) => a.step === 'remove-forwarding');
    assert.match(forwarding?.call ?? '', /LOCAL PUT \/users\/iwanaga@tsukishiro-vs\.co\.jp\/settings\/autoForwarding/);
    assert.match(forwarding?.en ?? '', /archive\.iwanaga@mailvault-service\.example/);
    const quarantine = actions.find((a) => a.step === 'quarantine-lure');
    assert.match(quarantine?.call ?? '', /messages\/m1\/quarantine/);
    assert.ok(actions.every((a) => a.time >= response.response_started_at && a.en && a.ja));
    assert.deepEqual(response.open_tasks.map((t) => t.step), ['device-tasks']);

    assert.deepEqual(response.reference_containment, {
      noticed_to_contain_seconds: 20 * 60,
      compromise_to_contain_seconds: 8 * 86_400 + 11 * 3600 + 20 * 60,
      noticed_to_response_end_seconds: 9 * 3600 + 30 * 60,
    });
    assert.ok((response.compromise_to_contain_seconds ?? Number.POSITIVE_INFINITY) < response.reference_containment.compromise_to_contain_seconds / 30);
  });

  it('kizuki replay prints time to contain beside 2017\'s, in English and Japanese', async () => {
    const en = await runCli(['replay', '--no-pipeline', 'scenarios/2017-shared-you-a-file.yaml']);
    assert.equal(en.code, 0, en.stderr);
    assert.match(en.stdout, /suspend-after-password-failure\s+done/);
    assert.match(en.stdout, /Time to contain: 1m 2s after the incident opened .* In 2017: 20m 0s from noticing to the first account locked, 8d 11h 20m after the password was given away/);
    const ja = await runCli(['replay', '--no-pipeline', '--lang', 'ja', 'scenarios/2017-shared-you-a-file.yaml']);
    assert.match(ja.stdout, /封じ込めまでの時間: 起票から 1m 2s/);
  });
});
