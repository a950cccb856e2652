// A small organisation and incident for the response tests: one taken-over mailbox with everything an attacker
// leaves behind, a colleague who received the same lure, and an administrator.
import { emptyOrg, ensureUser, type LocalOrg } from '../../src/providers/local/index.js';
import type { ResponseContext } from '../../src/respond/types.js';

export const VICTIM = 'victim@example.jp';
export const COLLEAGUE = 'colleague@example.jp';
export const ADMIN = 'admin@example.jp';
export const LURE_ID = 'lure-1@evil.example';
export const WINDOW = '2026-03-01T09:00:00.000Z';
export const BEFORE = '2026-01-10T09:00:00.000Z';
export const DURING = '2026-03-01T10:00:00.000Z';

export function makeOrg(): LocalOrg {
  const org = emptyOrg(['example.jp']);
  const victim = ensureUser(org, VICTIM);
  victim.sessions = 3;
  victim.oauthGrants.push({ clientId: 'client-9', app: 'Mail Sync Pro', at: DURING });
  victim.appPasswords.push({ id: 'asp1', name: 'imap', at: DURING });
  victim.forwarding = { target: 'drop@evil.example', at: DURING };
  victim.filters.push({ id: 'f-old', criteria: 'from:newsletter', action: 'label', at: BEFORE });
  victim.filters.push({ id: 'f-new', criteria: 'from:mailer-daemon', action: 'delete', at: DURING });
  victim.delegates.push({ address: 'helper@evil.example', at: DURING });
  victim.sendAs.push({ address: 'ceo@example.jp', at: DURING });
  victim.messages.push({ id: 'm1', messageId: LURE_ID, folder: 'inbox', subject: 'shared you a file', from: 'partner@evil.example', time: DURING });
  const colleague = ensureUser(org, COLLEAGUE);
  colleague.sessions = 1;
  colleague.messages.push({ id: 'm2', messageId: LURE_ID, folder: 'inbox', subject: 'shared you a file', from: VICTIM, time: DURING });
  colleague.messages.push({ id: 'm3', messageId: 'other@example.jp', folder: 'inbox', subject: 'lunch', time: DURING });
  ensureUser(org, ADMIN).isAdmin = true;
  org.nextId = 100;
  return org;
}

export function makeContext(options: { evidence?: 'strong' | 'behaviour'; accounts?: string[]; severity?: ResponseContext['incident']['severity']; id?: string } = {}): ResponseContext {
  return {
    incident: {
      id: options.id ?? 'inc_test_1',
      kind: 'account-takeover',
      title: `Possible takeover of ${VICTIM}`,
      severity: options.severity ?? 'high',
      accounts: options.accounts ?? [VICTIM],
      detectors: ['takeover.campaign.lure-received', 'takeover.persistence.forwarding', 'takeover.signin.new-country'],
      evidence: options.evidence ?? 'strong',
      openedAt: DURING,
      firstEvidenceAt: WINDOW,
      windowStart: WINDOW,
    },
    messages: [{ messageId: LURE_ID, subject: 'shared you a file', from: 'partner@evil.example', recipients: [VICTIM], verdict: 'malicious' }],
    indicators: { senders: ['partner@evil.example'], domains: ['evil.example'], urls: ['https://evil.example/login'] },
  };
}

/** A clock that moves only when slept on, and remembers every sleep. */
export function simulatedClock(start = '2026-03-01T10:05:00.000Z') {
  let now = Date.parse(start);
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(now),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** The account-takeover playbook's calls against the fixture organisation, in order. */
export const EXPECTED_TAKEOVER_CALLS = [
  `PUT /users/${VICTIM}`,
  `POST /users/${VICTIM}/signOut`,
  `GET /users/${VICTIM}/tokens`,
  `DELETE /users/${VICTIM}/tokens/client-9`,
  `GET /users/${VICTIM}/asps`,
  `DELETE /users/${VICTIM}/asps/asp1`,
  `POST /users/${VICTIM}/verificationCodes/invalidate`,
  `GET /users/${VICTIM}/settings/autoForwarding`,
  `PUT /users/${VICTIM}/settings/autoForwarding`,
  `GET /users/${VICTIM}/settings/filters`,
  `DELETE /users/${VICTIM}/settings/filters/f-new`,
  `GET /users/${VICTIM}/settings/delegates`,
  `DELETE /users/${VICTIM}/settings/delegates/helper@evil.example`,
  `GET /users/${VICTIM}/settings/sendAs`,
  `DELETE /users/${VICTIM}/settings/sendAs/ceo@example.jp`,
  `GET /users/${VICTIM}/messages?rfc822msgid=${encodeURIComponent(LURE_ID)}`,
  `POST /users/${VICTIM}/messages/m1/quarantine`,
  `GET /users/${COLLEAGUE}/messages?rfc822msgid=${encodeURIComponent(LURE_ID)}`,
  `POST /users/${COLLEAGUE}/messages/m2/quarantine`,
  `GET /users/${ADMIN}/messages?rfc822msgid=${encodeURIComponent(LURE_ID)}`,
  'POST /messages/send',
];
