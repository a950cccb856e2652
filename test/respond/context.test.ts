// What a run works from: evidence strength from the signals (or the incident's own word), the lure messages and
// the indicators to block, never the organisation's or a hijacked partner's own domain.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountEvent, Incident, Signal } from '../../src/model/events.js';
import { buildContext, evidenceStrength } from '../../src/respond/context.js';

const signal = (detector: string, extra: Partial<Signal> = {}): Signal => ({ id: `sig-${detector}`, detector, time: '2026-03-01T10:00:00Z', account: 'a@example.jp', severity: 'high', evidence: [], en: '', ja: '', ...extra });

const incident = (signals: Signal[], extra: Partial<Incident> = {}): Incident => ({
  id: 'inc1',
  title: 'Possible takeover of a@example.jp',
  phase: 'detected',
  severity: 'high',
  accounts: ['a@example.jp'],
  campaigns: [],
  openedAt: '2026-03-01T10:00:00Z',
  firstEvidenceAt: '2026-03-01T09:00:00Z',
  signalIds: signals.map((s) => s.id),
  timeline: [],
  ...extra,
});

describe('response context', () => {
  it('strong evidence: an outbound or internal lure, a malicious internal message, a returned lure, or a sign-in anomaly with persistence', () => {
    assert.equal(evidenceStrength([signal('takeover.campaign.outbound')]), 'strong');
    assert.equal(evidenceStrength([signal('takeover.campaign.internal')]), 'strong');
    assert.equal(evidenceStrength([signal('takeover.lateral-phishing', { data: { verdict: 'malicious' } })]), 'strong');
    assert.equal(evidenceStrength([signal('takeover.lateral-phishing', { data: { verdict: 'suspicious' } })]), 'behaviour');
    assert.equal(evidenceStrength([signal('takeover.signin.new-country'), signal('takeover.persistence.forwarding')]), 'strong');
    assert.equal(evidenceStrength([signal('takeover.signin.new-country')]), 'behaviour');
    assert.equal(evidenceStrength([signal('takeover.outbound-burst.volume'), signal('takeover.bounce-flood')]), 'behaviour');
  });

  it('the incident\'s own evidence and kind win; a review note is marked review-only', () => {
    const signals = [signal('takeover.campaign.outbound')];
    assert.equal(buildContext(incident(signals, { evidence: 'behaviour-only' }), signals, [], ['example.jp']).incident.evidence, 'behaviour');
    const review = buildContext(incident(signals, { kind: 'review', evidence: 'behaviour-only' }), signals, [], ['example.jp']);
    assert.equal(review.incident.kind, 'account-takeover');
    assert.equal(review.incident.reviewOnly, true);
    assert.equal(buildContext(incident(signals, { kind: 'takeover' }), signals, [], ['example.jp']).incident.reviewOnly, undefined);
  });

  it('collects the lure and its indicators, leaving out the hijacked partner\'s own domain', () => {
    const lure: AccountEvent = {
      id: 'ev1',
      kind: 'message.received',
      time: '2026-03-01T09:00:00Z',
      account: 'a@example.jp',
      source: 'test',
      data: { messageId: '<lure@partner.example>', subject: 'shared you a file', from: 'Greg@Partner.example', verdict: 'malicious', linkDomains: ['partner.example', 'evil.example'], linkUrls: ['https://evil.example/x'] },
    };
    const signals = [signal('takeover.campaign.lure-received', { evidence: ['ev1'] }), signal('takeover.signin.new-country')];
    const context = buildContext(incident(signals), signals, [lure], ['example.jp']);
    assert.deepEqual(context.messages, [{ messageId: 'lure@partner.example', subject: 'shared you a file', from: 'greg@partner.example', verdict: 'malicious', recipients: ['a@example.jp'] }]);
    assert.deepEqual(context.indicators, { senders: ['greg@partner.example'], domains: ['evil.example'], urls: ['https://evil.example/x'] });
    assert.equal(context.incident.evidence, 'behaviour');
    assert.equal(context.incident.windowStart, '2026-03-01T09:00:00Z');
  });
});
