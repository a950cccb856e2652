import assert from 'node:assert/strict';
import { test } from 'node:test';
import { takeoverConfig } from '../../src/events/config.js';
import { persistenceDetector } from '../../src/events/detectors/persistence.js';
import { distanceKm, signinAnomalyDetector } from '../../src/events/detectors/signin-anomaly.js';
import { bounceFloodDetector } from '../../src/events/detectors/bounce-flood.js';
import { SenderProfiles } from '../../src/events/sender-profile.js';
import type { AccountEvent, AccountEventKind } from '../../src/model/events.js';

const config = takeoverConfig({ orgDomains: ['tsukishiro-vs.co.jp'], signin: { failureBurst: 5 }, bounceFlood: { minBounces: 10 } });
const ACCOUNT = 'hori@tsukishiro-vs.co.jp';
let n = 0;
const ev = (kind: AccountEventKind, time: string, data: Record<string, unknown> = {}): AccountEvent => ({ id: `e${n++}`, kind, time, account: ACCOUNT, source: 'test', data });

test('persistence: forwarding outside and app passwords raise signals; forwarding inside does not', () => {
  const d = persistenceDetector(config);
  assert.equal(d.observe(ev('setting.forwarding', '2017-07-12T01:00:00Z', { target: 'iwanaga@tsukishiro-vs.co.jp', enabled: true })).length, 0);
  const out = d.observe(ev('setting.forwarding', '2017-07-12T01:01:00Z', { target: 'drop@relay-box.example', enabled: true }));
  assert.equal(out[0]?.detector, 'takeover.persistence.forwarding');
  assert.equal(out[0]?.severity, 'high');
  assert.match(out[0]?.ja ?? '', /自動転送/);
  const filter = d.observe(ev('setting.filter', '2017-07-12T01:02:00Z', { action: 'delete', criteria: 'from:mailer-daemon' }));
  assert.equal(filter[0]?.detector, 'takeover.persistence.filter');
  assert.equal(d.observe(ev('apppassword.created', '2017-07-12T01:03:00Z', { name: 'mail' }))[0]?.severity, 'high');
});

test('sign-in: a burst of failures and a platform flag are signals; the failures under the threshold are not', () => {
  const d = signinAnomalyDetector(config);
  const signals = [0, 1, 2, 3].flatMap((i) => d.observe(ev('signin.failure', `2017-07-12T02:0${i}:00Z`, { ip: '203.0.113.9' })));
  assert.equal(signals.length, 0);
  const fifth = d.observe(ev('signin.failure', '2017-07-12T02:05:00Z', { ip: '203.0.113.9' }));
  assert.equal(fifth[0]?.detector, 'takeover.signin.failure-burst');
  const flagged = d.observe(ev('signin.success', '2017-07-12T02:06:00Z', { suspicious: true, country: 'NL' }));
  assert.ok(flagged.some((s) => s.detector === 'takeover.signin.platform-flag'));
  assert.ok(Math.abs(distanceKm(35.68, 139.77, 52.37, 4.9) - 9290) < 30, 'Tokyo to Amsterdam is about 9,290 km');
});

test('bounce flood: counts failed bounces only, once per window', () => {
  const d = bounceFloodDetector(config, new SenderProfiles(config));
  const signals = [];
  for (let i = 0; i < 30; i++) signals.push(...d.observe(ev('message.bounce', `2017-07-12T00:${String(i).padStart(2, '0')}:00Z`, { kind: 'dsn', failed: true })));
  for (let i = 0; i < 30; i++) signals.push(...d.observe(ev('message.bounce', `2017-07-12T00:${String(30 + i).padStart(2, '0')}:30Z`, { kind: 'auto-reply' })));
  assert.equal(signals.length, 1);
  assert.equal(signals[0]?.data?.bounces, 10);
  assert.equal(signals[0]?.evidence.length, 10);
});

test('ordinary office traffic (sign-ins from the usual place, a few mails a day, the odd bounce) raises no signal', async () => {
  const { syntheticEvents } = await import('../../bench/events.js');
  const { takeoverDetectors } = await import('../../src/events/detectors/index.js');
  const detectors = takeoverDetectors(takeoverConfig({ orgDomains: ['example-office.jp'] }));
  const events = syntheticEvents(40, 15);
  assert.ok(events.length > 3000);
  const signals = events.flatMap((e) => detectors.flatMap((d) => d.observe(e)));
  assert.deepEqual(signals.map((s) => s.detector), []);
});
