// Small, hand-made values for the store tests.
import { createHash } from 'node:crypto';
import type { AccountEvent, Incident, Signal } from '../../src/model/events.js';
import type { SenderProfile } from '../../src/model/verdict.js';
import type { JudgedMessage } from '../../src/store/index.js';

export function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function judged(n: number, overrides: Partial<JudgedMessage> = {}): JudgedMessage {
  return {
    sha256: sha(`message ${n}`),
    messageId: `msg-${n}@partner.example`,
    subject: `請求書の送付 / invoice ${n}`,
    fromAddress: `billing${n % 3}@partner.example`,
    date: `2017-06-0${(n % 9) + 1}T09:00:00.000Z`,
    source: { path: 'samples/inbox.mbox', index: n },
    verdict: n % 2 === 0 ? 'suspicious' : 'clean',
    score: n * 1.5,
    reasons: [
      { ruleId: 'lure.file-share', name: 'file share lure', score: 3, severity: 'medium', en: 'A file-share lure.', ja: 'ファイル共有を装った誘導です。' },
    ],
    summary: { links: n, attachments: ['pdf'] },
    judgedAt: `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}.000Z`,
    ...overrides,
  };
}

export function event(n: number, overrides: Partial<AccountEvent> = {}): AccountEvent {
  return {
    id: `evt-${n}`,
    kind: n % 3 === 0 ? 'signin.success' : 'message.sent',
    time: new Date(Date.UTC(2017, 5, 1, 0, n)).toISOString(),
    account: 'tanaka@example.co.jp',
    source: 'scenario',
    data: { n, recipients: ['a@example.com'] },
    ...overrides,
  };
}

export function signal(n: number, overrides: Partial<Signal> = {}): Signal {
  return {
    id: `sig-${n}`,
    detector: 'takeover.outbound-burst',
    time: new Date(Date.UTC(2017, 5, 1, 1, n)).toISOString(),
    account: 'tanaka@example.co.jp',
    severity: 'high',
    evidence: [`evt-${n}`],
    en: 'Many messages went out at once.',
    ja: '短時間に大量のメールが送信されました。',
    ...overrides,
  };
}

export function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  return {
    id,
    title: 'Mailbox takeover of tanaka@',
    phase: 'detected',
    severity: 'high',
    accounts: ['tanaka@example.co.jp'],
    campaigns: ['lure-2017-06'],
    openedAt: '2017-06-01T02:00:00.000Z',
    firstEvidenceAt: '2017-06-01T00:05:00.000Z',
    signalIds: ['sig-1'],
    timeline: [{ time: '2017-06-01T00:05:00.000Z', kind: 'signal', en: 'Burst of outbound mail.', ja: '送信の急増。' }],
    ...overrides,
  };
}

export function profile(address: string, overrides: Partial<SenderProfile> = {}): SenderProfile {
  return {
    address,
    firstSeen: '2016-01-01T00:00:00.000Z',
    lastSeen: '2017-05-31T00:00:00.000Z',
    messageCount: 42,
    withAttachments: 5,
    attachmentTypes: { pdf: 5 },
    linkDomains: { 'partner.example': 12 },
    languages: { ja: 40, en: 2 },
    flagged: 0,
    ...overrides,
  };
}
