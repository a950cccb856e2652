// The approve, deny, actions and respond commands as a person uses them, on a SQLite file prepared by a runner.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalProvider, readOrg } from '../../src/providers/local/index.js';
import { DEFAULT_RESPOND_CONFIG } from '../../src/respond/config.js';
import { loadPlaybooks } from '../../src/respond/playbook.js';
import { ResponseRunner } from '../../src/respond/runner.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../support/cli.js';
import { scratchDir } from '../store/scratch.js';
import { makeContext, makeOrg, VICTIM } from './fixtures.js';

describe('kizuki approve, deny, actions, respond', () => {
  it('lists what waits, records who approved and denied, pauses and resumes, and runs the approved step', async () => {
    const dir = scratchDir('kizuki-respond-cli-');
    const storeUrl = `sqlite:${join(dir, 'kizuki.db')}`;
    const orgFile = join(dir, 'org.json');
    const configFile = join(dir, 'kizuki.config.yaml');
    writeFileSync(configFile, `org: { domains: [example.jp] }\nstore: { url: '${storeUrl}' }\nrespond: { mode: automatic }\n`);
    const provider = new LocalProvider({ org: makeOrg(), stateFile: orgFile });
    const store = await openStore(storeUrl);
    try {
      const playbooks = (await loadPlaybooks()).playbooks.filter((p) => p.id === 'account-takeover');
      const runner = new ResponseRunner({ store, providers: [provider], playbooks, orgDomains: ['example.jp'], config: { ...DEFAULT_RESPOND_CONFIG, mode: 'automatic' } });
      await runner.respond(makeContext({ evidence: 'behaviour' }));
    } finally {
      await store.close();
      await provider.close();
    }
    const cli = (args: string[]) => runCli([...args, '--config', configFile], { cwd: dir });

    const pending = await cli(['actions', '--pending', '--json']);
    assert.equal(pending.code, 0, pending.stderr);
    const steps = JSON.parse(pending.stdout) as Array<{ id: string; step: string; reason: string }>;
    assert.deepEqual(steps.map((s) => s.step), ['force-password-change', 'sign-out', 'device-tasks']);
    const [password, signOut, task] = steps;
    assert.ok(password && signOut && task);
    const text = await cli(['actions', '--pending', '--lang', 'ja']);
    assert.match(text.stdout, /社内ネットワークから切り離し/);

    const approved = await cli(['approve', password.id, '--actor', 'yamada', '--note', 'called the user']);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, new RegExp(`${password.id} \\(force-password-change ${VICTIM}\\) approved: .* by yamada at `));
    const denied = await cli(['deny', signOut.id, '--actor', 'suzuki']);
    assert.match(denied.stdout, /denied by suzuki/);
    const done = await cli(['approve', task.id, '--actor', 'tanaka']);
    assert.match(done.stdout, /marked done by tanaka/);
    const again = await cli(['approve', signOut.id]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /is denied, not awaiting approval/);

    const paused = await cli(['respond', 'pause', '--actor', 'yamada', '--reason', 'checking a false alarm']);
    assert.match(paused.stdout, /response paused by yamada at .*: checking a false alarm/);
    const status = JSON.parse((await cli(['respond', 'status', '--json'])).stdout);
    assert.equal(status.paused, true);
    assert.equal(status.actor, 'yamada');
    const whilePaused = await cli(['respond', 'run', '--local', orgFile]);
    assert.match(whilePaused.stdout, /: paused/);
    assert.ok(!readOrg(orgFile).calls.some((c) => c.method === 'PUT' && c.path === `/users/${VICTIM}`), 'nothing runs while paused');
    await cli(['respond', 'resume', '--actor', 'yamada']);
    const ran = await cli(['respond', 'run', '--local', orgFile]);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /account-takeover inc_test_1: done/);
    assert.ok(readOrg(orgFile).calls.some((c) => c.method === 'PUT' && c.path === `/users/${VICTIM}`), 'the approved password change ran');
    assert.ok(!readOrg(orgFile).calls.some((c) => c.path === `/users/${VICTIM}/signOut`), 'the denied sign-out did not');

    const log = JSON.parse((await cli(['actions', '--json', '--incident', 'inc_test_1'])).stdout) as Array<{ step: string; status: string; actor: string }>;
    assert.deepEqual(log.find((a) => a.step === 'force-password-change' && a.status === 'done')?.actor, 'yamada');
    assert.equal(log.find((a) => a.step === 'sign-out')?.status, 'denied');
    assert.equal(log.find((a) => a.step === 'device-tasks')?.actor, 'tanaka');
    const listed = await cli(['actions']);
    assert.match(listed.stdout, /force-password-change\s+yamada/);
  });
});
