// respondToIncident: an incident stored by the takeover engine, with its signals and events, runs the matching
// playbooks against the provider — the one call the watch loop and the intake make.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountEvent, Incident, Signal } from '../../src/model/events.js';
import { LocalProvider } from '../../src/providers/local/index.js';
import { DEFAULT_RESPOND_CONFIG } from '../../src/respond/config.js';
import { respondToIncident } from '../../src/respond/index.js';
import { openStore } from '../../src/store/index.js';
import { freshSqliteFile } from '../store/suite.js';
import { LURE_ID, makeOrg, VICTIM } from './fixtures.js';

describe('respondToIncident', () => {
  it('builds the context from the store and runs the account-takeover playbook', async () => {
    const store = await openStore(await freshSqliteFile());
    try {
      const lure: AccountEvent = {
        id: 'ev-lure',
        kind: 'message.received',
        time: '2026-03-01T09:00:00.000Z',
        account: VICTIM,
        source: 'test',
        data: { messageId: LURE_ID, subject: 'shared you a file', from: 'partner@evil.example', verdict: 'malicious', linkDomains: ['evil.example'] },
      };
      const forwarding: AccountEvent = { id: 'ev-fwd', kind: 'setting.forwarding', time: '2026-03-01T09:40:00.000Z', account: VICTIM, source: 'test', data: { target: 'drop@evil.example' } };
      await store.putEvents([lure, forwarding]);
      const signal = (id: string, detector: string, evidence: string[], time: string): Signal => ({ id, detector, time, account: VICTIM, severity: 'high', evidence, en: detector, ja: detector });
      const signals = [
        signal('s1', 'takeover.campaign.lure-received', ['ev-lure'], lure.time),
        signal('s2', 'takeover.signin.new-country', [], '2026-03-01T09:30:00.000Z'),
        signal('s3', 'takeover.persistence.forwarding', ['ev-fwd'], forwarding.time),
      ];
      await store.putSignals(signals);
      const incident: Incident = {
        id: 'inc_front',
        title: `Possible takeover of ${VICTIM}`,
        phase: 'detected',
        severity: 'high',
        accounts: [VICTIM],
        campaigns: [],
        openedAt: '2026-03-01T09:40:00.000Z',
        firstEvidenceAt: lure.time,
        signalIds: signals.map((s) => s.id),
        timeline: [],
        kind: 'takeover',
        evidence: 'strong',
      };
      await store.putIncident(incident);
      const provider = new LocalProvider({ org: makeOrg() });
      const runs = await respondToIncident(incident, { store, providers: [provider], config: { ...DEFAULT_RESPOND_CONFIG, mode: 'automatic' }, orgDomains: ['example.jp'] });
      assert.deepEqual(runs.map((r) => [r.playbook, r.state, r.evidence]), [['account-takeover', 'waiting', 'strong']]);
      const org = provider.snapshot();
      assert.equal(org.users[VICTIM]?.changePasswordAtNextLogin, true);
      assert.equal(org.users[VICTIM]?.messages[0]?.folder, 'quarantine', 'the lure found through the stored events was quarantined');
      const context = runs[0]?.context;
      assert.deepEqual(context?.indicators.senders, ['partner@evil.example']);
    } finally {
      await store.close();
    }
  });
});
