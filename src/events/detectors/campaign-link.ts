// Campaign link: the same lure (attachment hash, link domain, normalised subject) first arrives from
// outside judged malicious or suspicious, then leaves one of our accounts, then comes in internally.
import type { AccountEvent, Signal } from '../../model/events.js';
import type { TakeoverConfig } from '../config.js';
import { registrableDomain } from '../../mail/url.js';
import { domainOf, fingerprints, isInternal, stableId, text } from '../event.js';
import { DAY, HOUR } from '../window.js';
import { type Detector, makeSignal, timeOf } from './types.js';

interface Lure {
  campaign: string;
  firstSeen: number;
  inboundEvents: string[];
  subject: string;
}

/** Fingerprints too common to tie messages together on their own. */
const WEAK_LINK_DOMAINS = new Set(['google.com', 'microsoft.com', 'office.com', 'live.com', 'outlook.com', 'sharepoint.com', 'dropbox.com']);

export function campaignLinkDetector(config: TakeoverConfig): Detector {
  const lures = new Map<string, Lure>();
  /** (account, campaign) → time before which no new outbound/internal signal is raised */
  const quiet = new Map<string, number>();
  const remember = config.campaign.rememberDays * DAY;
  const accounts = new Set<string>();
  const id = 'takeover.campaign';

  const usable = (print: string) => !(print.startsWith('link:') && WEAK_LINK_DOMAINS.has(print.slice(5)));

  function forget(now: number): void {
    for (const [print, lure] of lures) if (lure.firstSeen < now - remember) lures.delete(print);
  }

  return {
    id,
    trackedAccounts: () => accounts.size,
    observe(event: AccountEvent): Signal[] {
      if (event.kind !== 'message.sent' && event.kind !== 'message.received') return [];
      const at = timeOf(event);
      forget(at);
      const prints = fingerprints(event).filter(usable);
      if (prints.length === 0) return [];
      const verdict = text(event.data.verdict);
      const from = text(event.data.from).toLowerCase();
      const inboundFromOutside = event.kind === 'message.received' && !isInternal(from, config.orgDomains);

      if (inboundFromOutside) {
        if (verdict !== 'malicious' && verdict !== 'suspicious') return [];
        // links to the sender's own site (its signature) or to ours say nothing about the lure
        const ordinary = new Set([registrableDomain(domainOf(from)), ...config.orgDomains].filter(Boolean).map((d) => `link:${d}`));
        const lurePrints = prints.filter((p) => !ordinary.has(p));
        if (lurePrints.length === 0) return [];
        prints.splice(0, prints.length, ...lurePrints);
        const known = prints.map((p) => lures.get(p)).find(Boolean);
        const lure: Lure = known ?? { campaign: stableId('campaign', prints[0] ?? ''), firstSeen: at, inboundEvents: [], subject: text(event.data.subject) };
        lure.inboundEvents.push(event.id);
        for (const p of prints) if (!lures.has(p)) lures.set(p, lure);
        accounts.add(event.account);
        if (known) return [];
        return [
          makeSignal({
            detector: `${id}.lure-received`,
            at: event,
            severity: 'medium',
            campaign: lure.campaign,
            evidence: [event.id],
            en: `${event.account} received "${lure.subject}" from ${from}, judged ${verdict} on arrival; Kizuki now watches for the same lure leaving or re-entering the organisation.`,
            ja: `${event.account} が ${from} から「${lure.subject}」を受信しました。受信時の判定は「${verdict === 'malicious' ? '悪性' : '不審'}」です。同じおとりメールが社外へ送られたり社内に再び届いたりしないか監視します。`,
            data: { fingerprints: prints, verdict, from },
          }),
        ];
      }

      const lure = prints.map((p) => lures.get(p)).find(Boolean);
      if (!lure) return [];
      const sender = event.kind === 'message.sent' ? event.account : from;
      const stage = event.kind === 'message.sent' ? 'outbound' : 'internal';
      const key = `${stage}|${event.account}|${lure.campaign}`;
      if (at < (quiet.get(key) ?? 0)) return [];
      quiet.set(key, at + HOUR);
      accounts.add(event.account);
      const matched = prints.filter((p) => lures.get(p) === lure);
      const en =
        stage === 'outbound'
          ? `The lure "${lure.subject}" that arrived from outside is now being sent from ${sender}: the account is probably in an attacker's hands.`
          : `The lure "${lure.subject}" reached ${event.account} again, this time from our own ${sender}.`;
      const ja =
        stage === 'outbound'
          ? `社外から届いたおとりメール「${lure.subject}」が ${sender} から送信されています。このアカウントは攻撃者に乗っ取られている可能性が高いです。`
          : `おとりメール「${lure.subject}」が、今度は社内の ${sender} から ${event.account} に届きました。`;
      return [
        makeSignal({
          detector: `${id}.${stage}`,
          at: event,
          account: sender,
          severity: stage === 'outbound' ? 'critical' : 'high',
          strength: 'strong',
          campaign: lure.campaign,
          evidence: [...lure.inboundEvents.slice(0, 5), event.id],
          en,
          ja,
          data: { fingerprints: matched, ...(stage === 'internal' ? { targets: [event.account] } : {}) },
        }),
      ];
    },
  };
}
