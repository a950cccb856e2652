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

test('a scenario in the 2017 style (batches without a verdict, one judged sample sent later) shares the sample\'s verdict with its copies', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'kizuki-scenario-'));
  try {
    const file = path.join(dir, 'style-2017.yaml');
    writeFileSync(
      file,
      [
        'schema: kizuki.scenario/1',
        'name: style-2017-lure',
        'title: { en: batches and one sample, ja: 送信の束と見本 1 通 }',
        'orgDomains: [kuwabara-seiki.co.jp]',
        'seed: 7',
        "reference: { compromisedAt: '2025-12-17T18:14:50Z', noticedAt: '2025-12-17T20:47:50Z', en: test, ja: テスト }",
        'generators:',
        '  - type: routine-mail',
        '    account: m.okada@kuwabara-seiki.co.jp',
        "    from: '2025-11-10'",
        "    to: '2025-12-19'",
        '    perWorkday: [6, 14]',
        '    contacts: 50',
        '    hoursUtc: [0, 9]',
        '  - type: bcc-batches',
        '    account: m.okada@kuwabara-seiki.co.jp',
        '    recipientsPerBatch: [8, 14]',
        '    addressBook: 300',
        '    staleShare: 0.1',
        '    bounceDelayMinutes: [1, 9]',
        '    message: { subject: 【桑原精機】12月分 ご請求書発行のお知らせ, linkDomains: [invoice-portal-jp.com] }',
        "    times: ['2025-12-17T18:14:50Z', '2025-12-17T18:21:07Z', '2025-12-17T18:29:44Z', '2025-12-17T20:40:00Z']",
        'events:',
        '  - kind: message.sent',
        "    time: '2025-12-17T20:41:00Z'",
        '    account: m.okada@kuwabara-seiki.co.jp',
        '    eml: scenarios/messages/invoice-lure-ja.eml',
        '',
      ].join('\n'),
    );
    const summary = await replayScenario(file, { baseDir: repoRoot, pipeline: 'auto', respond: false });
    assert.equal(summary.verdict_source, 'pipeline');
    assert.ok(['malicious', 'suspicious'].includes(summary.first_malicious_send_verdict ?? ''), 'the first batch got the sample\'s verdict');
    assert.ok((summary.detected_after_first_malicious_send_seconds ?? Infinity) <= 300, `${summary.detected_after_first_malicious_send_seconds} s`);
    assert.equal(summary.incidents[0]?.evidence, 'strong');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a holiday notice in the 2017 style (batches named by subject only, routine mail naming no client) stays a low review note', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'kizuki-scenario-'));
  try {
    const file = path.join(dir, 'notice-2017-style.yaml');
    writeFileSync(
      file,
      [
        'schema: kizuki.scenario/1',
        'name: notice-2017-style',
        'title: { en: a notice described by subject, ja: 件名だけのお知らせ }',
        'orgDomains: [kuwabara-seiki.co.jp]',
        'seed: 11',
        "reference: { compromisedAt: '2025-12-24T01:02:09Z', noticedAt: '2025-12-24T01:02:09Z', en: test, ja: テスト }",
        'generators:',
        '  - type: routine-mail',
        '    account: m.okada@kuwabara-seiki.co.jp',
        "    from: '2025-11-17'",
        "    to: '2025-12-27'",
        '    perWorkday: [6, 14]',
        '    contacts: 50',
        '    hoursUtc: [0, 9]',
        '  - type: bcc-batches',
        '    account: m.okada@kuwabara-seiki.co.jp',
        '    tag: first-notice-send',
        '    recipientsPerBatch: [38, 42]',
        '    addressBook: 160',
        '    staleShare: 0.15',
        '    bounceDelayMinutes: [1, 12]',
        '    message: { subject: 【桑原精機】年末年始休業のお知らせ, userAgent: Microsoft Outlook 16.0 }',
        "    times: ['2025-12-24T01:02:09Z', '2025-12-24T01:06:41Z', '2025-12-24T01:11:15Z', '2025-12-24T01:15:58Z']",
        'events:',
        '  - kind: message.sent',
        "    time: '2025-12-24T01:02:09Z'",
        '    account: m.okada@kuwabara-seiki.co.jp',
        '    eml: scenarios/messages/holiday-notice-2025.eml',
        '',
      ].join('\n'),
    );
    const summary = await replayScenario(file, { baseDir: repoRoot, pipeline: 'auto', respond: false });
    assert.equal(summary.verdict_source, 'pipeline');
    assert.ok(signalKinds(summary).includes('signal:takeover.outbound-burst.hidden-recipients'), 'the behaviour was seen');
    for (const incident of summary.incidents) {
      assert.equal(incident.kind, 'review');
      assert.equal(incident.severity, 'low');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
