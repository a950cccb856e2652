import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ReplaySummary, replayScenario } from '../../src/incidents/replay.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const scenario = (name: string) => path.join(repoRoot, 'scenarios', `${name}.yaml`);
const CLERK = 'm.okada@kuwabara-seiki.co.jp';

const cache = new Map<string, Promise<ReplaySummary>>();
function replay(name: string, pipeline: 'auto' | 'off' = 'auto'): Promise<ReplaySummary> {
  const key = `${name}|${pipeline}`;
  let found = cache.get(key);
  if (!found) {
    found = replayScenario(scenario(name), { baseDir: repoRoot, pipeline });
    cache.set(key, found);
  }
  return found;
}

const signalKinds = (summary: ReplaySummary) => summary.timeline.filter((e) => e.kind.startsWith('signal:')).map((e) => e.kind);

test('holiday notice: the genuine Bcc announcement with its bounces opens nothing above a low review note', async () => {
  for (const pipeline of ['auto', 'off'] as const) {
    const summary = await replay('2025-year-end-holiday-notice', pipeline);
    assert.equal(summary.verdict_source, pipeline === 'auto' ? 'pipeline' : 'scenario');
    for (const incident of summary.incidents) {
      assert.ok(!['high', 'critical', 'medium'].includes(incident.severity), `${pipeline}: severity ${incident.severity}`);
      assert.equal(incident.kind, 'review');
      assert.equal(incident.evidence, 'behaviour-only');
      assert.doesNotMatch(incident.title, /takeover/i);
    }
    // the behaviour was seen (so the test would notice if the detectors went blind), just weighed as routine
    const kinds = signalKinds(summary);
    assert.ok(kinds.includes('signal:takeover.outbound-burst.hidden-recipients'), kinds.join(' '));
    assert.ok(kinds.includes('signal:takeover.bounce-flood'), 'twenty stale addresses bounce within the hour');
    assert.equal(summary.response, undefined, 'no playbook runs on a review note: nobody is locked out over a holiday notice');
    assert.equal(summary.actions, undefined);
    const flood = summary.timeline.find((e) => e.kind === 'signal:takeover.bounce-flood');
    assert.match(flood?.en ?? '', /stale addresses/);
    assert.match(flood?.ja ?? '', /確認のためのメモ/);
  }
});

test('holiday notice: the sample message went through the real pipeline and was judged clean', async () => {
  const summary = await replay('2025-year-end-holiday-notice');
  const sends = summary.incidents.flatMap((i) => i.timeline).filter((e) => e.kind === 'signal:takeover.outbound-burst.same-message');
  assert.ok(sends.length > 0);
  assert.equal(summary.verdict_source, 'pipeline');
  assert.equal(summary.first_malicious_send_at, undefined, 'no send is tagged malicious');
});

test('Bcc invoice lure without sign-in telemetry: a takeover incident with strong evidence within 5 simulated minutes of the first send', async () => {
  for (const pipeline of ['auto', 'off'] as const) {
    const summary = await replay('2025-bcc-invoice-lure', pipeline);
    assert.ok(['malicious', 'suspicious'].includes(summary.first_malicious_send_verdict ?? ''), `verdict ${summary.first_malicious_send_verdict}`);
    if (pipeline === 'off') assert.equal(summary.first_malicious_send_verdict, 'suspicious', 'suspicious content alone is enough');
    assert.equal(summary.incidents_opened, 1);
    const incident = summary.incidents[0];
    assert.ok(incident);
    assert.deepEqual(incident.accounts, [CLERK]);
    assert.equal(incident.kind, 'takeover');
    assert.equal(incident.evidence, 'strong');
    assert.ok(['high', 'critical'].includes(incident.severity));
    const after = summary.detected_after_first_malicious_send_seconds;
    assert.ok(after !== undefined && after <= 300, `${pipeline}: opened ${after} s after the first send`);
    assert.ok(incident.timeline.some((e) => e.kind === 'signal:takeover.outbound-lure'));
    assert.ok(summary.response, 'the takeover incident is contained by the playbook');
    assert.ok(!signalKinds(summary).some((k) => k.startsWith('signal:takeover.signin.')), 'no sign-in telemetry in this scenario');
  }
});

test('Bcc invoice lure in small batches: no volume detector fires, the content alone opens the incident', async () => {
  const summary = await replay('2025-bcc-invoice-lure-trickle');
  const kinds = signalKinds(summary);
  assert.ok(!kinds.some((k) => k.startsWith('signal:takeover.outbound-burst') || k === 'signal:takeover.bounce-flood'), kinds.join(' '));
  assert.deepEqual([...new Set(kinds)], ['signal:takeover.outbound-lure']);
  const incident = summary.incidents[0];
  assert.ok(incident);
  assert.equal(incident.evidence, 'strong');
  assert.ok((summary.detected_after_first_malicious_send_seconds ?? Infinity) <= 300);
  const entry = incident.timeline.find((e) => e.kind === 'signal:takeover.outbound-lure');
  assert.match(entry?.en ?? '', /not used before/, 'the new client is named');
  assert.match(entry?.ja ?? '', /おとりメール/);
});
