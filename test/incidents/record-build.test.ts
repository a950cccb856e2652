import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInternal, strings } from '../../src/events/event.js';
import { buildRecord } from '../../src/incidents/record-build.js';
import { normaliseIndicator } from '../../src/incidents/record-indicators.js';
import { containment2017, replayed2017 } from './record-fixtures.js';

const ORG = ['tsukishiro-vs.co.jp'];

async function build(withActions: boolean) {
  const sink = await replayed2017();
  const [incident] = [...sink.incidents.values()];
  assert.ok(incident, 'the replay opens an incident');
  const signals = [...sink.signals.values()].filter((s) => incident.signalIds.includes(s.id));
  const events = [...sink.events.values()].filter((e) => incident.accounts.includes(e.account));
  const record = buildRecord({ incident, signals, events, orgDomains: ORG, now: '2017-07-12T02:00:00.000Z', ...(withActions ? { actions: containment2017(incident.id) } : {}) });
  return { record, incident, events };
}

describe('incident record built from the 2017 replay', () => {
  it('names both accounts as compromised, keeps the times and derives time to detect', async () => {
    const { record, incident } = await build(false);
    assert.deepEqual(
      record.accounts.map((a) => [a.account, a.role]),
      [
        ['iwanaga@tsukishiro-vs.co.jp', 'compromised'],
        ['hori@tsukishiro-vs.co.jp', 'compromised'],
      ],
    );
    assert.equal(record.kind, 'account-takeover');
    assert.equal(record.times.firstMaliciousAt, incident.firstEvidenceAt);
    assert.equal(record.times.detectedAt, incident.openedAt);
    assert.equal(record.timeToDetectSeconds, (Date.parse(incident.openedAt) - Date.parse(incident.firstEvidenceAt)) / 1000);
    assert.equal(record.times.containedAt, undefined);
    assert.equal(record.timeToContainSeconds, undefined);
    assert.equal(record.lure?.subject, 'shared you a file');
    assert.equal(record.lure?.from, 'greg.ostrander@halvorsen-imaging.com');
  });

  it('lists every outside address that received the lure from the compromised account, with when and which message', async () => {
    const { record, events } = await build(false);
    // independently: the outside Bcc recipients of every lure copy sent by iwanaga
    const expected = new Set<string>();
    for (const e of events) {
      if (e.kind !== 'message.sent' || e.account !== 'iwanaga@tsukishiro-vs.co.jp' || e.data.subject !== 'shared you a file') continue;
      for (const a of [...strings(e.data.to), ...strings(e.data.bcc)]) if (!isInternal(a, ORG)) expected.add(a);
    }
    assert.ok(expected.size > 100);
    assert.deepEqual(new Set(record.outsideRecipients.map((r) => r.address)), expected);
    const one = record.outsideRecipients.find((r) => r.address === 'sales@kitaura-studio.co.jp');
    assert.ok(one, 'a recipient of the sample Bcc message');
    assert.ok(one.messages.some((m) => m.messageId === 'CAF7qW1n9xR0mZk2Yt5uVbHc4sE8aLd3oPq6jTg@mail.gmail.com' && m.at === '2017-07-12T00:21:47.000Z'));
    assert.ok(record.outsideRecipients.every((r) => !r.address.endsWith('@tsukishiro-vs.co.jp')), 'colleagues are not outside recipients');
    assert.ok(record.exposedContacts.count >= expected.size);
    assert.match(record.exposedContacts.basis.en, /no event of access to files/);
  });

  it('keeps typed indicators: the lure domain, URL, PDF hash, sender, Message-IDs and the attacker IP, not the office IP', async () => {
    const { record } = await build(false);
    const has = (type: string, value: string) => record.indicators.some((i) => i.type === type && i.value === value);
    assert.ok(has('domain', 'document-viewer.online'));
    assert.ok(has('url', 'https://docs.google.com.document-viewer.online/d/0B4xQ2mXsLk9hZ1pVdE5aN3c/view?usp=sharing'));
    assert.ok(has('sha256', '98a537910e3d43829ed5312b6ea4826418a93dd4bc8509ce2c9d5c8e513823c7'));
    assert.ok(has('email-address', 'greg.ostrander@halvorsen-imaging.com'));
    assert.ok(has('ipv4', '203.0.113.77'));
    assert.ok(has('subject', 'shared you a file'));
    assert.ok(!has('ipv4', '198.51.100.20'), 'the office line the accounts always used is no indicator');
    assert.ok(!has('domain', 'tsukishiro-vs.co.jp') && !has('domain', 'halvorsen-imaging.com'), 'own and partner domains are no indicators');
    const domain = record.indicators.find((i) => i.type === 'domain');
    assert.ok(domain && domain.firstSeen < domain.lastSeen && domain.tlp === 'amber');
    for (const i of record.indicators) assert.ok(!('error' in normaliseIndicator(i.type, i.value)), `${i.type} ${i.value} is valid`);
  });

  it('keeps the sample messages as evidence by sha256 with the first custody step', async () => {
    const { record } = await build(false);
    assert.equal(record.evidence.length, 3);
    for (const e of record.evidence) {
      assert.match(e.sha256, /^[0-9a-f]{64}$/);
      assert.equal(e.custody[0]?.actor, 'kizuki');
      assert.equal(e.custody[0]?.action, 'collected');
    }
  });

  it('builds the timeline from signals, the verdict, the sends and the action log; the letter shows each finding once', async () => {
    const { record } = await build(true);
    const kinds = record.timeline.map((e) => e.kind);
    for (const k of ['verdict.lure', 'incident.opened', 'event.first-malicious-send', 'event.last-malicious-send', 'signal:takeover.bounce-flood', 'action:suspend:done', 'action:force-password-change:failed', 'action:sign-out:dry-run']) {
      assert.ok(kinds.includes(k), `${k} in the timeline`);
    }
    const times = record.timeline.map((e) => e.at);
    assert.deepEqual(times, [...times].sort(), 'time order');
    const letter = record.timeline.filter((e) => e.inLetter && e.source !== 'action').map((e) => `${e.kind}|${e.account ?? ''}`);
    assert.equal(new Set(letter).size, letter.length, 'no finding twice in the letter');
    assert.ok(!record.timeline.find((e) => e.kind === 'action:sign-out:dry-run')?.inLetter, 'a dry run is not something that was done');
    assert.ok(record.timeline.find((e) => e.kind === 'action:force-password-change:failed')?.inLetter);
    // containment comes from the first suspension that was really done
    assert.equal(record.times.containedAt, '2017-07-12T00:34:11.000Z');
    assert.equal(record.phase, 'contained');
    assert.equal(record.timeToContainSeconds, (Date.parse('2017-07-12T00:34:11.000Z') - Date.parse(record.times.detectedAt)) / 1000);
  });
});

describe('indicator validation', () => {
  it('normalises good values and refuses bad ones with a reason', () => {
    assert.deepEqual(normaliseIndicator('email-address', ' Greg@Halvorsen-Imaging.com '), { value: 'greg@halvorsen-imaging.com' });
    assert.deepEqual(normaliseIndicator('domain', 'Document-Viewer.Online.'), { value: 'document-viewer.online' });
    assert.deepEqual(normaliseIndicator('message-id', '<a.b@c.d>'), { value: 'a.b@c.d' });
    assert.deepEqual(normaliseIndicator('sha256', 'AB'.repeat(32)), { value: 'ab'.repeat(32) });
    assert.deepEqual(normaliseIndicator('ipv6', '2001:DB8::1'), { value: '2001:db8::1' });
    for (const [type, value] of [
      ['email-address', 'not an address'],
      ['domain', 'exa mple.com'],
      ['url', 'javascript:alert(1)'],
      ['ipv4', '999.1.1.1'],
      ['ipv6', '203.0.113.1'],
      ['sha256', 'abc'],
      ['message-id', 'no-at-sign'],
      ['subject', ''],
    ] as const) {
      const result = normaliseIndicator(type, value);
      assert.ok('error' in result, `${type} ${value} refused`);
    }
  });
});
