import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ReplaySummary, replayScenario } from '../../src/incidents/replay.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const scenario = path.join(repoRoot, 'scenarios/2017-shared-you-a-file.yaml');
const VICTIM = 'iwanaga@tsukishiro-vs.co.jp';
const COLLEAGUE = 'hori@tsukishiro-vs.co.jp';

let cached: Promise<ReplaySummary> | undefined;
const replay = () => {
  cached ??= replayScenario(scenario, { baseDir: repoRoot, pipeline: 'auto' });
  return cached;
};

test('2017 replay: the inbound lure is judged malicious by Kizuki\'s own pipeline when it arrives', async () => {
  const summary = await replay();
  assert.equal(summary.verdict_source, 'pipeline', 'the sample messages went through analyse + detect');
  assert.equal(summary.lure_verdict, 'malicious');
  const lureEntry = summary.timeline.find((e) => e.kind === 'signal:takeover.campaign.lure-received');
  assert.ok(lureEntry, 'the lure is on the timeline');
  assert.equal(lureEntry.time, '2017-07-03T13:29:12.000Z');
});

test('2017 replay: one incident for the victim, open within 5 simulated minutes of the first malicious batch', async () => {
  const summary = await replay();
  assert.equal(summary.incidents_opened, 1, 'signals are grouped, not a flood of incidents');
  const incident = summary.incidents[0];
  assert.ok(incident);
  assert.ok(incident.accounts.includes(VICTIM));
  assert.equal(incident.kind, 'takeover');
  assert.equal(incident.evidence, 'strong', 'the lure leaving the account is strong evidence');
  assert.ok(summary.first_malicious_send_at);
  const deadline = Date.parse(summary.first_malicious_send_at) + 5 * 60_000;
  assert.ok(Date.parse(incident.openedAt) <= deadline, `opened ${incident.openedAt}, first batch ${summary.first_malicious_send_at}`);
  assert.ok((summary.detected_after_first_malicious_send_seconds ?? Infinity) <= 300);
  assert.ok(summary.time_to_detect_seconds !== undefined && summary.time_to_detect_seconds < summary.reference_time_to_detect_seconds / 10);
  assert.equal(summary.reference_time_to_detect_seconds, 730_800, '8 days 11 hours, as in the report');
});

test("2017 replay: the colleague's copy, the bounce flood and the sign-in anomalies join the victim's incident", async () => {
  const summary = await replay();
  const incident = summary.incidents[0];
  assert.ok(incident);
  const kinds = (account?: string) =>
    incident.timeline.filter((e) => e.kind.startsWith('signal:') && (!account || e.en.includes(account))).map((e) => e.kind);
  assert.ok(incident.accounts.includes(COLLEAGUE), 'the colleague is part of the same incident');
  assert.ok(kinds(COLLEAGUE).includes('signal:takeover.lateral-phishing'), "the colleague's copy is on the incident");
  assert.ok(kinds(COLLEAGUE).includes('signal:takeover.campaign.internal'));
  assert.ok(kinds(VICTIM).includes('signal:takeover.bounce-flood'), 'the bounce flood attaches');
  assert.ok(kinds(VICTIM).includes('signal:takeover.signin.new-country'), "the attacker's sign-in attaches");
  assert.ok(kinds(COLLEAGUE).includes('signal:takeover.signin.new-country'), "the attacker's sign-in to the colleague attaches");
  assert.ok(kinds(VICTIM).includes('signal:takeover.campaign.outbound'));
  assert.ok(kinds(VICTIM).includes('signal:takeover.outbound-burst.volume'));
  const opened = incident.timeline.filter((e) => e.kind === 'incident.opened');
  assert.equal(opened.length, 1);
  for (const entry of incident.timeline) assert.ok(entry.en.length > 0 && entry.ja.length > 0, 'every entry in English and Japanese');
  const times = incident.timeline.map((e) => e.time);
  assert.deepEqual(times, [...times].sort(), 'the timeline is in time order');
});
