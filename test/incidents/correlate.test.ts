import assert from 'node:assert/strict';
import { test } from 'node:test';
import { takeoverConfig } from '../../src/events/config.js';
import { Correlator, strengthOf } from '../../src/incidents/correlate.js';
import type { Severity, Signal, SignalStrength } from '../../src/model/events.js';

const config = takeoverConfig({ orgDomains: ['kuwabara-seiki.co.jp'] });
const ACCOUNT = 'm.okada@kuwabara-seiki.co.jp';
let n = 0;
function sig(detector: string, time: string, severity: Severity, strength?: SignalStrength): Signal {
  const s: Signal = { id: `s${n++}`, detector, time, account: ACCOUNT, severity, evidence: [], en: detector, ja: detector };
  if (strength) s.strength = strength;
  return s;
}
const correlator = (at: string) => new Correlator(config, () => new Date(at));

test('correlation: a strong signal opens an incident on its own, whatever its weight', () => {
  const c = correlator('2025-12-17T18:15:00Z');
  // a 'medium' strong signal weighs 2 points, under openAt (4), and still opens at once
  const incident = c.accept(sig('takeover.outbound-lure', '2025-12-17T18:14:50Z', 'medium', 'strong'));
  assert.ok(incident);
  assert.equal(incident.kind, 'takeover');
  assert.equal(incident.evidence, 'strong');
  assert.match(incident.title, /Possible takeover/);
  assert.match(incident.titleJa ?? '', /乗っ取り/);
});

test('correlation: routine review signals make a low review note that a strong signal raises to a takeover', () => {
  const c = correlator('2025-12-24T01:03:00Z');
  assert.equal(c.accept(sig('takeover.outbound-burst.hidden-recipients', '2025-12-24T01:02:00Z', 'low', 'review')), undefined);
  assert.equal(c.accept(sig('takeover.outbound-burst.volume', '2025-12-24T01:02:00Z', 'low', 'review')), undefined);
  assert.equal(c.accept(sig('takeover.outbound-burst.new-contacts', '2025-12-24T01:02:00Z', 'low', 'review')), undefined);
  const note = c.accept(sig('takeover.bounce-flood', '2025-12-24T01:30:00Z', 'low', 'review'));
  assert.ok(note, 'four low signals weigh enough for a note');
  assert.equal(note.kind, 'review');
  assert.equal(note.severity, 'low');
  assert.equal(note.evidence, 'behaviour-only');
  assert.match(note.title, /to review/);
  assert.match(note.timeline.find((e) => e.kind === 'incident.opened')?.en ?? '', /no sign of a takeover/);
  const raised = c.accept(sig('takeover.outbound-lure', '2025-12-24T03:00:00Z', 'high', 'strong'));
  assert.equal(raised?.id, note.id, 'the same incident, not a second one');
  assert.equal(raised?.kind, 'takeover');
  assert.equal(raised?.evidence, 'strong');
  assert.equal(raised?.severity, 'high');
  assert.match(raised?.title ?? '', /Possible takeover/);
  assert.ok(raised?.timeline.some((e) => e.kind === 'incident.raised'));
});

test('correlation: behaviour from an unknown client stays a takeover suspicion without strong evidence', () => {
  const c = correlator('2025-12-17T18:30:00Z');
  const incident = c.accept(sig('takeover.outbound-burst.volume', '2025-12-17T18:21:00Z', 'high'));
  assert.ok(incident);
  assert.equal(incident.kind, 'takeover');
  assert.equal(incident.evidence, 'behaviour-only', 'destructive steps stay gated');
});

test('correlation: a sign-in anomaly together with a persistence change is strong evidence', () => {
  const c = correlator('2025-12-17T19:00:00Z');
  const incident = c.accept(sig('takeover.signin.new-country', '2025-12-17T18:00:00Z', 'high'));
  assert.equal(incident?.evidence, 'behaviour-only');
  const after = c.accept(sig('takeover.persistence.forwarding', '2025-12-17T18:05:00Z', 'high'));
  assert.equal(after?.id, incident?.id);
  assert.equal(after?.evidence, 'strong');
});

test('correlation: signals stored before they carried a strength are read by detector', () => {
  assert.equal(strengthOf(sig('takeover.campaign.outbound', '2017-07-03T19:31:20Z', 'critical')), 'strong');
  assert.equal(strengthOf(sig('takeover.lateral-phishing', '2017-07-03T19:31:20Z', 'critical')), 'strong');
  assert.equal(strengthOf(sig('takeover.bounce-flood', '2017-07-03T19:31:20Z', 'high')), 'behaviour');
});
