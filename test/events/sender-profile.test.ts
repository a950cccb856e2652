import assert from 'node:assert/strict';
import { test } from 'node:test';
import { takeoverConfig } from '../../src/events/config.js';
import { bounceFloodDetector } from '../../src/events/detectors/bounce-flood.js';
import { outboundBurstDetector } from '../../src/events/detectors/outbound-burst.js';
import { outboundLureDetector } from '../../src/events/detectors/outbound-lure.js';
import { clientKey, networkKey, SenderProfiles } from '../../src/events/sender-profile.js';
import type { AccountEvent } from '../../src/model/events.js';

const config = takeoverConfig({ orgDomains: ['kuwabara-seiki.co.jp'], bounceFlood: { minBounces: 10 } });
const ACCOUNT = 'm.okada@kuwabara-seiki.co.jp';
const OUTLOOK = { userAgent: 'Microsoft Outlook 16.0', originIp: '198.51.100.34' };
let n = 0;
function sent(time: string, data: Record<string, unknown>): AccountEvent {
  return { id: `e${n++}`, kind: 'message.sent', time, account: ACCOUNT, source: 'test', data: { from: ACCOUNT, to: ['k.sato@asahi-av.co.jp'], ...data } };
}
function bounce(time: string, originalMessageId: string): AccountEvent {
  return { id: `e${n++}`, kind: 'message.bounce', time, account: ACCOUNT, source: 'test', data: { kind: 'dsn', failed: true, recipients: ['x@gone.example'], originalMessageId } };
}
/** Ten ordinary days from the usual Outlook on the office line. */
function history(profiles: SenderProfiles): void {
  for (let d = 1; d <= 10; d++) profiles.observe(sent(`2025-12-${String(d).padStart(2, '0')}T02:00:00Z`, { ...OUTLOOK, verdict: 'clean' }));
}

test('sender profile: client and network keys ignore versions and hosts', () => {
  assert.equal(clientKey('Microsoft Outlook 16.0.17928.20114'), clientKey('Microsoft Outlook 16.0'));
  assert.notEqual(clientKey('PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)'), clientKey('Microsoft Outlook 16.0'));
  assert.equal(networkKey('198.51.100.34'), networkKey('198.51.100.200'));
  assert.equal(networkKey('2001:db8:42:1::5'), '2001:db8:42::/48');
  assert.equal(networkKey('not an ip'), '');
});

test('sender profile: clean mail from the usual client is routine; a new client, a lure or no verdict is not', () => {
  const profiles = new SenderProfiles(config);
  history(profiles);
  assert.equal(profiles.observe(sent('2025-12-12T02:00:00Z', { ...OUTLOOK, verdict: 'clean' }))?.routine, true);
  const script = profiles.observe(sent('2025-12-12T03:00:00Z', { userAgent: 'PHPMailer 6.8.1', originIp: '203.0.113.145', verdict: 'clean' }));
  assert.equal(script?.client, 'new');
  assert.equal(script?.network, 'new');
  assert.equal(script?.routine, false);
  assert.equal(profiles.observe(sent('2025-12-12T04:00:00Z', { ...OUTLOOK }))?.routine, false, 'content not judged: not routine');
  assert.equal(profiles.observe(sent('2025-12-12T04:30:00Z', { ...OUTLOOK, verdict: 'spam' }))?.routine, true, 'bulk mail from the usual Outlook');
  const lure = profiles.observe(sent('2025-12-12T05:00:00Z', { ...OUTLOOK, verdict: 'suspicious' }));
  assert.equal(lure?.content, 'lure');
  // lures never teach the profile: the attacker's client stays new however often he sends
  for (let i = 0; i < 5; i++) profiles.observe(sent(`2025-12-12T06:0${i}:00Z`, { userAgent: 'Evil Mailer 1', verdict: 'malicious' }));
  assert.equal(profiles.observe(sent('2025-12-12T07:00:00Z', { userAgent: 'Evil Mailer 1', verdict: 'clean' }))?.client, 'new');
});

test('sender profile: when the events name no client at all, clean mail is routine and spam is not', () => {
  const profiles = new SenderProfiles(config);
  for (let d = 1; d <= 10; d++) profiles.observe(sent(`2025-12-${String(d).padStart(2, '0')}T02:00:00Z`, { verdict: 'clean' }));
  const notice = profiles.observe(sent('2025-12-24T01:00:00Z', { verdict: 'clean', userAgent: 'Microsoft Outlook 16.0' }));
  assert.equal(notice?.client, 'unknown', 'never named before: not usual, but nothing says it is new either');
  assert.equal(notice?.routine, true);
  assert.equal(profiles.observe(sent('2025-12-24T02:00:00Z', { verdict: 'spam' }))?.routine, false);
});

test('outbound burst: the same Bcc send is a low review note from the usual client, a medium signal from a new one', () => {
  const profiles = new SenderProfiles(config);
  const burst = outboundBurstDetector(config, profiles);
  history(profiles);
  const bcc = Array.from({ length: 12 }, (_, i) => `c${i}@customer${i}.co.jp`);
  const notice = sent('2025-12-24T01:00:00Z', { ...OUTLOOK, verdict: 'clean', to: [ACCOUNT], bcc });
  profiles.observe(notice);
  const routine = burst.observe(notice).find((s) => s.detector === 'takeover.outbound-burst.hidden-recipients');
  assert.equal(routine?.severity, 'low');
  assert.equal(routine?.strength, 'review');
  const odd = sent('2025-12-24T02:00:00Z', { userAgent: 'PHPMailer 6.8.1', originIp: '203.0.113.145', verdict: 'clean', to: [ACCOUNT], bcc });
  profiles.observe(odd);
  const hidden = burst.observe(odd).find((s) => s.detector === 'takeover.outbound-burst.hidden-recipients');
  assert.equal(hidden?.severity, 'medium');
  assert.equal(hidden?.strength, 'behaviour');
});

test('outbound lure: suspicious content sent outside is a strong signal; clean content or internal-only mail is not', () => {
  const profiles = new SenderProfiles(config);
  const lure = outboundLureDetector(config, profiles);
  history(profiles);
  const clean = sent('2025-12-17T18:00:00Z', { ...OUTLOOK, verdict: 'clean' });
  profiles.observe(clean);
  assert.deepEqual(lure.observe(clean), []);
  const internal = sent('2025-12-17T18:05:00Z', { verdict: 'malicious', to: ['s.kuwabara@kuwabara-seiki.co.jp'] });
  profiles.observe(internal);
  assert.deepEqual(lure.observe(internal), [], 'internal recipients are the lateral-phishing detector\'s');
  const out = sent('2025-12-17T18:14:50Z', { verdict: 'suspicious', subject: '請求書', to: [ACCOUNT], bcc: ['a@asahi-av.co.jp', 'b@kaede-denki.co.jp'] });
  profiles.observe(out);
  const signals = lure.observe(out);
  assert.equal(signals[0]?.detector, 'takeover.outbound-lure');
  assert.equal(signals[0]?.severity, 'high');
  assert.equal(signals[0]?.strength, 'strong');
  assert.equal(signals[0]?.data?.recipients, 2);
  const again = sent('2025-12-17T18:20:00Z', { verdict: 'malicious', to: [ACCOUNT], bcc: ['c@minato-av.co.jp'] });
  profiles.observe(again);
  assert.deepEqual(lure.observe(again), [], 'one signal an hour per account; repeats are in the incident already');
});

test('bounce flood: bounces of a routine send are a review note, of a lure strong, of unknown mail high', () => {
  const run = (data: Record<string, unknown>) => {
    const profiles = new SenderProfiles(config);
    const flood = bounceFloodDetector(config, profiles);
    history(profiles);
    profiles.observe(sent('2025-12-24T01:00:00Z', { ...data, messageId: '<notice-1@kuwabara-seiki.co.jp>' }));
    const out = [];
    for (let i = 0; i < 10; i++) out.push(...flood.observe(bounce(`2025-12-24T01:${String(10 + i)}:00Z`, '<Notice-1@kuwabara-seiki.co.jp>')));
    return out;
  };
  const routine = run({ ...OUTLOOK, verdict: 'clean' });
  assert.equal(routine.length, 1);
  assert.equal(routine[0]?.severity, 'low');
  assert.equal(routine[0]?.strength, 'review');
  const lure = run({ ...OUTLOOK, verdict: 'malicious' });
  assert.equal(lure[0]?.severity, 'critical');
  assert.equal(lure[0]?.strength, 'strong');
  assert.equal(lure[0]?.data?.returnedLures, 10);
  const unknown = run({ userAgent: 'PHPMailer 6.8.1', originIp: '203.0.113.145', verdict: 'clean' });
  assert.equal(unknown[0]?.severity, 'high');
  assert.equal(unknown[0]?.strength, 'behaviour');
});

test('config: takeover.sender is read from kizuki.config.yaml and reaches the detectors', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadConfig } = await import('../../src/config.js');
  const dir = mkdtempSync(join(tmpdir(), 'kizuki-sender-'));
  try {
    writeFileSync(join(dir, 'kizuki.config.yaml'), 'takeover:\n  sender: { usualAfter: 7 }\n');
    const loaded = loadConfig({ cwd: dir, env: {} });
    const merged = takeoverConfig({ ...loaded.takeover, orgDomains: ['kuwabara-seiki.co.jp'] });
    assert.equal(merged.sender.usualAfter, 7);
    assert.equal(merged.sender.minHistory, 5, 'the rest keeps its default');
    // ten sends from Outlook make a usual client under the default (3), not when 20 are needed
    const strict = new SenderProfiles(takeoverConfig({ sender: { usualAfter: 20 } }));
    history(strict);
    assert.equal(strict.observe(sent('2025-12-12T02:00:00Z', { ...OUTLOOK, verdict: 'clean' }))?.client, 'unknown');
    const usual = new SenderProfiles(config);
    history(usual);
    assert.equal(usual.observe(sent('2025-12-12T02:00:00Z', { ...OUTLOOK, verdict: 'clean' }))?.client, 'usual');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
