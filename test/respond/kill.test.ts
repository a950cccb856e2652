// Kills a playbook runner with a real SIGKILL half-way, restarts it, and checks that the run finishes without the
// provider seeing any call twice. The provider's organisation and call log live in a JSON file, outside the
// killed process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalProvider, readOrg } from '../../src/providers/local/index.js';
import { ResponseStore } from '../../src/respond/store.js';
import { openStore } from '../../src/store/index.js';
import { scratchDir } from '../store/scratch.js';
import { EXPECTED_TAKEOVER_CALLS, makeOrg } from './fixtures.js';

const CHILD = fileURLToPath(new URL('../support/respond-child.js', import.meta.url));

interface ChildRun {
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runChild(args: string[], killAfterSteps?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let pending = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      pending += text;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      lines.push(...parts);
      const steps = lines.filter((l) => l.startsWith('step ')).length;
      if (killAfterSteps !== undefined && steps >= killAfterSteps && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ lines, code, signal, stderr }));
  });
}

async function prepare() {
  const dir = scratchDir('kizuki-respond-kill-');
  const orgFile = join(dir, 'org.json');
  await new LocalProvider({ org: makeOrg(), stateFile: orgFile }).close();
  return { storeUrl: `sqlite:${join(dir, 'kizuki.db')}`, orgFile };
}

async function assertFinishedOnce(storeUrl: string, orgFile: string): Promise<void> {
  const org = readOrg(orgFile);
  const calls = org.calls.map((c) => `${c.method} ${c.path}`);
  assert.deepEqual(calls, EXPECTED_TAKEOVER_CALLS, 'every call made exactly once, in order, across the kill and the restart');
  const store = await openStore(storeUrl);
  try {
    const tables = new ResponseStore(store);
    const [run] = await tables.unfinishedRuns();
    assert.ok(run, 'the run waits only for the device task');
    const steps = await tables.steps(run.id);
    assert.deepEqual(steps.filter((s) => s.state === 'pending' || s.state === 'running'), []);
    const done = (await tables.actions({ runId: run.id })).filter((a) => a.status === 'done');
    const perStep = new Map<string, number>();
    for (const a of done) perStep.set(a.step ?? '', (perStep.get(a.step ?? '') ?? 0) + 1);
    for (const [step, count] of perStep) assert.equal(count, 1, `${step} is logged done once`);
    assert.equal(done.length, 12);
  } finally {
    await store.close();
  }
}

describe('playbook runner killed with SIGKILL', () => {
  it('half-way through: a restart finishes the run and repeats no call', async () => {
    const { storeUrl, orgFile } = await prepare();
    const first = await runChild([storeUrl, orgFile, '40'], 4);
    assert.equal(first.signal, 'SIGKILL', `the runner was killed (stderr: ${first.stderr})`);
    assert.ok(!first.lines.some((l) => l.startsWith('finished')), 'it did not get to the end');
    const madeBefore = readOrg(orgFile).calls.length;
    assert.ok(madeBefore >= 4 && madeBefore < EXPECTED_TAKEOVER_CALLS.length, `killed half-way (${madeBefore} calls made)`);
    const second = await runChild([storeUrl, orgFile, '0']);
    assert.equal(second.code, 0, second.stderr);
    assert.ok(second.lines.includes('finished waiting'));
    await assertFinishedOnce(storeUrl, orgFile);
  });

  it('between a call and its record: the step found running is asked again under the same key, and the provider does not repeat it', async () => {
    const { storeUrl, orgFile } = await prepare();
    const first = await runChild([storeUrl, orgFile, '0', 'sign-out']);
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    assert.ok(readOrg(orgFile).calls.some((c) => c.path.endsWith('/signOut')), 'the sign-out call was made before the kill');
    const store = await openStore(storeUrl);
    try {
      const tables = new ResponseStore(store);
      const [run] = await tables.unfinishedRuns();
      assert.ok(run);
      const signOut = (await tables.steps(run.id)).find((s) => s.step === 'sign-out');
      assert.equal(signOut?.state, 'running', 'the kill left the step running');
    } finally {
      await store.close();
    }
    const second = await runChild([storeUrl, orgFile, '0']);
    assert.equal(second.code, 0, second.stderr);
    await assertFinishedOnce(storeUrl, orgFile);
  });
});
